//===- cpu_calibration.cpp - Calibration samples run as LLVM code ---------------------===//
#include "compiler/driver/cpu_calibration.h"

#include <set>

#include "compiler/exec/graph_executor.h"

namespace tessera::driver {
namespace {

/// Every f32 node result of `graph`, in node order.
std::vector<std::string> f32Results(const graph::Graph &graph) {
  std::vector<std::string> names;
  std::set<std::string> seen;
  for (const graph::Node &node : graph.nodes)
    for (const std::string &output : node.outputs) {
      const graph::Value *value = output.empty() ? nullptr : graph.findValue(output);
      if (value && value->type.dtype == DType::F32 && seen.insert(output).second) names.push_back(output);
    }
  return names;
}

} // namespace

Status runSamplesOnCpu(const graph::Graph &graph, const std::vector<interp::TensorMap> &samples,
                       const quant::ResultObserver &observe) {
  graph::Graph observed = graph;
  observed.outputs = f32Results(graph);
  auto model = exec::compileForCpu(observed);
  if (!model.ok()) return quant::runSamplesOnInterpreter(graph, samples, observe);
  for (const interp::TensorMap &sample : samples) {
    TS_ASSIGN_OR_RETURN(interp::TensorMap results, model->executor->run(sample));
    for (const std::string &name : observed.outputs) {
      auto it = results.find(name);
      if (it == results.end()) return invalidInput("calibration: the compiled graph did not produce '%s'", name);
      observe(name, it->second);
    }
  }
  return absl::OkStatus();
}

} // namespace tessera::driver
