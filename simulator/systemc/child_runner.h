//===- child_runner.h - One simulation per forked child process ---------------------===//
//
// SystemC's kernel is a process-wide singleton that elaborates once and cannot be reset,
// while tests, the CLI and the compiler's tuner simulate many programs per process. Each
// simulation therefore runs in a forked child: DRAM goes back through a shared mapping,
// the outcome (records, counters, status) through a pipe as raw bytes. The parent never
// touches SystemC, so every child starts from a fresh kernel.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "simulator/systemc/model.h"

namespace tessera::systemc {

/// Runs simulate() in a child process; `dram` receives the child's final DRAM contents
/// (also when the simulation failed part-way). The error is the simulation's own, or
/// why the child could not run.
StatusOr<SimulationOutcome> simulateInChild(const isa::Program &program, const isa::HardwareConfig &config,
                                            std::vector<uint8_t> &dram, const SimulateOptions &options);

} // namespace tessera::systemc
