//===- macs.cpp - Multiply-accumulates of convolutions and matrix products -------------===//
#include "compiler/graph/macs.h"

#include <string_view>

namespace tessera::graph {

namespace {

bool isConvolution(std::string_view op) {
  return op == "Conv" || op == "ConvInteger" || op == "QLinearConv" || op == "QConv";
}

bool isMatrixProduct(std::string_view op) {
  return op == "Gemm" || op == "QGemm" || op == "MatMul" || op == "MatMulInteger" || op == "QLinearMatMul" ||
         op == "QMatMul";
}

/// The weight input: QLinearConv and QLinearMatMul interleave scales and zero points.
size_t weightInput(std::string_view op) { return op == "QLinearConv" || op == "QLinearMatMul" ? 3 : 1; }

/// The length of the dimension a matrix product reduces over: A's last (first with
/// Gemm's transA).
int64_t reducedLength(const Node &node, const Shape &a) {
  bool transA = node.op == "Gemm" && node.attrs.getInt("transA", 0);
  return transA ? a[a.size() - 2] : a.back();
}

} // namespace

int64_t nodeMacs(const Graph &graph, const Node &node) {
  bool conv = isConvolution(node.op);
  if ((!conv && !isMatrixProduct(node.op)) || node.outputs.empty() || node.inputs.size() <= weightInput(node.op))
    return 0;
  const TensorType &out = graph.typeOf(node.outputs[0]), &a = graph.typeOf(node.input(0));
  const TensorType &w = graph.typeOf(node.input(weightInput(node.op)));
  if (!out.isStatic() || !a.isStatic() || !w.isStatic() || w.shape.size() < 2 || a.shape.empty() || w.shape[0] == 0)
    return 0;
  if (conv) return out.elementCount() * (w.elementCount() / w.shape[0]);
  if (a.shape.size() < 2 && node.op == "Gemm") return 0;
  return out.elementCount() * reducedLength(node, a.shape);
}

} // namespace tessera::graph
