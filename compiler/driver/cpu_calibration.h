//===- cpu_calibration.h - Calibration samples run as LLVM code -----------------------===//
//
// Post-training quantization needs the value range of every f32 node result over the
// calibration samples. The reference interpreter computes them at about 0.8 s per
// ResNet-18 sample; this runner compiles the prepared graph once for the host CPU
// (compiler/exec, the `--target cpu` code generator) with every f32 node result made a
// graph output (so none is fused away), and runs each sample through it. A graph the
// CPU path cannot compile is calibrated on the interpreter instead.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/quant/calibration.h"

namespace tessera::driver {

/// quant::CalibrationRunner over generated CPU code.
Status runSamplesOnCpu(const graph::Graph &graph, const std::vector<interp::TensorMap> &samples,
                       const quant::ResultObserver &observe);

} // namespace tessera::driver
