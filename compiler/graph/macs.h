//===- macs.h - Multiply-accumulates of a graph node ----------------------------------===//
//
// The MACs of the ops that multiply matrices: convolutions (Conv, ConvInteger,
// QLinearConv, QConv: every output element reduces over its group's input channels and
// the kernel window) and matrix products (Gemm, QGemm, MatMul, MatMulInteger,
// QLinearMatMul: every output element reduces over the shared dimension). Other ops,
// and nodes whose shapes are not static, have none. Reports use it to say how much of a
// model's work a back end covers, and the CPU profile to rate kernels against the peak.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>

#include "compiler/graph/graph.h"

namespace tessera::graph {

/// The node's multiply-accumulates (0 for ops that multiply no matrices).
int64_t nodeMacs(const Graph &graph, const Node &node);

} // namespace tessera::graph
