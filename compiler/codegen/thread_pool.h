//===- thread_pool.h - The worker pool behind `parallel` loops ----------------------===//
//
// Compiled code reaches it through the module global `tessera.parallel_for`
// (llvm_codegen.h). The pool holds threadCount - 1 workers; the calling thread takes
// a share too. Iterations are split into a few contiguous grains per thread, grouped
// in one segment per thread: each thread runs its own segment first (the same part of
// every loop, so consecutive kernels over the same channels stay in one core's cache),
// then takes the others' leftovers, so a thread slowed by another process on its core
// does fewer grains instead of holding up the loop. Threads spin briefly (300 us) for
// the next loop and for each other before they sleep: waking a sleeping thread
// costs more than a small kernel's share. One loop runs at a time; a loop posted
// while one is in flight (from a body, or from another thread) runs inline.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>

#include "compiler/codegen/llvm_codegen.h"

namespace tessera::codegen {

/// Sets the number of threads parallel loops use (1 runs them inline).
void setParallelThreads(int threads);
int parallelThreads();
/// The runtime entry point stored in `tessera.parallel_for`.
void parallelFor(ParallelBody body, void *closure, int64_t count);

} // namespace tessera::codegen
