//===- operator_sinking.h - Move data movement below elementwise ops -----------===//
#pragma once

#include "compiler/passes/pass.h"

namespace tessera::passes {

/// Moves Transpose and Reshape below the ops they commute with, so inverse pairs
/// meet and cancel: U(T(x)) -> T(U(x)) for unary elementwise U; B(T(a), T(b)) ->
/// T(B(a, b)) for binary elementwise B with the same permutation or target shape on
/// both sides, or with a one-element constant on the other side; BatchNormalization
/// of a Transpose that keeps axis 1 in place. Then Transpose pairs composing to the
/// identity and Reshape pairs restoring the original shape are removed.
StatusOr<bool> runOperatorSinking(graph::Graph &graph, PassContext &context);

} // namespace tessera::passes
