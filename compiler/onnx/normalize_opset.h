//===- normalize_opset.h - One meaning per op across ONNX opsets ---------------===//
//
// The graph IR gives each op one meaning, the newest ONNX semantics, except where
// an attribute or input says otherwise. The importer rewrites the few old-opset forms
// whose meaning differs (docs/onnx-import.md lists them): Softmax before opset 13
// coerces to 2-D (recorded as coerce_2d = 1), Resize 10 has no roi input, and the
// binary ops before opset 7 broadcast from an explicit axis.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/graph/graph.h"

namespace tessera::onnx_import {

/// Rewrites `node` (and may add constants and nodes to `graph`) for `opset`.
Status normalizeForOpset(graph::Node &node, int64_t opset, graph::Graph &graph);

} // namespace tessera::onnx_import
