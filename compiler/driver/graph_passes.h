//===- graph_passes.h - The graph-pass pipelines the targets run -------------------===//
#pragma once

#include <string_view>

#include "compiler/graph/graph.h"
#include "support/status.h"

namespace tessera::driver {

/// Before the cpu and nvptx targets plan kernels: the node- and block-level clean-ups
/// of docs/passes.md (every graph pass but memory-plan, whose placement the accelerator
/// uses, and qdq-import, for QDQ models), then bn-fold, cse and dce.
inline constexpr const char *kCpuGraphPipeline =
    "nop-elim,zero-dim-elim,constant-fold,algebraic-simplify,strength-reduce,sink,algebraic-simplify,bn-fold,cse,dce";
/// A pre-quantized (QDQ) ONNX model to the int8 ops (compiler/quant/qdq_import.h).
inline constexpr const char *kQdqImportPipeline = "qdq-import,dce";

/// Runs a pass pipeline (names from compiler/passes/passes.def and
/// compiler/quant/passes.def, comma separated; empty runs nothing).
Status runGraphPasses(graph::Graph &graph, std::string_view pipeline);

} // namespace tessera::driver
