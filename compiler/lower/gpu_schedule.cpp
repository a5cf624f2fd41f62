//===- gpu_schedule.cpp - One thread per output element, one kernel per stage ---------===//
#include "compiler/lower/gpu_schedule.h"

#include "compiler/loop/pass_manager.h"
#include "compiler/loop/verifier.h"

namespace tessera::lower {
namespace {

using loop::ForKind;
using loop::Schedule;

/// Fuses the leading spatial loops of `stage` into one; returns its name.
StatusOr<std::string> fuseSpatial(Schedule &s, const std::string &stage) {
  TS_ASSIGN_OR_RETURN(std::vector<loop::IterVar> loops, s.loops(stage));
  std::string outer = loops[0].name;
  for (size_t k = 1; k < loops.size() && !loops[k].reduce; ++k) {
    std::string fused = strCat("gpu_f", k);
    TS_RETURN_IF_ERROR(s.fuse(stage, outer, loops[k].name, fused));
    outer = fused;
  }
  return outer;
}

/// The kernel computing stage `index` of `func` alone; temporaries are parameters.
loop::ComputeFunc stageKernel(const loop::ComputeFunc &func, size_t index) {
  loop::ComputeFunc kernel;
  kernel.name = func.stages.size() == 1 ? func.name : strCat(func.name, "_s", index);
  kernel.params = func.params;
  kernel.params.insert(kernel.params.end(), func.temps.begin(), func.temps.end());
  kernel.stages = {func.stages[index]};
  return kernel;
}

} // namespace

Status scheduleStageForGpu(Schedule &s, const std::string &stage, const GpuScheduleParams &params) {
  if (params.threadsPerBlock < 1 || params.threadsPerBlock > 1024)
    return invalidInput("gpu schedule: %d threads per block (1 to 1024)", params.threadsPerBlock);
  TS_ASSIGN_OR_RETURN(std::vector<loop::IterVar> loops, s.loops(stage));
  if (loops.empty() || loops[0].reduce) return invalidInput("gpu schedule: stage %%%s has no spatial loop", stage);
  TS_ASSIGN_OR_RETURN(std::string fused, fuseSpatial(s, stage));
  TS_ASSIGN_OR_RETURN(loops, s.loops(stage));
  int64_t threads = std::min(params.threadsPerBlock, loops[0].extent);
  TS_RETURN_IF_ERROR(s.split(stage, fused, threads, "gpu_bx", "gpu_tx"));
  TS_RETURN_IF_ERROR(s.setKind(stage, "gpu_bx", ForKind::GpuBlock));
  TS_RETURN_IF_ERROR(s.setKind(stage, "gpu_tx", ForKind::GpuThread));
  bool reduce = loops.size() > 1 && loops[1].reduce;
  if (reduce) TS_RETURN_IF_ERROR(s.cacheWrite(stage, "gpu_tx", loop::MemScope::Local));
  return absl::OkStatus();
}

StatusOr<GpuProgram> lowerForGpu(const loop::ComputeFunc &func, const GpuScheduleParams &params) {
  GpuProgram program;
  program.params = func.params;
  program.params.insert(program.params.end(), func.temps.begin(), func.temps.end());
  program.temps = func.temps.size();
  for (size_t k = 0; k < func.stages.size(); ++k) {
    Schedule schedule(stageKernel(func, k));
    TS_RETURN_IF_ERROR(scheduleStageForGpu(schedule, func.stages[k].output.name, params));
    TS_ASSIGN_OR_RETURN(loop::Func kernel, schedule.lower());
    TS_RETURN_IF_ERROR(loop::runLoopPipeline(kernel, params.loopPipeline));
    TS_RETURN_IF_ERROR(loop::verifyFunc(kernel));
    program.module.funcs.push_back(std::move(kernel));
  }
  return program;
}

} // namespace tessera::lower
