//===- gpu_model.cpp - A model's kernels, scheduled for the GPU, as one PTX module -----===//
#include "tools/gpu_model.h"

#include <iostream>
#include <map>

#include "compiler/codegen/nvptx_codegen.h"
#include "compiler/exec/execution_plan.h"
#include "compiler/loop/printer.h"
#include "compiler/lower/gpu_schedule.h"
#include "compiler/lower/op_compute.h"
#include "support/file_io.h"
#include "tools/cpu_model.h"

namespace tessera::cli {
namespace {

/// The GPU kernels of a plan, and the nodes left without one.
struct GpuPlan {
  loop::Module module;
  /// Per kernel func: "p0=value[shape] ..." (parameters, then temporaries).
  std::map<std::string, std::string> bindings;
  /// op -> (count, reason) of the nodes without a GPU kernel.
  std::map<std::string, std::pair<int, std::string>> missing;
  int graphKernels = 0;
};

std::string describeBindings(const lower::GpuProgram &program, const std::vector<std::string> &values) {
  std::vector<std::string> parts;
  for (size_t i = 0; i < program.params.size(); ++i) {
    const loop::Buffer &b = program.params[i];
    bool temp = i >= values.size();
    parts.push_back(strCat(b.name, "=", temp ? "temp" : values[i], "[", shapeToString(b.shape), "]"));
  }
  return joinStrings(parts, " ");
}

Status addKernel(const graph::Graph &graph, const exec::Step &step, const NvptxCompileArgs &args, GpuPlan &plan) {
  lower::KernelGroup group{step.nodes};
  TS_ASSIGN_OR_RETURN(lower::KernelDescription description, lower::describeKernel(graph, group, step.kernel));
  lower::GpuScheduleParams params;
  params.threadsPerBlock = args.threadsPerBlock;
  TS_ASSIGN_OR_RETURN(lower::GpuProgram program, lower::lowerForGpu(description.func, params));
  // Emitted alone first, so a kernel NVPTX cannot lower (an f64 exp) is listed, not fatal.
  llvm::LLVMContext context;
  std::vector<codegen::PtxKernel> kernels;
  TS_RETURN_IF_ERROR(codegen::emitNvptxModule(program.module, context, step.kernel, kernels).status());
  for (loop::Func &f : program.module.funcs) {
    plan.bindings[f.name] = describeBindings(program, description.params);
    plan.module.funcs.push_back(std::move(f));
  }
  ++plan.graphKernels;
  return absl::OkStatus();
}

StatusOr<GpuPlan> planForGpu(const graph::Graph &graph, const exec::ExecutionPlan &cpuPlan, const NvptxCompileArgs &args) {
  GpuPlan plan;
  for (const exec::Step &step : cpuPlan.steps) {
    const std::string &op = graph.nodes[step.nodes[0]].op;
    std::string reason = step.reason;
    if (step.kind == exec::StepKind::Alias) continue;
    if (step.kind == exec::StepKind::Kernel) {
      Status status = addKernel(graph, step, args, plan);
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

/// The PTX file's header: what it holds and how to launch it.
std::string header(const GpuPlan &plan, const codegen::PtxModule &ptx, const std::string &model) {
  std::string out = strCat("// tessera compile ", model, " --target nvptx --gpu-arch ", ptx.arch, "\n");
  for (const codegen::PtxKernel &k : ptx.kernels)
    out += strCat("// kernel ", k.name, " grid ", k.dims.grid[0], "x", k.dims.grid[1], "x", k.dims.grid[2], " block ",
                  k.dims.block[0], "x", k.dims.block[1], "x", k.dims.block[2], ": ", plan.bindings.at(k.name), "\n");
  std::string missing = missingSummary(plan);
  for (std::string_view line : splitString(missing, '\n', /*skipEmpty=*/true)) out += strCat("// ", line, "\n");
  return out;
}

} // namespace

Status compileForNvptxTarget(const NvptxCompileArgs &args) {
  if (args.threadsPerBlock < 1 || args.threadsPerBlock > 1024)
    return invalidInput("--gpu-block-size %d: a block holds 1 to 1024 threads", args.threadsPerBlock);
  TS_ASSIGN_OR_RETURN(graph::Graph graph, loadGraphForCpu(args.model, args.inputShapes));
  TS_ASSIGN_OR_RETURN(exec::ExecutionPlan cpuPlan, exec::planGraph(graph));
  TS_ASSIGN_OR_RETURN(GpuPlan plan, planForGpu(graph, cpuPlan, args));
  if (!args.loopIrPath.empty()) TS_RETURN_IF_ERROR(writeTextFile(args.loopIrPath, loop::printModule(plan.module)));
  TS_ASSIGN_OR_RETURN(codegen::PtxModule ptx, codegen::compileToPtx(plan.module, args.arch));
  TS_RETURN_IF_ERROR(writeTextFile(args.output, header(plan, ptx, args.model) + ptx.ptx));
  if (args.printPlan)
    for (const codegen::PtxKernel &k : ptx.kernels) std::cout << "kernel " << k.name << ": " << plan.bindings.at(k.name) << "\n";
  std::cout << missingSummary(plan);
  std::cout << "wrote " << args.output << " (" << ptx.kernels.size() << " PTX kernels for " << plan.graphKernels
            << " graph kernels, " << ptx.arch << "; " << plan.missing.size() << " op types not compiled for nvptx)\n";
  return absl::OkStatus();
}

} // namespace tessera::cli
