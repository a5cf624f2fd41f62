//===- pareto_plot.h - pareto.svg: latency vs energy per model, the front highlighted ---===//
#pragma once

#include <string>
#include <vector>

#include "sweep/results.h"

namespace tessera::sweep {

/// One panel per model: each ok point at (latency_ms, energy_uj) with its marker's area
/// proportional to the config's area_mm2, the Pareto points filled, joined and numbered
/// in order of latency with a legend naming them beside the plot. Axes are logarithmic when
/// a figure spans more than a factor of 10. A sweep without latencies (functional
/// backend) gets a panel saying so.
std::string paretoSvg(const SweepPlan &plan, const std::vector<ResultRow> &rows);

} // namespace tessera::sweep
