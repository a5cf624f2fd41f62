//===- zero_dim_elimination.cpp - Remove computation on empty tensors ---------===//
#include "compiler/passes/zero_dim_elimination.h"

#include "compiler/passes/rewrite.h"

namespace tessera::passes {
namespace {

bool isEmpty(const graph::Graph &graph, const std::string &name) {
  const graph::Value *value = graph.findValue(name);
  return value && value->type.isStatic() && value->type.elementCount() == 0;
}

/// Drops Concat operands with no elements (keeping at least one).
int64_t dropEmptyConcatOperands(graph::Graph &graph, graph::Node &node) {
  std::vector<std::string> kept;
  for (const std::string &input : node.inputs)
    if (!isEmpty(graph, input)) kept.push_back(input);
  if (kept.empty() || kept.size() == node.inputs.size()) return 0;
  int64_t dropped = node.inputs.size() - kept.size();
  node.inputs = kept;
  return dropped;
}

} // namespace

StatusOr<bool> runZeroDimElimination(graph::Graph &graph, PassContext &context) {
  bool changed = false;
  std::vector<bool> erase(graph.nodes.size(), false);
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    graph::Node &node = graph.nodes[i];
    if (node.op == "Concat") {
      if (int64_t dropped = dropEmptyConcatOperands(graph, node)) {
        context.count("concat-operands-dropped", dropped);
        changed = true;
      }
    }
    bool allEmpty = !node.outputs.empty();
    for (const std::string &output : node.outputs) allEmpty &= !output.empty() && isEmpty(graph, output);
    if (!allEmpty) continue;
    bool replaced = true;
    for (const std::string &output : graph::Node(node).outputs) {
      const graph::TensorType &type = graph.typeOf(output);
      std::string empty = graph.addConstant(output + "_empty", Tensor(type.dtype, type.shape));
      replaced &= forwardValue(graph, output, empty);
    }
    erase[i] = replaced;
    if (replaced) context.count("empty-results-replaced");
    changed |= replaced;
  }
  graph.eraseNodes(erase);
  graph.pruneUnusedValues();
  return changed;
}

} // namespace tessera::passes
