//===- qdq_import.h - Already-quantized ONNX models to the int8 ops --------------===//
//
// The pass `qdq-import` turns the quantized forms ONNX models carry into the
// accelerator's int8 ops (docs/quantization.md):
//   DequantizeLinear -> Conv | Gemm | MatMul [-> Relu] -> QuantizeLinear   => QConv | QGemm
//   DequantizeLinear, DequantizeLinear -> Add [-> Relu] -> QuantizeLinear  => QAdd
//   QLinearConv => QConv,  QLinearMatMul (constant B) => QGemm
// The int8 value the QuantizeLinear (or QLinear op) defined keeps its name, so the
// DequantizeLinear after it, and whatever reads that, are untouched.
//
// Exactness: our int8 ops have zero point 0 on int8 activations. A pattern folds
//  - weights: int8 with zero point 0, per tensor or per output channel;
//  - an input zero point z_x != 0: into the bias (bias -= z_x * sum of the weights of
//    the channel), exact for Gemm/MatMul and for convolutions without padding; with
//    padding it is not (the pad value would have to be z_x), so the pattern is left;
//  - an output zero point != 0: never (the requant lane saturates around 0), left as is;
//  - uint8 activations: never, left as is.
// ConvInteger and MatMulInteger produce int32 with no requantization to fold, so
// they stay as they are (the reference interpreter runs them exactly). Whatever is
// left runs on the CPU path.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/graph/graph.h"
#include "compiler/passes/pass.h"

namespace tessera::passes {

StatusOr<bool> runQdqImport(graph::Graph &graph, PassContext &context);

} // namespace tessera::passes
