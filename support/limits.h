//===- limits.h - Documented limits on sizes that user input declares ---------===//
//
// Every size a user's file declares (a .npy header's shape, an assembly .tensor or
// .dram_bytes, a binary's memory map) is checked against these limits before anything
// is allocated, so a 128-byte file cannot ask for 10^11 elements. They are stated in
// docs/binary-format.md ("Limits"); change them there too.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>

namespace tessera {

/// Largest DRAM a program may declare (`.dram_bytes`, a binary's `dram_bytes`): 4 GiB.
/// Every tensor, the micro-op table and the instruction stream lie inside it.
inline constexpr uint64_t kMaxDramBytes = uint64_t(1) << 32;

/// Most elements one tensor may have (a .npy array, an assembly or binary tensor): 2^31.
inline constexpr int64_t kMaxTensorElements = int64_t(1) << 31;

} // namespace tessera
