//===- timeline.h - Queue occupancies and unit activity over time ----------------===//
//
// Rebuilt from the per-instruction records after a run, for the Chrome trace's counter
// tracks and the VCD waveform: instruction queue occupancy (+1 at dispatch + 1, -1 at
// start + 1), token counts as the consumer sees them (+1 at the producer's end, -1 at
// the consumer's start + 1) and whether each unit has an instruction in [start, end).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>
#include <vector>

#include "isa/program.h"
#include "simulator/systemc/records.h"

namespace tessera::systemc {

struct Signal {
  std::string name;  ///< e.g. "queue.load", "tokens.l2c", "active.compute"
  int width = 1;     ///< bits, for the VCD
  /// (cycle, value) at each change, cycles increasing, starting with (0, 0).
  std::vector<std::pair<uint64_t, int64_t>> changes;
};

/// Queues (3), token queues (4), unit activity (3), in that order.
std::vector<Signal> buildTimeline(const isa::Program &program, const isa::HardwareConfig &config,
                                  const SimulationOutcome &outcome);

} // namespace tessera::systemc
