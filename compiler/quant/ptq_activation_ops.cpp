//===- ptq_activation_ops.cpp - PTQ of products of two activations -------------===//
//
// Mul and MatMul whose operands are both computed at run time (a squeeze-and-excitation
// scale, attention's Q*K^T and scores*V) become QMul and QMatMul: both operands are
// quantized per tensor, the int32 product (or sum of products) is requantized once by
// s_a * s_b / s_y, and a following Relu/Clip is fused as the clip. A MatMul with a
// constant second operand is quantizeGemm's (per-channel weights); a Mul by a constant
// stays fp32. QMul's first operand has the product's shape (the operands swap if needed).
//
//===----------------------------------------------------------------------===//
#include "compiler/graph/infer_util.h"
#include "compiler/quant/ptq_rewriter.h"

namespace tessera::quant::detail {
namespace {

using graph::Node;

/// Both operands are fp32 activations of known rank (the product's shape is inferred).
bool bothFloatActivations(PtqRewriter &r, const Node &node) {
  if (node.inputs.size() != 2 || !isActivation(r, node.input(0)) || !isActivation(r, node.input(1))) return false;
  const graph::TensorType &a = r.graph().typeOf(node.input(0)), &b = r.graph().typeOf(node.input(1));
  return a.ranked && b.ranked && a.dtype == DType::F32 && b.dtype == DType::F32;
}

/// Emits `op`(a, b) with the requant s_a * s_b / s_y and the fused clip.
Status emitProduct(PtqRewriter &r, size_t index, const char *op) {
  const Node &node = r.graph().nodes[index];
  auto fused = r.fusedActivation(index);
  std::string result = resultName(r, node, fused);
  TS_ASSIGN_OR_RETURN(float sa, r.scale(node.input(0)));
  TS_ASSIGN_OR_RETURN(float sb, r.scale(node.input(1)));
  TS_ASSIGN_OR_RETURN(float sy, r.scale(result));
  TS_ASSIGN_OR_RETURN(RequantParams requant, requantFromScale(double(sa) * double(sb) / double(sy)));
  TS_ASSIGN_OR_RETURN(std::string qa, r.int8(node.input(0)));
  TS_ASSIGN_OR_RETURN(std::string qb, r.int8(node.input(1)));
  Node qnode;
  qnode.op = op;
  qnode.name = node.name;
  qnode.inputs = {qa, qb};
  // QMul commutes: the operand with the product's shape goes first, so a squeeze-and-
  // excitation gate is the broadcast second operand whichever order the model wrote.
  if (qnode.op == std::string("QMul") && r.graph().typeOf(node.input(0)).shape != r.graph().typeOf(node.outputs[0]).shape)
    std::swap(qnode.inputs[0], qnode.inputs[1]);
  setRequant(qnode, {requant.multiplier}, {requant.shift});
  setClip(qnode, fused, sy);
  r.emitInt8(std::move(qnode), result, sy, fused);
  return absl::OkStatus();
}

} // namespace

StatusOr<bool> quantizeMul(PtqRewriter &r, size_t index) {
  const Node &node = r.graph().nodes[index];
  if (node.op != "Mul" || !bothFloatActivations(r, node)) return false;
  const graph::TensorType &a = r.graph().typeOf(node.input(0)), &b = r.graph().typeOf(node.input(1));
  if (!graph::broadcastShapes(a.shape, b.shape).ok()) return false;
  TS_RETURN_IF_ERROR(emitProduct(r, index, "QMul"));
  return true;
}

StatusOr<bool> quantizeActivationMatMul(PtqRewriter &r, size_t index) {
  const Node &node = r.graph().nodes[index];
  if (node.op != "MatMul" || !bothFloatActivations(r, node)) return false;
  if (r.graph().typeOf(node.input(0)).rank() < 2 || r.graph().typeOf(node.input(1)).rank() < 2) return false;
  TS_RETURN_IF_ERROR(emitProduct(r, index, "QMatMul"));
  return true;
}

} // namespace tessera::quant::detail
