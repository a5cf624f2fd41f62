//===- ptq.h - Post-training quantization of an fp32 graph to the int8 ops -----===//
//
// Rewrites a calibrated fp32 graph into the accelerator's int8 ops
// (docs/quantization.md): Conv -> QConv, Gemm and MatMul with constant weights ->
// QGemm, Add of two activations -> QAdd, a following Relu/Clip fused as the op's int8
// clip, AveragePool/GlobalAveragePool -> their int8 forms, and Relu, Clip, MaxPool,
// Flatten, Reshape, Squeeze and Unsqueeze kept in int8 when their input already is.
// Weights are quantized per output channel (symmetric, int8 in [-127, 127]), biases to
// int32 at scale s_in * s_w, activations per tensor (symmetric, zero point 0) at the
// calibrated threshold / 127. Every other op stays fp32: QuantizeLinear and
// DequantizeLinear are inserted where values cross between the two, and graph outputs
// keep their fp32 names and types.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <map>
#include <string>

#include "compiler/quant/calibration.h"

namespace tessera::quant {

struct QuantizeOptions {
  CalibrationMethod method = CalibrationMethod::Percentile;
  /// For CalibrationMethod::Percentile: the percentage of |x| values kept unclipped.
  double percentile = 99.99;
};

/// What quantization did, for the CLI's summary.
struct QuantizeReport {
  /// Original op -> count, for the ops turned into int8 ops and those left in fp32.
  std::map<std::string, int> quantized, leftFloat;
  int quantizeNodes = 0, dequantizeNodes = 0;

  std::string summary() const;
};

/// Rewrites `graph` in place; `table` must hold statistics of every f32 value an int8
/// op reads or defines. The result is verified.
StatusOr<QuantizeReport> quantizeGraph(graph::Graph &graph, const CalibrationTable &table,
                                       const QuantizeOptions &options = {});

} // namespace tessera::quant
