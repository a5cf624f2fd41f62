//===- layouts.cpp - Packing to the accelerator's blocked layouts ---------------------===//
#include "compiler/accel/layouts.h"

namespace tessera::accel {

StatusOr<Tensor> packActivation(const Tensor &nchw, int64_t block) {
  const Shape &s = nchw.shape();
  if (nchw.dtype() != DType::I8 || s.size() != 4 || s[0] != 1)
    return invalidInput("accelerator activations must be i8 [1][C][H][W], got %s %s", dtypeName(nchw.dtype()),
                        shapeToString(s));
  int64_t channels = s[1], plane = s[2] * s[3];
  Tensor blocked(DType::I8, {ceilDiv(channels, block), s[2], s[3], block});
  for (int64_t c = 0; c < channels; ++c)
    for (int64_t p = 0; p < plane; ++p)
      blocked.data<int8_t>()[((c / block) * plane + p) * block + c % block] = nchw.data<int8_t>()[c * plane + p];
  return blocked;
}

StatusOr<Tensor> unpackActivation(const Tensor &blocked, int64_t channels) {
  const Shape &s = blocked.shape();
  if (blocked.dtype() != DType::I8 || s.size() != 4 || s[0] * s[3] < channels)
    return invalidInput("blocked activation %s cannot hold %d channels", shapeToString(s), channels);
  int64_t block = s[3], plane = s[1] * s[2];
  Tensor nchw(DType::I8, {1, channels, s[1], s[2]});
  for (int64_t c = 0; c < channels; ++c)
    for (int64_t p = 0; p < plane; ++p)
      nchw.data<int8_t>()[c * plane + p] = blocked.data<int8_t>()[((c / block) * plane + p) * block + c % block];
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

Tensor packChannelRows(const std::vector<int32_t> &values, int64_t block, int32_t fill) {
  int64_t rows = ceilDiv(int64_t(values.size()), block);
  Tensor packed(DType::I32, {rows, block});
  for (int64_t i = 0; i < rows * block; ++i)
    packed.data<int32_t>()[i] = i < int64_t(values.size()) ? values[size_t(i)] : fill;
  return packed;
}

} // namespace tessera::accel
