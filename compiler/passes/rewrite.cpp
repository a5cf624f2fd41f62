//===- rewrite.cpp - Small graph-rewriting helpers shared by the passes --------===//
#include "compiler/passes/rewrite.h"

#include <algorithm>

#include "compiler/graph/dtype_dispatch.h"
#include "compiler/graph/shape_inference.h"

namespace tessera::passes {

bool forwardValue(graph::Graph &graph, std::string result, std::string source) {
  if (!graph.isGraphOutput(result)) {
    graph.replaceAllUses(result, source);
    return true;
  }
  bool sourceIsIntermediate = graph.producers().count(source) && !graph.isGraphOutput(source);
  if (!sourceIsIntermediate) return false;
  // Rename `source` to `result` everywhere; `result`'s old definition becomes dead.
  graph::TensorType type = graph.typeOf(result);
  for (graph::Node &node : graph.nodes) {
    for (std::string &output : node.outputs)
      if (output == result) output = graph.uniqueName(result + "_dead");
  }
  for (graph::Node &node : graph.nodes) {
    for (std::string &output : node.outputs)
      if (output == source) output = result;
    for (std::string &input : node.inputs)
      if (input == source) input = result;
  }
  for (graph::Node &node : graph.nodes)
    for (const std::string &output : node.outputs)
      if (!graph.findValue(output)) graph.setValue(output, type);
  graph.setValue(result, graph.typeOf(source));
  graph.eraseValue(source);
  return true;
}

Status typeNewNode(graph::Graph &graph, const graph::Node &node) {
  TS_ASSIGN_OR_RETURN(std::vector<graph::TensorType> types, graph::inferNode(graph, node));
  for (size_t i = 0; i < node.outputs.size(); ++i)
    if (!node.outputs[i].empty()) graph.setValue(node.outputs[i], types[i]);
  return absl::OkStatus();
}

StatusOr<graph::Node> makeNode(graph::Graph &graph, const std::string &op, std::vector<std::string> inputs,
                               const std::string &hint, graph::AttributeMap attrs, size_t results) {
  graph::Node node{op, "", std::move(inputs), {}, std::move(attrs)};
  for (size_t i = 0; i < results; ++i) {
    std::string name = graph.uniqueName(hint);
    graph.setValue(name, graph::TensorType::unranked(DType::F32)); // reserves the name
    node.outputs.push_back(name);
  }
  TS_RETURN_IF_ERROR(typeNewNode(graph, node));
  return node;
}

bool isSplatConstant(const graph::Graph &graph, const std::string &name, double value) {
  const Tensor *tensor = graph.constantOf(name);
  if (!tensor || tensor->elementCount() == 0) return false;
  for (int64_t i = 0; i < tensor->elementCount(); ++i)
    if (graph::loadAsDouble(tensor->dtype(), tensor->bytes(), i) != value) return false;
  return true;
}

std::optional<double> scalarConstant(const graph::Graph &graph, const std::string &name) {
  const Tensor *tensor = graph.constantOf(name);
  if (!tensor || tensor->elementCount() != 1) return std::nullopt;
  return graph::loadAsDouble(tensor->dtype(), tensor->bytes(), 0);
}

const graph::Node *singleUseProducer(const graph::Graph &graph, const std::string &value,
                                     const std::unordered_map<std::string, int> &uses,
                                     const std::unordered_map<std::string, size_t> &producers) {
  auto it = producers.find(value);
  if (it == producers.end() || graph.isGraphOutput(value)) return nullptr;
  auto use = uses.find(value);
  if (use == uses.end() || use->second != 1) return nullptr;
  return &graph.nodes[it->second];
}

} // namespace tessera::passes
