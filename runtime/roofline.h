//===- roofline.h - A roofline plot of a run's segments (SVG) ------------------------===//
//
// One point per segment with GEMM work at (arithmetic intensity in MACs per DRAM byte,
// achieved MACs per cycle), on log-log axes under the config's two roofs: compute
// (BATCH x BLOCK_IN x BLOCK_OUT MACs/cycle) and DRAM (intensity x dram_bytes_per_cycle).
// Reads the report's `segments` rows (docs/reports.md), so any cycle-level backend's
// report can be drawn.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "isa/config.h"
#include "support/status.h"

namespace tessera::runtime {

/// The SVG document; an error when the report has no segment rows with cycles.
StatusOr<std::string> rooflineSvg(const nlohmann::json &report, const isa::HardwareConfig &config);

} // namespace tessera::runtime
