//===- report.h - Report keys of a cycle-level run (docs/reports.md) ---------------===//
//
// Derives every figure from the per-instruction records: per-unit cycle classes,
// GEMM and ALU utilization, DRAM traffic and bandwidth, unit overlap and the
// per-segment rows. The keys are merged into the runtime's report JSON.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <nlohmann/json.hpp>

#include "isa/program.h"
#include "simulator/systemc/records.h"

namespace tessera::systemc {

/// The backend-specific report keys (units, gemm_utilization, dram, segments, ...).
nlohmann::json buildReport(const isa::Program &program, const isa::HardwareConfig &config,
                           const SimulationOutcome &outcome);

/// Cycles in which both units have an instruction in [start, end).
uint64_t overlapCycles(const isa::Program &program, const SimulationOutcome &outcome, isa::Unit a, isa::Unit b);

} // namespace tessera::systemc
