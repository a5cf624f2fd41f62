//===- gemm_kernel.cpp - Vectorizable int8 dot products ------------------------------===//
//
// The inner loop is a 16-bit multiply with 32-bit accumulation that GCC turns into
// pmaddwd (SSE2) or vpmaddwd (AVX2). target_clones builds both and picks at load time.
// Block widths 4 to 64 (the powers of two a config may have) get fixed-trip-count copies
// so the reduction fully unrolls.
// BLOCK_IN 16 on an AVX2 host (the default config, the SystemC model's hot loop) takes a
// hand-written path instead: one vpmaddwd per output row and a vphaddd tree that sums
// eight outputs at a time, about 3.5x faster than the per-output reductions; BLOCK_IN 8
// (8x8 arrays) has its own, two weight rows per vpmaddwd.
//
//===----------------------------------------------------------------------===//
#include "simulator/golden/gemm_kernel.h"

#include <immintrin.h>

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

__attribute__((target_clones("avx2", "default"))) void portableTile(int32_t *acc, const int8_t *inp,
                                                                       const int8_t *wgt, int batch, int blockIn,
                                                                       int blockOut) {
  switch (blockIn) {
  case 4: return tile<4>(acc, inp, wgt, batch, blockIn, blockOut);
  case 8: return tile<8>(acc, inp, wgt, batch, blockIn, blockOut);
  case 16: return tile<16>(acc, inp, wgt, batch, blockIn, blockOut);
  case 32: return tile<32>(acc, inp, wgt, batch, blockIn, blockOut);
  case 64: return tile<64>(acc, inp, wgt, batch, blockIn, blockOut);
  default: break;
  }
  tile<0>(acc, inp, wgt, batch, blockIn, blockOut);
}

/// The 8 int32 pair sums of one weight row (16 int8) times the input row `x` (16 int16).
__attribute__((target("avx2"))) inline __m256i rowProducts(const int8_t *wgtRow, __m256i x) {
  __m128i row = _mm_loadu_si128(reinterpret_cast<const __m128i *>(wgtRow));
  return _mm256_madd_epi16(_mm256_cvtepi8_epi16(row), x);
}

/// Outputs o..o+3 as [low-half sums | high-half sums] of their products.
__attribute__((target("avx2"))) inline __m256i fourOutputs(const int8_t *wgt, __m256i x) {
  __m256i t0 = _mm256_hadd_epi32(rowProducts(wgt, x), rowProducts(wgt + 16, x));
  __m256i t1 = _mm256_hadd_epi32(rowProducts(wgt + 32, x), rowProducts(wgt + 48, x));
  return _mm256_hadd_epi32(t0, t1);
}

/// BLOCK_IN 16, BLOCK_OUT a multiple of 8.
__attribute__((target("avx2"))) void tile16Avx2(int32_t *acc, const int8_t *inp, const int8_t *wgt, int batch,
                                                int blockOut) {
  for (int b = 0; b < batch; ++b) {
    __m256i x = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i *>(inp + b * 16)));
    int32_t *accRow = acc + b * blockOut;
    for (int o = 0; o < blockOut; o += 8) {
      __m256i low = fourOutputs(wgt + o * 16, x), high = fourOutputs(wgt + (o + 4) * 16, x);
      __m256i sums = _mm256_add_epi32(_mm256_permute2x128_si256(low, high, 0x20),
                                      _mm256_permute2x128_si256(low, high, 0x31));
      __m256i *target = reinterpret_cast<__m256i *>(accRow + o);
      _mm256_storeu_si256(target, _mm256_add_epi32(_mm256_loadu_si256(target), sums));
    }
  }
}

/// The 4 + 4 int32 pair sums of two weight rows of 8 int8 times the input row in both halves of `x`.
__attribute__((target("avx2"))) inline __m256i twoRowProducts(const int8_t *rows, __m256i x) {
  return _mm256_madd_epi16(_mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i *>(rows))), x);
}

/// BLOCK_IN 8, BLOCK_OUT a multiple of 8: one vpmaddwd covers two weight rows; two
/// vphaddd levels leave [o0 o2 o4 o6 | o1 o3 o5 o7], which one permute puts in order.
__attribute__((target("avx2"))) void tile8Avx2(int32_t *acc, const int8_t *inp, const int8_t *wgt, int batch,
                                               int blockOut) {
  const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
  for (int b = 0; b < batch; ++b) {
    __m128i row = _mm_cvtepi8_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i *>(inp + b * 8)));
    __m256i x = _mm256_broadcastsi128_si256(row);
    int32_t *accRow = acc + b * blockOut;
    for (int o = 0; o < blockOut; o += 8) {
      const int8_t *rows = wgt + o * 8;
      __m256i sums = _mm256_hadd_epi32(_mm256_hadd_epi32(twoRowProducts(rows, x), twoRowProducts(rows + 16, x)),
                                       _mm256_hadd_epi32(twoRowProducts(rows + 32, x), twoRowProducts(rows + 48, x)));
      __m256i *target = reinterpret_cast<__m256i *>(accRow + o);
      _mm256_storeu_si256(target, _mm256_add_epi32(_mm256_loadu_si256(target), _mm256_permutevar8x32_epi32(sums, order)));
    }
  }
}

bool hostHasAvx2() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2");
}

} // namespace

void gemmTile(int32_t *acc, const int8_t *inp, const int8_t *wgt, int batch, int blockIn, int blockOut) {
  static const bool avx2 = hostHasAvx2();
  if (avx2 && blockIn == 16 && blockOut % 8 == 0) return tile16Avx2(acc, inp, wgt, batch, blockOut);
  if (avx2 && blockIn == 8 && blockOut % 8 == 0) return tile8Avx2(acc, inp, wgt, batch, blockOut);
  portableTile(acc, inp, wgt, batch, blockIn, blockOut);
}

} // namespace tessera::sim
