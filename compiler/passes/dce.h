//===- dce.h - Dead code elimination ---------------------------------------------===//
#pragma once

#include "compiler/passes/pass.h"

namespace tessera::passes {

/// Removes nodes none of whose results is used (walking backwards, so chains of
/// dead nodes go in one run) and constants nothing refers to.
StatusOr<bool> runDeadCodeElimination(graph::Graph &graph, PassContext &context);

} // namespace tessera::passes
