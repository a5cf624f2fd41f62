//===- conv_layer.h - One quantized convolution, as the accelerator sees it -----------===//
#pragma once

#include <string>
#include <vector>

#include "compiler/graph/graph.h"
#include "runtime/support/tensor.h"

namespace tessera::accel {

/// A QConv (docs/quantization.md) with constant weights: batch 1, group 1, 2-D.
struct ConvLayer {
  std::string name;
  int64_t inChannels = 0, height = 0, width = 0;
  int64_t outChannels = 0, outHeight = 0, outWidth = 0;
  int64_t kernelH = 1, kernelW = 1, strideH = 1, strideW = 1, dilationH = 1, dilationW = 1;
  int64_t padTop = 0, padLeft = 0;
  Tensor weights;                        ///< i8 [O][I][KH][KW]
  std::vector<int32_t> bias;             ///< one per output channel
  std::vector<int32_t> requantOperands;  ///< (multiplier << 8 | shift) per output channel
  int32_t clipLo = -128, clipHi = 127;

  /// Multiply-accumulates of the layer (without channel padding).
  int64_t macs() const { return outChannels * outHeight * outWidth * inChannels * kernelH * kernelW; }
};

/// Reads a QConv node whose weights (and bias) are constants; the error names the node
/// and what the accelerator lowering does not support yet.
StatusOr<ConvLayer> convLayerFromNode(const graph::Graph &graph, const graph::Node &node);

} // namespace tessera::accel
