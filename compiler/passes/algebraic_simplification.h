//===- algebraic_simplification.h - Identities of arithmetic and data movement -===//
#pragma once

#include "compiler/passes/pass.h"

namespace tessera::passes {

/// Applies, where the result type equals the operand's (so broadcasting changes
/// nothing): x+0, 0+x, x-0, x*1, 1*x, x/1 -> x; Neg(Neg x), Not(Not x) -> x;
/// Relu(Relu x), Abs(Abs x) -> the inner op; Transpose(Transpose x) -> one Transpose
/// (none when the composition is the identity); chains of Reshape, Flatten, Squeeze
/// and Unsqueeze with static shapes -> one Reshape (none when the shape comes back).
StatusOr<bool> runAlgebraicSimplification(graph::Graph &graph, PassContext &context);

} // namespace tessera::passes
