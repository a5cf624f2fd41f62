//===- int8_source.h - Where the accel pipeline's int8 graph comes from ------------===//
//
// The accelerator runs int8 ops (docs/quantization.md). A model reaches them one of
// three ways:
//   calibrate   --calibrate given: an fp32 model is quantized on calibration inputs;
//   as-is       the graph has our int8 ops already (graph IR from `tessera quantize`);
//   qdq-import  a pre-quantized ONNX model (QuantizeLinear/DequantizeLinear pairs,
//               QLinearConv, QLinearMatMul): the qdq-import pass takes its scales.
// Anything else is an fp32 model without calibration inputs: an error.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>

#include "compiler/driver/driver.h"

namespace tessera::driver {

enum class Int8Source { calibrate, asIs, qdqImport };

/// True when `graph` has int8 ops of our own (QConv, QGemm, QAdd, ...).
bool hasInt8Ops(const graph::Graph &graph);
/// True when `graph` carries ONNX quantization: DequantizeLinear or QLinear* ops.
bool hasQdqOps(const graph::Graph &graph);

/// How `graph` (read from `modelName`) becomes int8 under `options`.
StatusOr<Int8Source> int8SourceOf(const graph::Graph &graph, const AccelOptions &options, const std::string &modelName);

} // namespace tessera::driver
