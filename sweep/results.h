//===- results.h - A sweep's finished points merged into its result files -------------===//
//
// `tessera sweep` (at the end of a local run) and `tessera sweep --collect DIR` (after a
// Slurm or Kubernetes run) read every point's result.json and write:
//
//   DIR/results.csv          one row per point x model, in plan order: point, the swept
//                            columns, config_hash, model, status (ok | error), error,
//                            total_cycles, latency_ms, energy_uj, area_mm2,
//                            gemm_utilization, accel_mac_fraction
//   DIR/results.json         the same rows, with pj_per_mac, and the Pareto points
//   DIR/pareto.svg           latency vs energy per model, area as marker size, the
//                            Pareto front (lower latency and lower energy) highlighted
//   DIR/pareto_layers.csv    the per-layer rows of each Pareto point's run report
//
// The files depend only on the plan and the point results (no timings), so an
// interrupted and resumed sweep writes the same bytes as an uninterrupted one.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sweep/sweep_plan.h"

namespace tessera::sweep {

/// One row of results.csv.
struct ResultRow {
  std::string point, model;
  nlohmann::json values; ///< config_hash, status, error, the figures, the swept columns
  bool pareto = false;
};

/// The rows of every point (plan order, then model order); an error lists the points
/// without a result.json (not run yet, or still running).
StatusOr<std::vector<ResultRow>> readResults(const SweepPlan &plan, const std::string &dir);

/// Marks the rows on each model's Pareto front of (latency_ms, energy_uj).
void markParetoFront(std::vector<ResultRow> &rows);

std::string resultsCsv(const SweepPlan &plan, const std::vector<ResultRow> &rows);

/// Writes results.csv, results.json, pareto.svg and pareto_layers.csv into `dir`;
/// returns the rows written.
StatusOr<std::vector<ResultRow>> writeResults(const SweepPlan &plan, const std::string &dir);

} // namespace tessera::sweep
