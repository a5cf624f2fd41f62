//===- constant_folding.h - Evaluate ops whose inputs are constants ------------===//
#pragma once

#include "compiler/passes/pass.h"

namespace tessera::passes {

/// Replaces each node whose inputs are all constants by the constants the reference
/// interpreter computes (up to PassOptions::maxFoldedElements per result), and
/// folds Shape and Size of statically shaped values. Runs in topological order, so
/// folding cascades through a chain in one run. Folded results that are graph
/// outputs keep their node.
StatusOr<bool> runConstantFolding(graph::Graph &graph, PassContext &context);

} // namespace tessera::passes
