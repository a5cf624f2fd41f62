//===- conv_layer.h - One quantized convolution, as the accelerator sees it -----------===//
#pragma once

#include <string>
#include <vector>

#include "compiler/graph/graph.h"
#include "support/tensor.h"

namespace tessera::accel {

/// A QConv (docs/quantization.md) with constant weights: 2-D, any group, any batch.
/// A QGemm is the same layer with a kernel the size of its (flattened) input image.
/// `batch` images lie one after another in DRAM (each blocked as layouts.h says); the
/// emitter runs them as an outer loop inside each channel tile, so a channel tile's
/// weights are loaded once for every image.
struct ConvLayer {
  std::string name;
  int64_t batch = 1;
  int64_t inChannels = 0, height = 0, width = 0;
  int64_t outChannels = 0, outHeight = 0, outWidth = 0;
  int64_t kernelH = 1, kernelW = 1, strideH = 1, strideW = 1, dilationH = 1, dilationW = 1;
  int64_t padTop = 0, padLeft = 0;
  int64_t group = 1;                    ///< ONNX group: in and out channels split in `group` parts
  Tensor weights;                       ///< i8 [O][I / group][KH][KW]
  std::vector<int32_t> bias;            ///< one per output channel
  std::vector<int32_t> requantOperands; ///< (multiplier << 8 | shift) per output channel
  int32_t clipLo = -128, clipHi = 127;

  /// Multiply-accumulates of the layer, every image (without channel padding).
  int64_t macs() const { return batch * outChannels * outHeight * outWidth * (inChannels / group) * kernelH * kernelW; }
};

/// Reads a QConv node whose weights (and bias) are constants; the error names the node
/// and what the accelerator lowering does not support yet.
StatusOr<ConvLayer> convLayerFromNode(const graph::Graph &graph, const graph::Node &node);

/// Reads a QGemm node as a convolution over the image its input was flattened from:
/// `inputBeforeFlatten` [N,C,H,W] gives a CxHxW-kernel conv on a 1x1 output per image
/// (weights [M, C*H*W] reshaped to [M,C,H,W]); [N,K] gives a 1x1 conv on N 1x1 images.
/// QGemm's weights are [M,K] (transB folded); transA and non-constant weights or bias
/// are errors naming the node.
StatusOr<ConvLayer> gemmLayerFromNode(const graph::Graph &graph, const graph::Node &node,
                                      const Shape &inputBeforeFlatten);

/// First-layer window packing: the 1x1, stride-1, unpadded convolution over KH*KW*C
/// channels that `layer` (group 1) computes on packWindowedInput's tensor, with the
/// weights reordered to channel (ky*KW + kx)*C + c. A pointwise layer does not care how
/// its OH*OW pixels split into rows, so the packed layer views them as rows of at most 64
/// pixels (the largest such divisor of OH*OW), which keeps a tile of rows in the input
/// scratchpad; its output has the memory layout of [OB][OH][OW][Bo].
StatusOr<ConvLayer> windowPackedLayer(const ConvLayer &layer);

} // namespace tessera::accel
