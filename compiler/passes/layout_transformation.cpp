//===- layout_transformation.cpp - Convert activations to a blocked layout -----===//
//
// Step 1 wraps each target op: its data inputs go through LayoutConvert("" ->
// NCHW16c) and its result is renamed, typed NCHW16c and converted back to its old
// name for the other users. Step 2 cancels LayoutConvert pairs that undo each other
// and drops unused conversions; a topological sort restores the node order.
//
//===----------------------------------------------------------------------===//
#include "compiler/passes/layout_transformation.h"

#include "compiler/graph/topo_sort.h"
#include "compiler/passes/rewrite.h"

namespace tessera::passes {
namespace {

using graph::Graph;
using graph::Node;

constexpr const char *kBlocked = "NCHW16c";

bool isPlainRank4(const Graph &graph, const std::string &name) {
  const graph::Value *value = graph.findValue(name);
  return value && value->type.isStatic() && value->type.rank() == 4 && value->type.layout.empty();
}

/// The inputs of `node` that carry activations it would read in the blocked layout,
/// or nullopt when the node is not a target.
std::optional<std::vector<size_t>> blockedInputs(const Graph &graph, const Node &node) {
  if (node.outputs.size() != 1 || node.input(0).empty() || !isPlainRank4(graph, node.inputs[0])) return std::nullopt;
  if (!isPlainRank4(graph, node.outputs[0])) return std::nullopt;
  if (node.op == "Conv" || node.op == "FusedConv") {
    std::vector<size_t> inputs = {0};
    if (node.hasInput(3)) inputs.push_back(3);
    return inputs;
  }
  if (node.op == "MaxPool" || node.op == "AveragePool" || node.op == "GlobalAveragePool" || node.op == "GlobalMaxPool")
    return std::vector<size_t>{0};
  bool elementwise = isUnaryElementwise(node.op) || isBinaryElementwise(node.op) || node.op == "FusedElementwise";
  if (!elementwise || (node.op == "Clip" && node.inputs.size() > 1)) return std::nullopt;
  std::vector<size_t> inputs;
  for (size_t i = 0; i < node.inputs.size(); ++i) {
    const Tensor *constant = graph.constantOf(node.inputs[i]);
    if (constant && constant->elementCount() == 1) continue;
    if (!isPlainRank4(graph, node.inputs[i]) || graph.typeOf(node.inputs[i]).shape != graph.typeOf(node.outputs[0]).shape)
      return std::nullopt;
    inputs.push_back(i);
  }
  return inputs;
}

StatusOr<std::string> convert(Graph &graph, const std::string &value, const std::string &from, const std::string &to,
                              std::vector<Node> &added) {
  graph::AttributeMap attrs;
  attrs.set("from", from);
  attrs.set("to", to);
  TS_ASSIGN_OR_RETURN(Node node, makeNode(graph, "LayoutConvert", {value}, value + (to.empty() ? "_plain" : "_blocked"), attrs));
  added.push_back(node);
  return node.outputs[0];
}

/// Wraps one target node; returns the number of conversions added.
StatusOr<int64_t> wrapNode(Graph &graph, Node &node, const std::vector<size_t> &inputs, std::vector<Node> &added) {
  for (size_t i : inputs) {
    TS_ASSIGN_OR_RETURN(node.inputs[i], convert(graph, node.inputs[i], "", kBlocked, added));
  }
  std::string plain = node.outputs[0];
  std::string blocked = graph.uniqueName(plain + "_nchw16c");
  graph::TensorType type = graph.typeOf(plain);
  type.layout = kBlocked;
  graph.setValue(blocked, type);
  node.outputs[0] = blocked;
  graph::AttributeMap attrs;
  attrs.set("from", std::string(kBlocked));
  attrs.set("to", std::string());
  Node back{"LayoutConvert", "", {blocked}, {plain}, attrs};
  TS_RETURN_IF_ERROR(typeNewNode(graph, back));
  added.push_back(back);
  return static_cast<int64_t>(inputs.size()) + 1;
}

/// Forwards LayoutConvert(b -> a) of LayoutConvert(a -> b)(x) to x.
int64_t cancelPairs(Graph &graph) {
  int64_t cancelled = 0;
  auto producers = graph.producers();
  for (Node &outer : graph.nodes) {
    if (outer.op != "LayoutConvert") continue;
    auto it = producers.find(outer.inputs[0]);
    if (it == producers.end()) continue;
    const Node &inner = graph.nodes[it->second];
    bool inverse = inner.op == "LayoutConvert" && inner.attrs.getString("from", "") == outer.attrs.getString("to", "") &&
                   inner.attrs.getString("to", "") == outer.attrs.getString("from", "");
    if (inverse && forwardValue(graph, outer.outputs[0], inner.inputs[0])) ++cancelled;
  }
  return cancelled;
}

/// Drops conversions whose results nobody uses.
void dropUnusedConversions(Graph &graph) {
  for (bool progress = true; progress;) {
    auto uses = graph.useCounts();
    std::vector<bool> erase(graph.nodes.size(), false);
    progress = false;
    for (size_t i = 0; i < graph.nodes.size(); ++i)
      if (graph.nodes[i].op == "LayoutConvert" && !uses.count(graph.nodes[i].outputs[0])) erase[i] = progress = true;
    graph.eraseNodes(erase);
  }
}

} // namespace

StatusOr<bool> runLayoutTransformation(graph::Graph &graph, PassContext &context) {
  std::vector<Node> added;
  int64_t wrapped = 0, conversions = 0;
  for (Node &node : graph.nodes) {
    auto inputs = blockedInputs(graph, node);
    if (!inputs) continue;
    TS_ASSIGN_OR_RETURN(int64_t count, wrapNode(graph, node, *inputs, added));
    conversions += count;
    ++wrapped;
  }
  if (wrapped == 0) return false;
  graph.nodes.insert(graph.nodes.end(), added.begin(), added.end());
  TS_RETURN_IF_ERROR(graph::sortTopologically(graph));
  int64_t cancelled = cancelPairs(graph);
  dropUnusedConversions(graph);
  graph.pruneUnusedValues();
  int64_t remaining = 0;
  for (const Node &node : graph.nodes) remaining += node.op == "LayoutConvert";
  context.count("ops-in-nchw16c", wrapped);
  context.count("conversions-inserted", conversions);
  context.count("conversion-pairs-cancelled", cancelled);
  context.count("conversions-remaining", remaining);
  return true;
}

} // namespace tessera::passes
