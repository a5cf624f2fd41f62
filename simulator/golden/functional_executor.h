//===- functional_executor.h - Runs a program in a valid order, checking tokens ----===//
//
// The three units run in program order each, interleaved as the token protocol allows
// (round-robin, each unit as far as it can go). A program that cannot make progress is
// reported as a deadlock naming each unit's blocked instruction and why (a pop with no
// matching push, or a full queue). At FINISH every other unit must have drained and
// every token queue must be empty; otherwise the leftover is reported. With race checking
// on, tokens also carry vector clocks and an access the tokens do not order is an error.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <vector>

#include "isa/program.h"
#include "simulator/golden/counters.h"

namespace tessera::sim {

/// Builds the initial DRAM image of `program`: zeros, constants at their offsets, the
/// encoded micro-op table and instruction stream.
StatusOr<std::vector<uint8_t>> buildDramImage(const isa::Program &program, const isa::HardwareConfig &config);

struct FunctionalOptions {
  /// Check that dependency tokens order every cross-unit access (race_checker.h).
  bool checkRaces = true;
  /// When non-zero, stop with an error before an instruction that would keep its unit
  /// busy past this many cycles. A unit's busy time is the sum of its instructions'
  /// durations under the timing contract (isa/timing: compute durations, DMA on an idle
  /// channel), a lower bound on any cycle-level run's length, so a program stopped here
  /// would have run longer on systemc or rtl too. One huge instruction stops before it runs.
  uint64_t maxCycles = 0;
};

/// Runs `program` over `dram` (from buildDramImage, with inputs written); returns the
/// counters. Errors name the instruction index.
StatusOr<Counters> runFunctional(const isa::Program &program, const isa::HardwareConfig &config,
                                 std::vector<uint8_t> &dram, const FunctionalOptions &options = {});

} // namespace tessera::sim
