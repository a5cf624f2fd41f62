//===- layouts.cpp - Packing to the accelerator's blocked layouts ---------------------===//
#include "compiler/accel/layouts.h"

#include <algorithm>

#include "compiler/accel/conv_layer.h"

namespace tessera::accel {

StatusOr<Tensor> packActivation(const Tensor &nchw, int64_t block) {
  const Shape &s = nchw.shape();
  if (nchw.dtype() != DType::I8 || s.size() != 4 || s[0] < 1)
    return invalidInput("accelerator activations must be i8 [N][C][H][W], got %s %s", dtypeName(nchw.dtype()),
                        shapeToString(s));
  int64_t channels = s[1], plane = s[2] * s[3], blocks = ceilDiv(channels, block);
  Tensor blocked(DType::I8, {s[0] * blocks, s[2], s[3], block});
  for (int64_t n = 0; n < s[0]; ++n)
    for (int64_t c = 0; c < channels; ++c)
      for (int64_t p = 0; p < plane; ++p)
        blocked.data<int8_t>()[((n * blocks + c / block) * plane + p) * block + c % block] =
            nchw.data<int8_t>()[(n * channels + c) * plane + p];
  return blocked;
}

Shape blockedImageShape(const Shape &nchw, int64_t block) {
  return {nchw[0] * ceilDiv(nchw[1], block), nchw[2], nchw[3], block};
}

StatusOr<Tensor> unpackActivation(const Tensor &blocked, int64_t channels) {
  const Shape &s = blocked.shape();
  int64_t blocks = s.size() == 4 && s[3] > 0 ? ceilDiv(channels, s[3]) : 0;
  if (blocked.dtype() != DType::I8 || blocks < 1 || s[0] % blocks != 0)
    return invalidInput("blocked activation %s does not hold whole images of %d channels", shapeToString(s), channels);
  int64_t block = s[3], plane = s[1] * s[2], images = s[0] / blocks;
  Tensor nchw(DType::I8, {images, channels, s[1], s[2]});
  for (int64_t n = 0; n < images; ++n)
    for (int64_t c = 0; c < channels; ++c)
      for (int64_t p = 0; p < plane; ++p)
        nchw.data<int8_t>()[(n * channels + c) * plane + p] =
            blocked.data<int8_t>()[((n * blocks + c / block) * plane + p) * block + c % block];
  return nchw;
}

StatusOr<Tensor> packConvWeights(const Tensor &oihw, int64_t blockOut, int64_t blockIn) {
  const Shape &s = oihw.shape();
  if (oihw.dtype() != DType::I8 || s.size() != 4)
    return invalidInput("conv weights must be i8 [O][I][KH][KW], got %s %s", dtypeName(oihw.dtype()), shapeToString(s));
  int64_t taps = s[2] * s[3], ib = ceilDiv(s[1], blockIn);
  Tensor packed(DType::I8, {ceilDiv(s[0], blockOut), ib, s[2], s[3], blockOut, blockIn});
  for (int64_t o = 0; o < s[0]; ++o)
    for (int64_t i = 0; i < s[1]; ++i)
      for (int64_t t = 0; t < taps; ++t) {
        int64_t entry = ((o / blockOut) * ib + i / blockIn) * taps + t;
        packed.data<int8_t>()[(entry * blockOut + o % blockOut) * blockIn + i % blockIn] =
            oihw.data<int8_t>()[(o * s[1] + i) * taps + t];
      }
  return packed;
}

GroupBlocks groupBlocks(int64_t inChannels, int64_t outChannels, int64_t group, int64_t blockOut, int64_t blockIn) {
  int64_t outPerGroup = outChannels / group, inPerGroup = inChannels / group,
          outBlocks = ceilDiv(outChannels, blockOut);
  std::vector<int64_t> low, span;
  for (int64_t ob = 0; ob < outBlocks; ++ob) {
    int64_t firstGroup = ob * blockOut / outPerGroup;
    int64_t lastGroup = (std::min(outChannels, (ob + 1) * blockOut) - 1) / outPerGroup;
    low.push_back(firstGroup * inPerGroup / blockIn);
    span.push_back(((lastGroup + 1) * inPerGroup - 1) / blockIn + 1 - low.back());
  }
  GroupBlocks blocks;
  blocks.perOutBlock = span.empty() ? 0 : *std::max_element(span.begin(), span.end());
  for (int64_t first : low) blocks.first.push_back(std::min(first, ceilDiv(inChannels, blockIn) - blocks.perOutBlock));
  return blocks;
}

StatusOr<Tensor> packGroupedConvWeights(const Tensor &weights, int64_t inChannels, int64_t group, int64_t blockOut,
                                        int64_t blockIn) {
  const Shape &s = weights.shape();
  if (weights.dtype() != DType::I8 || s.size() != 4 || group < 1 || s[1] * group != inChannels || s[0] % group != 0)
    return invalidInput("grouped conv weights must be i8 [O][%d/%d][KH][KW] with O a multiple of the group, got %s %s",
                        inChannels, group, dtypeName(weights.dtype()), shapeToString(s));
  GroupBlocks blocks = groupBlocks(inChannels, s[0], group, blockOut, blockIn);
  int64_t taps = s[2] * s[3], outPerGroup = s[0] / group, k = blocks.perOutBlock;
  Tensor packed(DType::I8, {ceilDiv(s[0], blockOut), k, s[2], s[3], blockOut, blockIn});
  for (int64_t o = 0; o < s[0]; ++o)
    for (int64_t i = 0; i < s[1]; ++i) {
      int64_t channel = o / outPerGroup * s[1] + i, ob = o / blockOut,
              slot = channel / blockIn - blocks.first[size_t(ob)];
      for (int64_t t = 0; t < taps; ++t) {
        int64_t entry = (ob * k + slot) * taps + t;
        packed.data<int8_t>()[(entry * blockOut + o % blockOut) * blockIn + channel % blockIn] =
            weights.data<int8_t>()[(o * s[1] + i) * taps + t];
      }
    }
  return packed;
}

namespace {

/// The input value tap (ky, kx) of channel c sees at output pixel (oy, ox), 0 in the padding.
/// `c` counts the channels of every image: image n's channel c is n * C + c.
int8_t windowValue(const Tensor &nchw, const ConvLayer &l, int64_t c, int64_t ky, int64_t kx, int64_t oy, int64_t ox) {
  int64_t y = oy * l.strideH - l.padTop + ky * l.dilationH, x = ox * l.strideW - l.padLeft + kx * l.dilationW;
  if (y < 0 || y >= l.height || x < 0 || x >= l.width) return 0;
  return nchw.data<int8_t>()[(c * l.height + y) * l.width + x];
}

} // namespace

StatusOr<Tensor> packWindowedInput(const Tensor &nchw, const ConvLayer &layer, int64_t block) {
  const Shape &s = nchw.shape();
  if (nchw.dtype() != DType::I8 || s.size() != 4 || s[0] < 1 ||
      Shape(s.begin() + 1, s.end()) != Shape{layer.inChannels, layer.height, layer.width})
    return invalidInput("window packing of %s needs i8 [N][%d][%d][%d], got %s %s", layer.name, layer.inChannels,
                        layer.height, layer.width, dtypeName(nchw.dtype()), shapeToString(s));
  int64_t channels = layer.kernelH * layer.kernelW * layer.inChannels, plane = layer.outHeight * layer.outWidth;
  int64_t blocks = ceilDiv(channels, block);
  Tensor packed(DType::I8, {s[0] * blocks, layer.outHeight, layer.outWidth, block});
  for (int64_t n = 0; n < s[0]; ++n)
    for (int64_t ky = 0; ky < layer.kernelH; ++ky)
      for (int64_t kx = 0; kx < layer.kernelW; ++kx)
        for (int64_t c = 0; c < layer.inChannels; ++c) {
          int64_t channel = (ky * layer.kernelW + kx) * layer.inChannels + c;
          for (int64_t p = 0; p < plane; ++p)
            packed.data<int8_t>()[((n * blocks + channel / block) * plane + p) * block + channel % block] =
                windowValue(nchw, layer, n * layer.inChannels + c, ky, kx, p / layer.outWidth, p % layer.outWidth);
        }
  return packed;
}

Shape windowPackedShape(const ConvLayer &layer, int64_t images, int64_t block) {
  return {images * ceilDiv(layer.inChannels * layer.kernelH * layer.kernelW, block), layer.outHeight, layer.outWidth,
          block};
}

Tensor packChannelRows(const std::vector<int32_t> &values, int64_t block, int32_t fill) {
  int64_t rows = ceilDiv(int64_t(values.size()), block);
  Tensor packed(DType::I32, {rows, block});
  for (int64_t i = 0; i < rows * block; ++i)
    packed.data<int32_t>()[i] = i < int64_t(values.size()) ? values[size_t(i)] : fill;
  return packed;
}

} // namespace tessera::accel
