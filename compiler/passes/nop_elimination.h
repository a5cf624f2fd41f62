//===- nop_elimination.h - Remove ops that return their input ------------------===//
#pragma once

#include "compiler/passes/pass.h"

namespace tessera::passes {

/// Forwards the input of ops that return it unchanged: Identity; Dropout at inference
/// (when its mask is unused); single-input Sum, Max, Min, Mean and Concat; Pad with
/// zero pads; Cast to the same type; Reshape, Flatten, Squeeze, Unsqueeze and Expand
/// to the same shape; Transpose with the identity permutation; Tile by ones; Slice
/// covering the whole tensor.
StatusOr<bool> runNopElimination(graph::Graph &graph, PassContext &context);

} // namespace tessera::passes
