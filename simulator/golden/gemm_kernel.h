//===- gemm_kernel.h - The GEMM core's arithmetic on one micro-op ------------------===//
#pragma once

#include <cstdint>

namespace tessera::sim {

/// acc[b][o] += sum_i inp[b][i] * wgt[o][i] for one BATCH x BLOCK_IN by BLOCK_OUT x
/// BLOCK_IN tile: int8 x int8 products accumulated in int32 (wrapping). Vectorized for
/// the host (AVX2 where present, chosen at run time).
void gemmTile(int32_t *acc, const int8_t *inp, const int8_t *wgt, int batch, int blockIn, int blockOut);

} // namespace tessera::sim
