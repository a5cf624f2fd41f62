//===- graph_passes.h - The graph-pass pipelines the targets run -------------------===//
#pragma once

#include <string_view>

#include "compiler/graph/graph.h"
#include "support/status.h"

namespace tessera::driver {

/// Before the cpu and nvptx targets plan kernels.
inline constexpr const char *kCpuGraphPipeline = "nop-elim,constant-fold,bn-fold,cse,dce";
/// A pre-quantized (QDQ) ONNX model to the int8 ops (compiler/quant/qdq_import.h).
inline constexpr const char *kQdqImportPipeline = "qdq-import,dce";

/// Runs a pass pipeline (names from compiler/passes/passes.def and
/// compiler/quant/passes.def, comma separated; empty runs nothing).
Status runGraphPasses(graph::Graph &graph, std::string_view pipeline);

} // namespace tessera::driver
