//===- graph_passes.cpp - Running a graph-pass pipeline -----------------------------===//
#include "compiler/driver/graph_passes.h"

#include "compiler/passes/pass_manager.h"
#include "compiler/quant/register_passes.h"

namespace tessera::driver {

Status runGraphPasses(graph::Graph &graph, std::string_view pipeline) {
  if (pipeline.empty()) return absl::OkStatus();
  quant::registerQuantPasses(); // the accel pipeline names qdq-import
  passes::PassManager manager;
  TS_RETURN_IF_ERROR(manager.addPipeline(std::string(pipeline)));
  return manager.run(graph);
}

} // namespace tessera::driver
