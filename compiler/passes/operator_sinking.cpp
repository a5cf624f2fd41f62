//===- operator_sinking.cpp - Move data movement below elementwise ops ---------===//
//
// Each rewrite marks the matched nodes dead and appends the replacement (the op on
// the untransposed values, then the data movement) to the node list; a Boost.Graph
// topological sort restores the order at the end. Rewrites repeat until none apply.
//
//===----------------------------------------------------------------------===//
#include "compiler/passes/operator_sinking.h"

#include "compiler/graph/topo_sort.h"
#include "compiler/passes/rewrite.h"

namespace tessera::passes {
namespace {

using graph::Graph;
using graph::Node;

bool isDataMovement(const Node &node) { return node.op == "Transpose" || node.op == "Reshape"; }

/// Same data movement (same op, perm or target shape input).
bool sameMovement(const Graph &graph, const Node &a, const Node &b) {
  if (a.op != b.op) return false;
  if (a.op == "Transpose") return a.attrs.getInts("perm") == b.attrs.getInts("perm");
  const Tensor *sa = graph.constantOf(a.input(1)), *sb = graph.constantOf(b.input(1));
  return sa && sb && *sa == *sb && graph.typeOf(a.inputs[0]).shape == graph.typeOf(b.inputs[0]).shape;
}

bool isOneElementConstant(const Graph &graph, const std::string &name) {
  const Tensor *c = graph.constantOf(name);
  return c && c->elementCount() == 1;
}

/// Whether `node` commutes with the data movement producing its data inputs.
bool commutes(const Graph &graph, const Node &node, const Node &movement) {
  if (isFloatMathUnary(node.op) && node.op != "Clip") return node.inputs.size() == 1;
  if (node.op == "BatchNormalization") {
    graph::Ints perm = movement.attrs.getInts("perm");
    return movement.op == "Transpose" && perm.size() > 1 && perm[1] == 1 && node.outputs.size() == 1;
  }
  return isFloatMathBinary(node.op) && node.inputs.size() == 2 && graph.typeOf(node.outputs[0]) == graph.typeOf(movement.outputs[0]);
}

/// Tries to sink the movement feeding node `index`; returns true on a rewrite.
StatusOr<bool> sinkInto(Graph &graph, size_t index, std::vector<bool> &dead) {
  const Node node = graph.nodes[index];
  if (node.inputs.empty() || node.outputs.size() != 1) return false;
  auto uses = graph.useCounts();
  auto producers = graph.producers();
  const Node *first = singleUseProducer(graph, node.inputs[0], uses, producers);
  if (!first || !isDataMovement(*first) || dead[producers.at(node.inputs[0])] || !commutes(graph, node, *first)) return false;
  Node inner = node;
  std::vector<size_t> killed = {producers.at(node.inputs[0]), index};
  inner.inputs[0] = first->inputs[0];
  if (isFloatMathBinary(node.op)) {
    const Node *second = singleUseProducer(graph, node.inputs[1], uses, producers);
    if (second && isDataMovement(*second) && sameMovement(graph, *first, *second) && !dead[producers.at(node.inputs[1])]) {
      inner.inputs[1] = second->inputs[0];
      killed.push_back(producers.at(node.inputs[1]));
    } else if (!isOneElementConstant(graph, node.inputs[1])) {
      return false;
    }
  }
  TS_ASSIGN_OR_RETURN(Node rebuilt, makeNode(graph, inner.op, inner.inputs, node.outputs[0] + "_sunk", inner.attrs));
  rebuilt.name = node.name;
  Node movement = *first;
  movement.inputs[0] = rebuilt.outputs[0];
  movement.outputs = node.outputs;
  for (size_t k : killed) dead[k] = true;
  graph.nodes.push_back(rebuilt);
  graph.nodes.push_back(movement);
  dead.resize(graph.nodes.size(), false);
  return true;
}

/// Removes T2(T1(x)) composing to the identity and Reshape(Reshape(x)) back to x's shape.
bool cancelInversePair(Graph &graph, size_t index, std::vector<bool> &dead) {
  const Node &outer = graph.nodes[index];
  if (!isDataMovement(outer)) return false;
  auto producers = graph.producers();
  auto it = producers.find(outer.inputs[0]);
  if (it == producers.end() || dead[it->second]) return false;
  const Node &inner = graph.nodes[it->second];
  if (inner.op != outer.op) return false;
  const std::string &x = inner.inputs[0];
  bool inverse = false;
  if (outer.op == "Transpose") {
    graph::Ints p1 = inner.attrs.getInts("perm"), p2 = outer.attrs.getInts("perm");
    inverse = p1.size() == p2.size() && !p1.empty();
    for (size_t i = 0; inverse && i < p2.size(); ++i) inverse = p1[p2[i]] == int64_t(i);
  } else {
    inverse = graph.typeOf(x).isStatic() && graph.typeOf(x) == graph.typeOf(outer.outputs[0]);
  }
  if (!inverse || !forwardValue(graph, outer.outputs[0], x)) return false;
  dead[index] = true;
  return true;
}

} // namespace

StatusOr<bool> runOperatorSinking(graph::Graph &graph, PassContext &context) {
  std::vector<bool> dead(graph.nodes.size(), false);
  bool changed = false;
  for (bool progress = true; progress;) {
    progress = false;
    for (size_t i = 0; i < graph.nodes.size(); ++i) {
      if (dead[i]) continue;
      TS_ASSIGN_OR_RETURN(bool sunk, sinkInto(graph, i, dead));
      if (sunk) context.count("sunk-past-" + graph.nodes[i].op);
      bool cancelled = !sunk && cancelInversePair(graph, i, dead);
      if (cancelled) context.count("inverse-pairs-cancelled");
      progress |= sunk || cancelled;
    }
    changed |= progress;
  }
  graph.eraseNodes(dead);
  graph.pruneUnusedValues();
  TS_RETURN_IF_ERROR(graph::sortTopologically(graph));
  return changed;
}

} // namespace tessera::passes
