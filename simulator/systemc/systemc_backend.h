//===- systemc_backend.h - Backend `systemc`: the cycle-accurate model --------------===//
//
// Runs a program on the SystemC model (in a forked child, child_runner.h), returns the
// counters, total_cycles and the report keys of report.h, and writes the Chrome trace
// and the VCD when asked. DRAM ends bit-identical to the `functional` backend's.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <memory>

#include "runtime/backend_api/backend.h"
#include "simulator/systemc/records.h"

namespace tessera::systemc {

/// The outcome of one run plus its report keys, for callers that need the records
/// (e.g. the RTL co-simulation comparing per-instruction end cycles).
struct SystemcRun {
  SimulationOutcome outcome;
  runtime::RunResult result;
};

/// Verifies and simulates `program`; writes the trace/VCD of options (also after a failed
/// run, to help debug a deadlock). Errors: verification, simulation errors (deadlock,
/// out-of-bounds, --max-cycles).
StatusOr<SystemcRun> runSystemc(const isa::Program &program, const isa::HardwareConfig &config,
                                std::vector<uint8_t> &dram, const runtime::RunOptions &options);

} // namespace tessera::systemc

namespace tessera::runtime {
StatusOr<std::unique_ptr<Backend>> createSystemcBackend(const isa::HardwareConfig &config);
} // namespace tessera::runtime
