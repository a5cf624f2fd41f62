//===- layouts.h - Host <-> accelerator tensor layouts -------------------------------===//
//
// The accelerator reads activations blocked by channel, NCHW -> [C/B][H][W][B] (one
// inp/out/acc8 entry is the B channels of one pixel, batch 1), and conv weights as
// OIHW -> [O/Bo][I/Bi][KH][KW][Bo][Bi] (one wgt entry per block and tap). Channels are
// zero-padded to the block. Per-channel int32 vectors (bias, requant operands) become
// acc rows [O/Bo][Bo].
//
//===----------------------------------------------------------------------===//
#pragma once

#include <vector>

#include "runtime/support/tensor.h"

namespace tessera::accel {

inline int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// [1][C][H][W] int8 -> [ceil(C/block)][H][W][block] int8.
StatusOr<Tensor> packActivation(const Tensor &nchw, int64_t block);
/// [CB][H][W][block] int8 -> [1][channels][H][W] int8.
StatusOr<Tensor> unpackActivation(const Tensor &blocked, int64_t channels);
/// [O][I][KH][KW] int8 -> [ceil(O/bo)][ceil(I/bi)][KH][KW][bo][bi] int8.
StatusOr<Tensor> packConvWeights(const Tensor &oihw, int64_t blockOut, int64_t blockIn);
/// One int32 per channel -> [ceil(C/block)][block] int32, padded with `fill`.
Tensor packChannelRows(const std::vector<int32_t> &values, int64_t block, int32_t fill);

} // namespace tessera::accel
