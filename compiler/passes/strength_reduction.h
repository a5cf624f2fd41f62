//===- strength_reduction.h - Replace costly ops by cheaper equivalents --------===//
#pragma once

#include "compiler/passes/pass.h"

namespace tessera::passes {

/// Pow(x, 2) -> Mul(x, x), Pow(x, 0.5) -> Sqrt(x), Pow(x, -1) -> Reciprocal(x),
/// Pow(x, 1) -> x; Div(x, c) -> Mul(x, 1/c) when every element of the constant c is a
/// power of two (the product is then exact) or under PassOptions::fastMath;
/// Sub(0, x) and Mul(x, -1) -> Neg(x).
StatusOr<bool> runStrengthReduction(graph::Graph &graph, PassContext &context);

} // namespace tessera::passes
