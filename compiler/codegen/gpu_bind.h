//===- gpu_bind.h - Binds gpu_block / gpu_thread loops to block and thread indices ----===//
//
// A GPU kernel runs its body once per thread; the loop IR says which loops the
// threads replace. bindGpuLoops rewrites a func for that: each `gpu_block` loop
// becomes its variable bound to blockIdx (and each `gpu_thread` loop to threadIdx)
// plus a guard `%v < min + extent` when the launch is wider than the loop. Nesting
// picks the dimension: the outermost gpu_block loop is x, one inside it y, then z
// (the same for threads). The launch is the widest loop of each dimension.
//
// Rules (errors name the func and loop): GPU loops have constant bounds; no
// gpu_block loop inside a gpu_thread loop; at most 3 of each kind nested; at most
// 1024 threads per block; every store runs inside a gpu_thread loop (a store outside
// would be repeated by every thread); no `global` allocation inside a kernel
// (temporaries are parameters, gpu_schedule.h); no intrinsic calls. Other loop
// kinds (parallel, vectorized, unrolled, vthread) run serially in a thread.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <array>
#include <map>
#include <string>

#include "compiler/loop/ir.h"
#include "support/status.h"

namespace tessera::codegen {

/// A grid of blocks of threads, x first.
struct LaunchDims {
  std::array<int64_t, 3> grid{1, 1, 1};
  std::array<int64_t, 3> block{1, 1, 1};

  int64_t threadsPerBlock() const { return block[0] * block[1] * block[2]; }
  bool operator==(const LaunchDims &other) const = default;
};

/// The hardware index a bound variable takes: `min + blockIdx.<dim>` or `min + threadIdx.<dim>`.
struct GpuIndex {
  loop::ForKind kind = loop::ForKind::GpuBlock;
  int dim = 0;
  int64_t min = 0;
};

struct BoundKernel {
  /// The func with GPU loops replaced by their guards and other loops serial; the
  /// variables of `indices` are free in it.
  loop::Func func;
  std::map<std::string, GpuIndex> indices;
  LaunchDims dims;
};

StatusOr<BoundKernel> bindGpuLoops(const loop::Func &func);

/// The bound kernel as a host func: serial loops over the launch (block z outermost,
/// thread x innermost) around the body, binding each GPU variable to its index. The
/// threads of a kernel are independent (no shared memory or barriers in the loop IR),
/// so this runs what the GPU would, one thread at a time; the tests run it with the
/// CPU JIT to check schedules and bindings on machines without a GPU. Needs GPU
/// loops starting at 0 and one variable per index.
StatusOr<loop::Func> hostEmulation(const BoundKernel &kernel);

} // namespace tessera::codegen
