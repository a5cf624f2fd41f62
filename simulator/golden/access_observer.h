//===- access_observer.h - Hook for the memory accesses an instruction makes --------===//
//
// Machine reports the accesses that can cross units (the inp/wgt rows GEMM reads, the
// out rows compute writes and store reads, and DRAM) to an optional observer; the race
// checker uses it. Accumulator and micro-op rows never cross units (only compute touches
// them), so they are not reported.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>

#include "isa/isa.h"

namespace tessera::sim {

class AccessObserver {
public:
  virtual ~AccessObserver() = default;
  /// Rows [row, row + count) of `buffer`.
  virtual void scratchpadRead(isa::Buffer buffer, int64_t row, int64_t count) = 0;
  virtual void scratchpadWrite(isa::Buffer buffer, int64_t row, int64_t count) = 0;
  /// Bytes [address, address + bytes) of DRAM.
  virtual void dramRead(uint64_t address, uint64_t bytes) = 0;
  virtual void dramWrite(uint64_t address, uint64_t bytes) = 0;
};

} // namespace tessera::sim
