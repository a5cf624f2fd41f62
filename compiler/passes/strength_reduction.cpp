//===- strength_reduction.cpp - Replace costly ops by cheaper equivalents ------===//
#include "compiler/passes/strength_reduction.h"

#include <cmath>

#include "compiler/graph/dtype_dispatch.h"
#include "compiler/passes/rewrite.h"

namespace tessera::passes {
namespace {

using graph::Graph;
using graph::Node;

bool isPowerOfTwo(double value) {
  if (value == 0 || !std::isfinite(value)) return false;
  int exponent = 0;
  return std::frexp(std::fabs(value), &exponent) == 0.5;
}

/// The reciprocal of a float constant, when allowed; otherwise null.
std::optional<Tensor> reciprocalConstant(const Tensor &divisor, bool fastMath) {
  if (!graph::isFloatType(divisor.dtype())) return std::nullopt;
  Tensor result(divisor.dtype(), divisor.shape());
  for (int64_t i = 0; i < divisor.elementCount(); ++i) {
    double v = graph::loadAsDouble(divisor.dtype(), divisor.bytes(), i);
    if (v == 0 || !std::isfinite(v) || (!fastMath && !isPowerOfTwo(v))) return std::nullopt;
    graph::storeFromDouble(divisor.dtype(), result.bytes(), i, 1 / v);
  }
  return result;
}

bool sameTypeAs(const Graph &graph, const Node &node, const std::string &operand) {
  return graph.typeOf(operand).isStatic() && graph.typeOf(operand) == graph.typeOf(node.outputs[0]);
}

std::string reducePow(Graph &graph, Node &node, bool &erase) {
  std::optional<double> exponent = scalarConstant(graph, node.input(1));
  const std::string x = node.inputs[0];
  if (!exponent || !sameTypeAs(graph, node, x) || !graph::isFloatType(graph.typeOf(x).dtype)) return "";
  if (*exponent == 2) node = Node{"Mul", node.name, {x, x}, node.outputs, {}};
  else if (*exponent == 0.5) node = Node{"Sqrt", node.name, {x}, node.outputs, {}};
  else if (*exponent == -1) node = Node{"Reciprocal", node.name, {x}, node.outputs, {}};
  else if (*exponent == 1) return (erase = forwardValue(graph, node.outputs[0], x)) ? "pow-1" : "";
  else return "";
  return "pow-" + node.op;
}

std::string reduceNode(Graph &graph, Node &node, const PassOptions &options, bool &erase) {
  if (node.outputs.size() != 1 || node.inputs.size() != 2 || node.input(0).empty() || node.input(1).empty()) return "";
  if (node.op == "Pow") return reducePow(graph, node, erase);
  if (node.op == "Div") {
    const Tensor *divisor = graph.constantOf(node.inputs[1]);
    std::optional<Tensor> reciprocal = divisor ? reciprocalConstant(*divisor, options.fastMath) : std::nullopt;
    if (!reciprocal) return "";
    std::string constant = graph.addConstant(node.inputs[1] + "_reciprocal", *reciprocal);
    node = Node{"Mul", node.name, {node.inputs[0], constant}, node.outputs, {}};
    return "div-to-mul";
  }
  bool subFromZero = node.op == "Sub" && isSplatConstant(graph, node.inputs[0], 0) && sameTypeAs(graph, node, node.inputs[1]);
  bool mulByMinusOne = node.op == "Mul" && isSplatConstant(graph, node.inputs[1], -1) && sameTypeAs(graph, node, node.inputs[0]);
  if (subFromZero || mulByMinusOne) {
    node = Node{"Neg", node.name, {subFromZero ? node.inputs[1] : node.inputs[0]}, node.outputs, {}};
    return "to-neg";
  }
  return "";
}

} // namespace

StatusOr<bool> runStrengthReduction(graph::Graph &graph, PassContext &context) {
  bool changed = false;
  std::vector<bool> erase(graph.nodes.size(), false);
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    bool eraseNode = false;
    std::string rule = reduceNode(graph, graph.nodes[i], context.options, eraseNode);
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
