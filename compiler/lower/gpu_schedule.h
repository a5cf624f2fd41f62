//===- gpu_schedule.h - Schedules for the NVPTX back end ------------------------------===//
//
// The GPU schedule of a stage, from parameters that are all explicit
// (GpuScheduleParams) so a tuner can search them: the spatial axes are fused into
// one loop, split by the block size, the outer part bound to `gpu_block` (blockIdx.x)
// and the inner part to `gpu_thread` (threadIdx.x); the split's guard keeps the
// threads past the end idle. Reductions run serially inside the thread, accumulating
// in a `local` buffer of one element (a register) written back once. Consecutive
// threads own consecutive output elements, so the stores and the reads indexed by
// the innermost axis are coalesced.
//
// lowerForGpu turns a described computation into GPU kernels: one per stage, since a
// later stage reads what other threads of an earlier one wrote and only a kernel
// boundary orders them (a padded convolution is a padding kernel, then the
// convolution). The temporaries become device buffers every kernel takes after the
// computation's own parameters.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/loop/schedule.h"

namespace tessera::lower {

struct GpuScheduleParams {
  /// Threads per block (the gpu_thread loop's extent when there is enough work).
  int64_t threadsPerBlock = 256;
  /// Loop passes run on each kernel after lowering.
  std::string loopPipeline = "simplify";
};

/// Applies the GPU schedule to stage `stage` of `schedule`.
Status scheduleStageForGpu(loop::Schedule &schedule, const std::string &stage, const GpuScheduleParams &params = {});

/// GPU kernels for one described computation.
struct GpuProgram {
  /// One func per kernel, launched in this order.
  loop::Module module;
  /// The buffers every kernel takes, in order: the computation's parameters, then
  /// its temporaries (scratch buffers on the device, `temps` of them at the end).
  std::vector<loop::Buffer> params;
  size_t temps = 0;
};

/// Schedules and lowers every stage of `func` as its own kernel, named `func.name`
/// when there is one stage, else `<func.name>_s<index>`.
StatusOr<GpuProgram> lowerForGpu(const loop::ComputeFunc &func, const GpuScheduleParams &params = {});

} // namespace tessera::lower
