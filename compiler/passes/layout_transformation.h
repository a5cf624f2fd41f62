//===- layout_transformation.h - Convert activations to a blocked layout -------===//
#pragma once

#include "compiler/passes/pass.h"

namespace tessera::passes {

/// Gives the accelerator its preferred activation layout, NCHW16c (channels in
/// blocks of 16, docs/graph-ir.md): 2-D Conv/FusedConv, 2-D pools and elementwise ops
/// on rank-4 values read and write NCHW16c; LayoutConvert nodes convert at the
/// boundaries with ops that keep the plain layout and at graph inputs and outputs.
/// Adjacent conversions that undo each other are cancelled, so a chain of convs,
/// activations and pools converts once on entry and once on exit. Layout tags change
/// storage only: every value keeps its logical shape.
StatusOr<bool> runLayoutTransformation(graph::Graph &graph, PassContext &context);

} // namespace tessera::passes
