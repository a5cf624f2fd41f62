//===- gemm_kernel_test.cpp - The vectorized GEMM tile against a scalar reference -----===//
#include "simulator/golden/gemm_kernel.h"

#include <random>
#include <vector>

#include <gtest/gtest.h>

namespace tessera::sim {
namespace {

// Every block shape a config may have (powers of two 4..64, batch 1 and 2), with random
// int8 values including -128 and an accumulator near overflow (the sum wraps).
TEST(GemmKernel, MatchesScalarReference) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> byte(-128, 127);
  for (int batch : {1, 2})
    for (int blockIn : {4, 8, 16, 32, 64})
      for (int blockOut : {4, 8, 16, 32, 64}) {
        std::vector<int8_t> inp(size_t(batch * blockIn)), wgt(size_t(blockOut * blockIn));
        for (int8_t &v : inp) v = int8_t(byte(rng));
        for (int8_t &v : wgt) v = int8_t(byte(rng));
        inp[0] = -128;
        wgt[0] = -128;
        std::vector<int32_t> acc(size_t(batch * blockOut)), expected;
        for (size_t i = 0; i < acc.size(); ++i) acc[i] = int32_t(rng());
        acc[0] = INT32_MAX - 5;
        expected = acc;
        for (int b = 0; b < batch; ++b)
          for (int o = 0; o < blockOut; ++o) {
            uint32_t sum = uint32_t(expected[size_t(b * blockOut + o)]);
            for (int i = 0; i < blockIn; ++i) sum += uint32_t(int32_t(inp[size_t(b * blockIn + i)]) * wgt[size_t(o * blockIn + i)]);
            expected[size_t(b * blockOut + o)] = int32_t(sum);
          }
        gemmTile(acc.data(), inp.data(), wgt.data(), batch, blockIn, blockOut);
        EXPECT_EQ(acc, expected) << "batch " << batch << " block_in " << blockIn << " block_out " << blockOut;
      }
}

} // namespace
} // namespace tessera::sim
