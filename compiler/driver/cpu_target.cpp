//===- cpu_target.cpp - The cpu pipeline: a model to a shared library ---------------===//
//
// The library (compiler/exec/aot.h) holds the kernels compiled by LLVM for the host
// CPU, the plan and the weights; `tessera run model.so --backend cpu` loads it
// (runtime/model/model_library.h).
//
//===----------------------------------------------------------------------===//
#include <unistd.h>

#include <atomic>
#include <filesystem>

#include "compiler/driver/cpu_model.h"
#include "compiler/driver/graph_passes.h"
#include "compiler/driver/model_import.h"
#include "compiler/driver/stage_log.h"
#include "compiler/driver/targets.h"
#include "compiler/exec/aot.h"
#include "compiler/exec/in_model_tuning.h"
#include "compiler/loop/printer.h"
#include "support/file_io.h"

namespace tessera::driver {
namespace {

/// The shared library's bytes: linked into a temporary file, read back, removed.
StatusOr<std::vector<uint8_t>> sharedLibraryBytes(const graph::Graph &graph, const exec::ExecutionPlan &plan) {
  static std::atomic<int> counter = 0;
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / strCat("tessera-", getpid(), "-", counter++, ".so");
  Status written = exec::writeSharedLibrary(graph, plan, path.string());
  StatusOr<std::vector<uint8_t>> bytes = written.ok() ? readBinaryFile(path.string()) : StatusOr<std::vector<uint8_t>>(written);
  std::error_code ignored;
  std::filesystem::remove(path, ignored);
  return bytes;
}

} // namespace

StatusOr<CompiledArtifact> cpuPipeline(const ModelSource &model, const CompileOptions &options) {
  StageLog log(options.observer);
  TS_ASSIGN_OR_RETURN(graph::Graph graph, importModel(model));
  log.graph("import", graph);
  TS_RETURN_IF_ERROR(runGraphPasses(graph, kCpuGraphPipeline));
  log.graph("graph-passes", graph);

  exec::PlanOptions planOptions = options.cpu.plan;
  planOptions.tuneLog = options.log;
  if (planOptions.tune && !planOptions.chooseSchedule && options.cpu.inModel.candidates > 1) {
    TS_ASSIGN_OR_RETURN(planOptions.chooseSchedule, exec::tuneInModel(graph, planOptions, options.cpu.inModel));
    planOptions.tune = false;
  }
  TS_ASSIGN_OR_RETURN(exec::ExecutionPlan plan, exec::planGraph(graph, planOptions));
  log.record("plan", [&] { return strCat("plan: ", plan.summary(graph), "\n"); });
  log.record("loop-ir", [&] { return loop::printModule(plan.module); });

  CompiledArtifact artifact;
  TS_ASSIGN_OR_RETURN(artifact.bytes, sharedLibraryBytes(graph, plan));
  artifact.detail = strCat(" (", plan.count(exec::StepKind::Kernel), " kernels, ", plan.count(exec::StepKind::Reference),
                           " ref fallbacks)");
  return artifact;
}

} // namespace tessera::driver
