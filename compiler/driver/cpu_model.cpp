//===- cpu_model.cpp - The cpu target's graph, and compiling it in process ----------===//
#include "compiler/driver/cpu_model.h"

#include "compiler/driver/graph_passes.h"
#include "compiler/driver/model_import.h"

namespace tessera::driver {

StatusOr<graph::Graph> cleanGraphForCpu(graph::Graph graph) {
  TS_RETURN_IF_ERROR(runGraphPasses(graph, kCpuGraphPipeline));
  return graph;
}

StatusOr<graph::Graph> cpuGraph(const ModelSource &model) {
  TS_ASSIGN_OR_RETURN(graph::Graph graph, importModel(model));
  return cleanGraphForCpu(std::move(graph));
}

StatusOr<exec::CompiledModel> compileInProcessForCpu(const ModelSource &model, const CpuOptions &options) {
  TS_ASSIGN_OR_RETURN(graph::Graph graph, cpuGraph(model));
  return exec::compileForCpu(graph, options.plan);
}

onnx_import::CaseTarget cpuCaseTarget() {
  onnx_import::CaseTarget target;
  // Cases go through the same graph clean-up as `tessera compile --target cpu`.
  target.run = [](const graph::Graph &graph, const interp::TensorMap &inputs) -> StatusOr<interp::TensorMap> {
    TS_ASSIGN_OR_RETURN(graph::Graph cleaned, cleanGraphForCpu(graph));
    TS_ASSIGN_OR_RETURN(exec::CompiledModel model, exec::compileForCpu(cleaned));
    return model.executor->run(inputs);
  };
  target.fallbackCount = [](const graph::Graph &graph) -> StatusOr<int> {
    TS_ASSIGN_OR_RETURN(graph::Graph cleaned, cleanGraphForCpu(graph));
    TS_ASSIGN_OR_RETURN(exec::ExecutionPlan plan, exec::planGraph(cleaned));
    return plan.count(exec::StepKind::Reference);
  };
  return target;
}

} // namespace tessera::driver
