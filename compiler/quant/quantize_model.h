//===- quantize_model.h - The whole PTQ flow: prepare, calibrate, rewrite -------===//
//
// What `tessera quantize` runs: the graph is cleaned up for quantization (Identity and
// Dropout removed, constants folded, BatchNorm folded into the preceding Conv/Gemm,
// dead code removed; no fusion, so the rewrite sees plain ONNX ops), calibrated (on the
// reference interpreter, or the runner given) over the samples `calibrate` names ("random:N" or a folder of
// .npy files) and rewritten into the int8 ops.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/quant/ptq.h"

namespace tessera::quant {

/// The passes run before calibration.
inline constexpr const char *kPrepareForQuantizationPipeline = "nop-elim,constant-fold,bn-fold,dce";

struct QuantizeModelOptions {
  /// "random:N" (seeded standard normal inputs) or a folder of .npy inputs.
  std::string calibrate = "random:8";
  uint64_t seed = 0;
  QuantizeOptions quant;
  /// How the samples run (null: the reference interpreter).
  CalibrationRunner runner;
};

/// Prepares, calibrates and quantizes `graph` in place.
StatusOr<QuantizeReport> quantizeModel(graph::Graph &graph, const QuantizeModelOptions &options);

} // namespace tessera::quant
