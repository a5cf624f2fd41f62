//===- malloc_policy.h - The process keeps freed memory for the next call ------------===//
//
// What runs kernels allocates megabytes per call and frees them after it: the graph
// executor's intermediate tensors, generated kernels' scratch (padded copies, Winograd
// transforms: 7.3 MB for a 64-channel 56x56 3x3 conv), the functional backend's
// scratchpads. glibc serves a block of at least its mmap threshold (128 KiB at start,
// raised only to the size of the last mapped block freed) with a fresh mmap, and trims
// the heap's top when more than twice that is free: either way every call maps,
// zero-fills and unmaps its memory again. Measured: a quarter of MobileNetV2's run time;
// 21 ms per call for that lone Winograd conv under `--tune` instead of 1.05 ms
// (docs/performance.md, "Kernel scratch and glibc's mmap threshold"); 1.9 ms per
// digits CNN run from Python instead of 0.2 ms.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstddef>

namespace tessera {

/// The largest block served from the heap: glibc's largest accepted mmap threshold.
inline constexpr size_t kHeapBlockLimit = size_t{32} << 20;

/// What the heap grows by beyond a request that does not fit it.
inline constexpr int kHeapTopPad = 4 << 20;

/// Makes glibc serve blocks under kHeapBlockLimit from the heap, grow it by at least
/// kHeapTopPad and keep up to 1 GiB free at its top, so memory a call frees is reused
/// by the next call instead of being mapped again. Called, once per process, by what runs kernels repeatedly (the graph
/// executor, the kernel timer, the Python module). A no-op where malloc is not glibc's
/// (sanitizer builds replace it). True when the policy is in effect.
bool keepFreedMemoryForReuse();

} // namespace tessera
