//===- algebraic_simplification.cpp - Identities of arithmetic and data movement ===//
#include "compiler/passes/algebraic_simplification.h"

#include "compiler/graph/infer_util.h"
#include "compiler/passes/rewrite.h"

namespace tessera::passes {
namespace {

using graph::Graph;
using graph::Node;

/// The operand that an identity element leaves unchanged, if any.
std::optional<std::string> identityOperand(const Graph &graph, const Node &node) {
  if (node.inputs.size() != 2) return std::nullopt;
  const std::string &a = node.inputs[0], &b = node.inputs[1];
  const graph::TensorType &out = graph.typeOf(node.outputs[0]);
  auto keeps = [&](const std::string &x) { return graph.typeOf(x).isStatic() && graph.typeOf(x) == out; };
  if (node.op == "Add" && isSplatConstant(graph, b, 0) && keeps(a)) return a;
  if (node.op == "Add" && isSplatConstant(graph, a, 0) && keeps(b)) return b;
  if (node.op == "Sub" && isSplatConstant(graph, b, 0) && keeps(a)) return a;
  if (node.op == "Mul" && isSplatConstant(graph, b, 1) && keeps(a)) return a;
  if (node.op == "Mul" && isSplatConstant(graph, a, 1) && keeps(b)) return b;
  if (node.op == "Div" && isSplatConstant(graph, b, 1) && keeps(a)) return a;
  return std::nullopt;
}

bool isReshapeLike(const Graph &graph, const Node &node) {
  return graph::hasOpTrait(node.op, graph::op_trait::ReshapeLike) && !node.outputs.empty() && graph.typeOf(node.outputs[0]).isStatic();
}

/// Rewrites `node` in place into Reshape(x, shape).
void makeReshape(Graph &graph, Node &node, const std::string &x, const Shape &shape) {
  std::string target = graph.addConstant(node.outputs[0] + "_shape", graph::intsToTensor(shape));
  node.op = "Reshape";
  node.inputs = {x, target};
  node.attrs = {};
}

/// Simplifies `node` using its producers; returns the name of the rule applied.
std::string simplifyNode(Graph &graph, Node &node, const std::unordered_map<std::string, size_t> &producers,
                         bool &erase) {
  if (node.inputs.empty() || node.outputs.size() != 1 || node.input(0).empty()) return "";
  if (auto operand = identityOperand(graph, node)) {
    erase = forwardValue(graph, node.outputs[0], *operand);
    return erase ? "identity-element" : "";
  }
  auto it = producers.find(node.inputs[0]);
  if (it == producers.end()) return "";
  const Node inner = graph.nodes[it->second];
  if (inner.outputs.size() != 1 || inner.inputs.empty()) return "";
  bool involution = (node.op == "Neg" || node.op == "Not") && inner.op == node.op;
  if (involution) {
    erase = forwardValue(graph, node.outputs[0], inner.inputs[0]);
    return erase ? node.op + "-" + node.op : "";
  }
  bool idempotent = (node.op == "Relu" || node.op == "Abs") && inner.op == node.op;
  if (idempotent) {
    erase = forwardValue(graph, node.outputs[0], inner.outputs[0]);
    return erase ? node.op + "-" + node.op : "";
  }
  if (node.op == "Transpose" && inner.op == "Transpose") {
    int64_t rank = graph.typeOf(inner.inputs[0]).rank();
    graph::Ints p1 = inner.attrs.getInts("perm"), p2 = node.attrs.getInts("perm"), composed;
    if (!graph.typeOf(inner.inputs[0]).ranked || p1.size() != size_t(rank) || p2.size() != size_t(rank)) return "";
    bool identity = true;
    for (int64_t i = 0; i < rank; ++i) {
      composed.push_back(p1[p2[i]]);
      identity &= composed.back() == i;
    }
    if (identity) {
      erase = forwardValue(graph, node.outputs[0], inner.inputs[0]);
      return erase ? "transpose-transpose" : "";
    }
    node.inputs = {inner.inputs[0]};
    node.attrs.set("perm", composed);
    return "transpose-transpose";
  }
  if (isReshapeLike(graph, node) && isReshapeLike(graph, inner)) {
    const Shape &shape = graph.typeOf(node.outputs[0]).shape;
    if (graph.typeOf(inner.inputs[0]) == graph.typeOf(node.outputs[0])) {
      erase = forwardValue(graph, node.outputs[0], inner.inputs[0]);
      return erase ? "reshape-reshape" : "";
    }
    makeReshape(graph, node, inner.inputs[0], shape);
    return "reshape-reshape";
  }
  return "";
}

} // namespace

StatusOr<bool> runAlgebraicSimplification(graph::Graph &graph, PassContext &context) {
  bool changed = false;
  std::vector<bool> erase(graph.nodes.size(), false);
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    std::unordered_map<std::string, size_t> producers = graph.producers();
    bool eraseNode = false;
    std::string rule = simplifyNode(graph, graph.nodes[i], producers, eraseNode);
    if (rule.empty()) continue;
    erase[i] = eraseNode;
    context.count(rule);
    changed = true;
  }
  graph.eraseNodes(erase);
  graph.pruneUnusedValues();
  return changed;
}

} // namespace tessera::passes
