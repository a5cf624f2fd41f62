//===- gemm_kernel.cpp - Vectorizable int8 dot products ------------------------------===//
//
// The inner loop is a 16-bit multiply with 32-bit accumulation that GCC turns into
// pmaddwd (SSE2) or vpmaddwd (AVX2). target_clones builds both and picks at load time.
// Block widths 16 and 32 get fixed-trip-count copies so the reduction fully unrolls.
//
//===----------------------------------------------------------------------===//
#include "simulator/golden/gemm_kernel.h"

namespace tessera::sim {
namespace {

template <int kBlockIn>
inline int32_t dot(const int8_t *a, const int8_t *b, int blockIn) {
  int32_t sum = 0;
  int n = kBlockIn > 0 ? kBlockIn : blockIn;
  for (int i = 0; i < n; ++i) sum += int32_t(int16_t(a[i]) * int16_t(b[i]));
  return sum;
}

template <int kBlockIn>
inline void tile(int32_t *acc, const int8_t *inp, const int8_t *wgt, int batch, int blockIn, int blockOut) {
  for (int b = 0; b < batch; ++b) {
    const int8_t *row = inp + b * blockIn;
    int32_t *accRow = acc + b * blockOut;
    for (int o = 0; o < blockOut; ++o)
      accRow[o] = int32_t(uint32_t(accRow[o]) + uint32_t(dot<kBlockIn>(row, wgt + o * blockIn, blockIn)));
  }
}

} // namespace

__attribute__((target_clones("avx2", "default"))) void gemmTile(int32_t *acc, const int8_t *inp, const int8_t *wgt,
                                                                  int batch, int blockIn, int blockOut) {
  if (blockIn == 16) return tile<16>(acc, inp, wgt, batch, blockIn, blockOut);
  if (blockIn == 32) return tile<32>(acc, inp, wgt, batch, blockIn, blockOut);
  tile<0>(acc, inp, wgt, batch, blockIn, blockOut);
}

} // namespace tessera::sim
