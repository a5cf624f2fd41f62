//===- operator_fusion.h - Group ops into the units the back ends lower --------===//
#pragma once

#include "compiler/passes/pass.h"

namespace tessera::passes {

/// Anchored groups: Conv, Gemm or MatMul, then (through single-use results) a
/// per-channel constant bias Add (Conv, MatMul), a residual Add of a same-shaped
/// value, and one activation (Relu, LeakyRelu, Clip with constant bounds, Sigmoid,
/// HardSigmoid, HardSwish, Tanh), become FusedConv / FusedGemm / FusedMatMul with
/// inputs (x, w, bias, residual) and attributes `activation` and `activation_*`;
/// y = act(op(x, w) + bias + residual).
///
/// Elementwise chains: two or more elementwise ops, each consuming the previous
/// one's single-use result, become one FusedElementwise whose `ops` lists the steps,
/// `operands` names each step's other input (-1 for unary steps), and `s<i>_*`
/// holds step attributes (`s<i>_swap = 1` when the chain value is the right operand).
StatusOr<bool> runOperatorFusion(graph::Graph &graph, PassContext &context);

} // namespace tessera::passes
