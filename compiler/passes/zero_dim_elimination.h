//===- zero_dim_elimination.h - Remove computation on empty tensors -----------===//
#pragma once

#include "compiler/passes/pass.h"

namespace tessera::passes {

/// A result with a zero-extent dimension holds no data: it becomes an empty
/// constant (so its producer dies), and empty operands of Concat are dropped.
StatusOr<bool> runZeroDimElimination(graph::Graph &graph, PassContext &context);

} // namespace tessera::passes
