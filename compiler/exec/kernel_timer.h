//===- kernel_timer.h - Times compiled variants of one kernel on the host ------------===//
//
// Auto-tuning's measurement (TVM's measure step, Halide's autotuner timing): the
// variants of one kernel -- the same computation under different schedules -- are
// JIT-compiled together, called on the same buffers (the kernel's constants, random
// inputs), interleaved round by round so a slow phase of the host hits every variant
// alike, and each one's fastest call is kept. With cold constants, each call starts
// with its variant's constants (the weights, as repacked for its schedule) evicted
// from the caches, as a kernel meets them inside a model that touches more bytes per
// inference than the last-level cache holds; the inputs stay cached, as the output of
// the kernel before.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <vector>

#include "compiler/loop/ir.h"
#include "support/status.h"
#include "support/tensor.h"

namespace tessera::exec {

/// One variant: its func and, per parameter, the constant it is bound to (null for
/// inputs and outputs: random and zeroed buffers).
struct KernelVariant {
  loop::Func func;
  std::vector<const Tensor *> constants;
};

struct TimingOptions {
  /// About this many milliseconds of calls in all (at least two rounds).
  double budgetMs = 40;
  /// Evict each variant's constants from the caches before every call.
  bool coldConstants = false;
};

/// The fastest call of each variant in milliseconds, on the parallel pool's current
/// threads.
StatusOr<std::vector<double>> timeKernelVariants(const std::vector<KernelVariant> &variants,
                                                 const TimingOptions &options = {});

/// The same, once per thread count (the parallel pool resized for each, then
/// restored): result[t][v] is variant v's time on threadCounts[t] threads. The
/// variants are compiled once.
StatusOr<std::vector<std::vector<double>>> timeKernelVariantsOnThreads(const std::vector<KernelVariant> &variants,
                                                                       const std::vector<int> &threadCounts,
                                                                       const TimingOptions &options = {});

} // namespace tessera::exec
