//===- model.h - The elaborated accelerator model and one simulation --------------===//
//
// Builds the module hierarchy (fetch, load, compute, store, DRAM; three instruction
// queues and four token queues as channels), runs sc_start, and turns how it stopped
// into an outcome: FINISH reached, an error from the Machine or the protocol, a deadlock
// (every thread waiting on an event no one will notify; each unit's blocked instruction
// and the cycle are reported) or the --max-cycles guard.
//
// SystemC elaborates once per process: simulate() may be called once per process.
// child_runner.h runs it in a forked child so that a process can simulate many programs.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "isa/program.h"
#include "simulator/systemc/records.h"

namespace tessera::systemc {

struct SimulateOptions {
  uint64_t maxCycles = 0; ///< 0: no limit
  bool progress = false;
  /// Check that tokens order every cross-unit access, as the functional executor does
  /// (simulator/golden/race_checker.h). Costs about a quarter of the simulation time.
  bool checkRaces = true;
};

/// Simulates `program` over `dram` in this process (once per process).
SimulationOutcome simulate(const isa::Program &program, const isa::HardwareConfig &config, std::vector<uint8_t> &dram,
                           const SimulateOptions &options);

} // namespace tessera::systemc
