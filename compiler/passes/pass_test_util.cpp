//===- pass_test_util.cpp - Text-in/text-out pass tests -----------------------===//
#include "compiler/passes/pass_test_util.h"

#include <random>

#include "compiler/graph/dtype_dispatch.h"
#include "compiler/graph/parser.h"
#include "compiler/graph/printer.h"
#include "compiler/graph/verifier.h"
#include "compiler/interp/interpreter.h"
#include "compiler/passes/pass_manager.h"

namespace tessera::passes {

std::string runPipelineOnText(const std::string &pipeline, const std::string &text, const PassOptions &options) {
  auto graph = graph::parseGraph(text);
  if (!graph.ok()) return "error: " + std::string(graph.status().message());
  Status status = graph::verifyGraph(*graph);
  if (!status.ok()) return "error: input does not verify: " + std::string(status.message());
  PassManagerOptions managerOptions;
  managerOptions.pass = options;
  PassManager manager(managerOptions);
  status = manager.addPipeline(pipeline);
  if (status.ok()) status = manager.run(*graph);
  if (!status.ok()) return "error: " + std::string(status.message());
  return graph::printGraph(*graph);
}

namespace {

interp::TensorMap randomInputs(const graph::Graph &graph) {
  std::mt19937 rng(42);
  std::uniform_real_distribution<double> uniform(-2.0, 2.0);
  interp::TensorMap inputs;
  for (const std::string &name : graph.inputs) {
    const graph::TensorType &type = graph.typeOf(name);
    Tensor tensor(type.dtype, type.shape);
    for (int64_t i = 0; i < tensor.elementCount(); ++i) graph::storeFromDouble(type.dtype, tensor.bytes(), i, uniform(rng));
    inputs[name] = tensor;
  }
  return inputs;
}

} // namespace

std::string checkSameResults(const std::string &textBefore, const std::string &textAfter) {
  auto before = graph::parseGraph(textBefore), after = graph::parseGraph(textAfter);
  if (!before.ok() || !after.ok()) return "parse error";
  interp::TensorMap inputs = randomInputs(*before);
  auto expected = interp::runGraph(*before, inputs), actual = interp::runGraph(*after, inputs);
  if (!expected.ok()) return "before: " + std::string(expected.status().message());
  if (!actual.ok()) return "after: " + std::string(actual.status().message());
  for (const auto &[name, tensor] : *expected) {
    auto it = actual->find(name);
    if (it == actual->end()) return "output %" + name + " is missing";
    if (it->second.shape() != tensor.shape()) return "output %" + name + " changed shape";
    for (int64_t i = 0; i < tensor.elementCount(); ++i) {
      double e = graph::loadAsDouble(tensor.dtype(), tensor.bytes(), i);
      double a = graph::loadAsDouble(it->second.dtype(), it->second.bytes(), i);
      if (std::fabs(a - e) > 1e-5 * std::max(1.0, std::fabs(e)))
        return absl::StrCat("output %", name, "[", i, "]: ", e, " became ", a);
    }
  }
  return "";
}

} // namespace tessera::passes
