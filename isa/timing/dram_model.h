//===- dram_model.h - The DRAM channel of the timing contract -------------------===//
//
// docs/microarchitecture.md, section 7: one issue port that grants whole transfers in
// fixed priority (fetch > compute > load > store) and one data bus moving B bytes per
// cycle after a fixed latency L. The channel's whole state is two cycles, issueFree and
// busFree. The class has no SystemC dependency: the SystemC model uses the transfer
// view (grant), the Verilator testbench the per-burst view (acceptBurst); both update
// the same state, so they agree by construction.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <string_view>

#include "isa/config.h"

namespace tessera::timing {

/// DRAM requesters, highest priority first.
enum class Requester : uint8_t { fetch = 0, compute = 1, load = 2, store = 3 };
inline constexpr int kRequesterCount = 4;
std::string_view requesterName(Requester requester);

/// The highest-priority requester whose bit (1 << Requester) is set in `pendingMask`;
/// `pendingMask` must not be zero.
Requester arbitrate(unsigned pendingMask);

/// The DRAM cost of one transfer.
struct TransferShape {
  uint64_t bursts = 0; ///< requests issued, one per cycle
  uint64_t beats = 0;  ///< data-bus cycles
  uint64_t bytes = 0;  ///< DRAM bytes moved
};

/// When a granted transfer runs: beats occupy [firstBeat, done).
struct TransferTiming {
  uint64_t grant = 0;
  uint64_t firstBeat = 0;
  uint64_t done = 0;
};

class DramModel {
public:
  DramModel(uint64_t latencyCycles, uint64_t bytesPerCycle)
      : latency_(latencyCycles), bytesPerCycle_(bytesPerCycle) {}
  explicit DramModel(const isa::HardwareConfig &config)
      : DramModel(uint64_t(config.dram_latency_cycles), uint64_t(config.dram_bytes_per_cycle)) {}

  /// True when the issue port can grant a transfer in `cycle`.
  bool canGrant(uint64_t cycle) const { return cycle >= issueFree_; }
  /// Grants a transfer in `cycle` (which must satisfy canGrant) and books the data bus.
  TransferTiming grant(uint64_t cycle, const TransferShape &shape);
  /// Per-burst view: a burst of `bytes` accepted in `cycle`; returns its first beat's
  /// cycle. Its beats run until busFree().
  uint64_t acceptBurst(uint64_t cycle, uint64_t bytes);

  /// Data beats of a burst of `bytes`.
  uint64_t beatsFor(uint64_t bytes) const { return (bytes + bytesPerCycle_ - 1) / bytesPerCycle_; }
  uint64_t issueFree() const { return issueFree_; }
  uint64_t busFree() const { return busFree_; }
  uint64_t latency() const { return latency_; }
  /// Data-bus cycles booked so far (for bandwidth utilization).
  uint64_t busyBeats() const { return busyBeats_; }

private:
  uint64_t latency_;
  uint64_t bytesPerCycle_;
  uint64_t issueFree_ = 0;
  uint64_t busFree_ = 0;
  uint64_t busyBeats_ = 0;
};

} // namespace tessera::timing
