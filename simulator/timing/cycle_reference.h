//===- cycle_reference.h - The timing contract read literally, one cycle at a time ----===//
//
// A second, independent implementation of docs/microarchitecture.md: it steps every
// cycle and evaluates the rules of sections 3-7 in their plain form (completions, then
// fetch, then unit starts against a snapshot of the state at the start of the cycle, then
// DRAM arbitration). It computes timing only (durations do not depend on data), with no
// SystemC, so it is slow but obviously faithful. The SystemC model's tests
// (systemc_random_test.cpp) and the RTL co-simulation (rtl/cosim/cosim_test.cpp) compare
// their per-instruction cycles with it on random programs of the unconstrained
// discipline (simulator/testing/random_program.h).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <vector>

#include "isa/program.h"
#include "support/status.h"

namespace tessera::timing {

/// The cycles of one instruction (kNotYet when it never got there).
struct ReferenceTimes {
  static constexpr uint64_t kNotYet = ~uint64_t(0);
  uint64_t dispatch = kNotYet;
  uint64_t start = kNotYet;
  uint64_t grant = kNotYet;
  uint64_t firstBeat = kNotYet;
  uint64_t end = kNotYet;
};

struct ReferenceRun {
  uint64_t totalCycles = 0;
  std::vector<ReferenceTimes> instructions;
};

/// Runs the timing of `program` to FINISH. Fails when it has not finished after
/// `maxCycles` (a deadlock, for this model).
StatusOr<ReferenceRun> runCycleReference(const isa::Program &program, const isa::HardwareConfig &config,
                                         uint64_t maxCycles = 100000000);

} // namespace tessera::timing
