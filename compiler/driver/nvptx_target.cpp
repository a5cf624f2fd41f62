//===- nvptx_target.cpp - The nvptx pipeline: a model's kernels as one PTX module ---===//
//
// All GPU kernels (gpu_plan.h) are compiled into one PTX module
// (codegen/nvptx_codegen.h). The PTX file's header comment lists each kernel's launch
// and the graph values its parameters take, and the nodes without a GPU kernel. There
// is no host-side runtime for models yet: the PTX is the product (tests assemble it
// with ptxas).
//
//===----------------------------------------------------------------------===//
#include "compiler/codegen/nvptx_codegen.h"
#include "compiler/driver/gpu_plan.h"
#include "compiler/driver/graph_passes.h"
#include "compiler/driver/model_import.h"
#include "compiler/driver/stage_log.h"
#include "compiler/driver/targets.h"
#include "compiler/loop/printer.h"

namespace tessera::driver {
namespace {

/// "kernel k1_conv_s1: p0=x[1x1x8x8] ...", one line per PTX kernel.
std::string kernelBindings(const GpuPlan &plan, const codegen::PtxModule &ptx) {
  std::string out;
  for (const codegen::PtxKernel &k : ptx.kernels) out += strCat("kernel ", k.name, ": ", plan.bindings.at(k.name), "\n");
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

StatusOr<CompiledArtifact> nvptxPipeline(const ModelSource &model, const CompileOptions &options) {
  const NvptxOptions &gpu = options.nvptx;
  if (gpu.threadsPerBlock < 1 || gpu.threadsPerBlock > 1024)
    return invalidInput("--gpu-block-size %d: a block holds 1 to 1024 threads", gpu.threadsPerBlock);
  StageLog log(options.observer);
  TS_ASSIGN_OR_RETURN(graph::Graph graph, importModel(model));
  log.graph("import", graph);
  TS_RETURN_IF_ERROR(runGraphPasses(graph, kCpuGraphPipeline));
  log.graph("graph-passes", graph);

  TS_ASSIGN_OR_RETURN(exec::ExecutionPlan cpuPlan, exec::planGraph(graph));
  TS_ASSIGN_OR_RETURN(GpuPlan plan, planForGpu(graph, cpuPlan, gpu.threadsPerBlock));
  log.record("loop-ir", [&] { return loop::printModule(plan.module); });
  TS_ASSIGN_OR_RETURN(codegen::PtxModule ptx, codegen::compileToPtx(plan.module, gpu.arch));
  log.record("plan", [&] { return kernelBindings(plan, ptx); });

  CompiledArtifact artifact;
  std::string text = header(plan, ptx, model.path) + ptx.ptx;
  artifact.bytes.assign(text.begin(), text.end());
  artifact.summary = missingSummary(plan);
  artifact.detail = strCat(" (", ptx.kernels.size(), " PTX kernels for ", plan.graphKernels, " graph kernels, ", ptx.arch,
                           "; ", plan.missing.size(), " op types not compiled for nvptx)");
  return artifact;
}

} // namespace tessera::driver
