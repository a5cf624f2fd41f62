//===- cse.h - Common subexpression elimination ----------------------------------===//
#pragma once

#include "compiler/passes/pass.h"

namespace tessera::passes {

/// Merges constants with equal type and data, then nodes with the same op, inputs
/// and attributes (in topological order, so merges cascade), keeping the first.
StatusOr<bool> runCommonSubexpressionElimination(graph::Graph &graph, PassContext &context);

} // namespace tessera::passes
