//===- records.h - What one simulation leaves behind --------------------------------===//
//
// The model records a few cycles per instruction; every report figure, the trace and
// the waveform are derived from these records after the run (report.cpp,
// trace_writer.cpp, vcd_writer.cpp), so the simulation loop stays lean. All records are
// trivially copyable: the child process that runs SystemC ships them to the parent as
// raw bytes (child_runner.cpp).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "simulator/golden/counters.h"

namespace tessera::systemc {

inline constexpr uint64_t kNever = ~uint64_t(0);

/// The life of one instruction (cycles as in docs/microarchitecture.md).
struct InstructionRecord {
  uint64_t dispatch = kNever;  ///< fetch dispatched it (queued at dispatch + 1)
  uint64_t ready = kNever;     ///< its unit was free and it was at the queue head
  uint64_t start = kNever;     ///< s: popped its tokens
  uint64_t grant = kNever;     ///< g: DRAM grant (DMA only)
  uint64_t firstBeat = kNever; ///< f: first data beat (DMA only)
  uint64_t end = kNever;       ///< e: done, tokens pushed
  uint64_t dramStall = 0;      ///< (g - s) + (f - (g + L))
  uint64_t dramBytes = 0;      ///< DRAM bytes moved
};

/// Fetch unit cycle classes (busy = one dispatch each).
struct FetchStats {
  uint64_t busy = 0;
  uint64_t stallDram = 0;
  uint64_t stallQueue = 0;
  uint64_t lastDispatch = 0;
  uint64_t blocks = 0;
  uint64_t bytes = 0; ///< instruction bytes read
};

/// Everything a run produces besides DRAM contents.
struct SimulationOutcome {
  bool ok = false;
  int errorCode = 0;         ///< absl::StatusCode when !ok
  std::string errorMessage;
  uint64_t totalCycles = 0;  ///< FINISH end (or the cycle the run stopped)
  sim::Counters counters;
  FetchStats fetch;
  uint64_t dramBusyBeats = 0;
  double simulateSeconds = 0;    ///< wall-clock time of sc_start
  double simulateCpuSeconds = 0; ///< CPU time of sc_start (one OS thread runs every process)
  std::vector<InstructionRecord> records;
};

} // namespace tessera::systemc
