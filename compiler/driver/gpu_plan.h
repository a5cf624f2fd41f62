//===- gpu_plan.h - A model's kernels scheduled for the GPU ------------------------===//
//
// The model is planned as for the cpu target (the same kernel groups: anchors with
// their fused elementwise epilogues, aliases, reference fallbacks); each kernel is
// described again without CPU layout choices and scheduled for the GPU
// (lower/gpu_schedule.h). Nodes that get no GPU kernel (no compute description, or a
// description the GPU schedule or NVPTX rejects) are kept with the reason.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <map>
#include <string>

#include "compiler/exec/execution_plan.h"
#include "compiler/loop/ir.h"

namespace tessera::driver {

/// One graph kernel's GPU kernels and what their parameters are bound to.
struct GpuStep {
  /// The kernel funcs, launched in this order, each on every buffer of `params`.
  std::vector<std::string> funcs;
  /// The graph value of each leading parameter; the parameters after them are
  /// temporaries of the step.
  std::vector<std::string> values;
  std::vector<loop::Buffer> params;
  /// Constants the description derived (folded BatchNorm scales), by their name in
  /// `values`: not in the graph.
  std::map<std::string, Tensor> constants;
};

/// The GPU kernels of a plan, and the nodes left without one.
struct GpuPlan {
  loop::Module module;
  /// The graph kernels in plan order.
  std::vector<GpuStep> steps;
  /// (value, the value whose data it reuses under its own shape), in plan order.
  std::vector<std::pair<std::string, std::string>> aliases;
  /// Per kernel func: "p0=value[shape] ..." (parameters, then temporaries).
  std::map<std::string, std::string> bindings;
  /// op -> (count, reason) of the nodes without a GPU kernel.
  std::map<std::string, std::pair<int, std::string>> missing;
  int graphKernels = 0;
};

/// The GPU kernels of the cpu target's plan of `graph`.
StatusOr<GpuPlan> planForGpu(const graph::Graph &graph, const exec::ExecutionPlan &cpuPlan, int64_t threadsPerBlock);

/// "not compiled for nvptx: Exp x1 (reason)" lines.
std::string missingSummary(const GpuPlan &plan);

} // namespace tessera::driver
