//===- cycle_time.h - Cycles on the SystemC time axis ------------------------------===//
//
// The model's clock has a period of one nanosecond of SystemC time (1000 ticks at the
// default 1 ps resolution). Units do not sample a toggling sc_clock: they wait whole
// numbers of periods computed from the timing contract, so simulation cost scales with
// instructions, not cycles. The DRAM arbiter decides at half periods, after every request
// raised at the period's start has been posted, whatever the order of delta cycles.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>

#include <systemc>

namespace tessera::systemc {

inline constexpr uint64_t kTicksPerCycle = 1000;

/// The current cycle (time rounded down to a clock period).
inline uint64_t nowCycle() { return sc_core::sc_time_stamp().value() / kTicksPerCycle; }

/// SystemC time of the start of `cycle` plus `ticks`.
inline sc_core::sc_time cycleTime(uint64_t cycle, uint64_t ticks = 0) {
  return sc_core::sc_time::from_value(cycle * kTicksPerCycle + ticks);
}

/// Waits (in an SC_THREAD) until time `cycle` + `ticks`; returns at once when already there.
inline void waitUntil(uint64_t cycle, uint64_t ticks = 0) {
  uint64_t target = cycle * kTicksPerCycle + ticks, now = sc_core::sc_time_stamp().value();
  if (target > now) sc_core::wait(sc_core::sc_time::from_value(target - now));
}

} // namespace tessera::systemc
