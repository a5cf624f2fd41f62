//===- gpu_plan.cpp - A model's kernels scheduled for the GPU -----------------------===//
#include "compiler/driver/gpu_plan.h"

#include "compiler/codegen/nvptx_codegen.h"
#include "compiler/lower/gpu_schedule.h"
#include "compiler/lower/op_compute.h"

namespace tessera::driver {
namespace {

std::string describeBindings(const lower::GpuProgram &program, const std::vector<std::string> &values) {
  std::vector<std::string> parts;
  for (size_t i = 0; i < program.params.size(); ++i) {
    const loop::Buffer &b = program.params[i];
    bool temp = i >= values.size();
    parts.push_back(strCat(b.name, "=", temp ? "temp" : values[i], "[", shapeToString(b.shape), "]"));
  }
  return joinStrings(parts, " ");
}

Status addKernel(const graph::Graph &graph, const exec::Step &step, int64_t threadsPerBlock, GpuPlan &plan) {
  lower::KernelGroup group{step.nodes};
  TS_ASSIGN_OR_RETURN(lower::KernelDescription description, lower::describeKernel(graph, group, step.kernel));
  lower::GpuScheduleParams params;
  params.threadsPerBlock = threadsPerBlock;
  TS_ASSIGN_OR_RETURN(lower::GpuProgram program, lower::lowerForGpu(description.func, params));
  // Emitted alone first, so a kernel NVPTX cannot lower (an f64 exp) is listed, not fatal.
  llvm::LLVMContext context;
  std::vector<codegen::PtxKernel> kernels;
  TS_RETURN_IF_ERROR(codegen::emitNvptxModule(program.module, context, step.kernel, kernels).status());
  GpuStep gpuStep{{}, description.params, program.params, description.constants};
  for (loop::Func &f : program.module.funcs) {
    plan.bindings[f.name] = describeBindings(program, description.params);
    gpuStep.funcs.push_back(f.name);
    plan.module.funcs.push_back(std::move(f));
  }
  plan.steps.push_back(std::move(gpuStep));
  ++plan.graphKernels;
  return absl::OkStatus();
}

} // namespace

StatusOr<GpuPlan> planForGpu(const graph::Graph &graph, const exec::ExecutionPlan &cpuPlan, int64_t threadsPerBlock) {
  GpuPlan plan;
  for (const exec::Step &step : cpuPlan.steps) {
    const std::string &op = graph.nodes[step.nodes[0]].op;
    std::string reason = step.reason;
    if (step.kind == exec::StepKind::Alias) {
      const graph::Node &node = graph.nodes[step.nodes.back()];
      plan.aliases.emplace_back(node.outputs[0], node.input(0));
      continue;
    }
    if (step.kind == exec::StepKind::Kernel) {
      Status status = addKernel(graph, step, threadsPerBlock, plan);
      if (status.ok()) continue;
      if (status.code() != absl::StatusCode::kUnimplemented && status.code() != absl::StatusCode::kInvalidArgument)
        return status;
      reason = std::string(status.message());
    }
    auto &[count, why] = plan.missing[op];
    ++count;
    why = reason;
  }
  return plan;
}

std::string missingSummary(const GpuPlan &plan) {
  std::string out;
  for (const auto &[op, entry] : plan.missing)
    out += strCat("not compiled for nvptx: ", op, " x", entry.first, " (", entry.second, ")\n");
  return out;
}

} // namespace tessera::driver
