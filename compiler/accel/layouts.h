//===- layouts.h - Host <-> accelerator tensor layouts -------------------------------===//
//
// The accelerator reads activations blocked by channel, NCHW -> [N*C/B][H][W][B] (one
// inp/out/acc8 entry is the B channels of one pixel; a batch's images one after another), and conv weights as
// OIHW -> [O/Bo][I/Bi][KH][KW][Bo][Bi] (one wgt entry per block and tap). Channels are
// zero-padded to the block. Per-channel int32 vectors (bias, requant operands) become
// acc rows [O/Bo][Bo].
//
//===----------------------------------------------------------------------===//
#pragma once

#include <vector>

#include "support/int_math.h"
#include "support/tensor.h"

namespace tessera::accel {

struct ConvLayer;

/// The input rows a window layer (conv or pool: strideH, padTop, kernelH, dilationH,
/// height) reads for output rows [outRow0, outRow0 + outRows): [first, last] counting the
/// padding, [begin, end) the part inside the image.
struct InputRowWindow {
  int64_t first, last, begin, end;
};
template <typename WindowLayer>
InputRowWindow inputRowWindow(const WindowLayer &l, int64_t outRow0, int64_t outRows) {
  InputRowWindow rows;
  rows.first = outRow0 * l.strideH - l.padTop;
  rows.last = (outRow0 + outRows - 1) * l.strideH - l.padTop + (l.kernelH - 1) * l.dilationH;
  rows.begin = rows.first > 0 ? rows.first : 0;
  rows.end = rows.last + 1 < l.height ? rows.last + 1 : l.height;
  return rows;
}

/// [N][C][H][W] int8 -> [N*ceil(C/block)][H][W][block] int8.
StatusOr<Tensor> packActivation(const Tensor &nchw, int64_t block);
/// The shape packActivation gives [N][C][H][W] images: [N*ceil(C/block)][H][W][block].
Shape blockedImageShape(const Shape &nchw, int64_t block);
/// [N*CB][H][W][block] int8 -> [N][channels][H][W] int8 (CB = ceil(channels/block)).
StatusOr<Tensor> unpackActivation(const Tensor &blocked, int64_t channels);
/// [O][I][KH][KW] int8 -> [ceil(O/bo)][ceil(I/bi)][KH][KW][bo][bi] int8.
StatusOr<Tensor> packConvWeights(const Tensor &oihw, int64_t blockOut, int64_t blockIn);
/// The input-channel blocks of a grouped convolution: output block `ob` reads input
/// blocks [first[ob], first[ob] + perOutBlock) (every block for group 1, one block for a
/// depthwise conv whose channels are a multiple of the block). `first` never decreases.
struct GroupBlocks {
  int64_t perOutBlock = 0;
  std::vector<int64_t> first;
};
GroupBlocks groupBlocks(int64_t inChannels, int64_t outChannels, int64_t group, int64_t blockOut, int64_t blockIn);

/// Grouped weights [O][I/group][KH][KW] -> [ceil(O/bo)][perOutBlock][KH][KW][bo][bi]: entry
/// (ob, i, tap) multiplies input block first[ob] + i, zero outside each channel's group.
/// With group 1 this is packConvWeights.
StatusOr<Tensor> packGroupedConvWeights(const Tensor &weights, int64_t inChannels, int64_t group, int64_t blockOut,
                                        int64_t blockIn);

/// First-layer window packing: [N][C][H][W] int8 -> [N*ceil(KH*KW*C/block)][OH][OW][block]
/// int8 (each image packed on its own), where channel (ky*KW + kx)*C + c of output pixel (oy, ox) is input channel c at
/// the tap's position (zero where that lies in the padding). The input of
/// windowPackedLayer(layer).
StatusOr<Tensor> packWindowedInput(const Tensor &nchw, const ConvLayer &layer, int64_t block);
/// The shape packWindowedInput gives `images` images of `layer`'s input.
Shape windowPackedShape(const ConvLayer &layer, int64_t images, int64_t block);

/// One int32 per channel -> [ceil(C/block)][block] int32, padded with `fill`.
Tensor packChannelRows(const std::vector<int32_t> &values, int64_t block, int32_t fill);

} // namespace tessera::accel
