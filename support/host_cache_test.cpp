//===- host_cache_test.cpp - Cache size and eviction of a range ----------------------===//
#include "support/host_cache.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <numeric>
#include <vector>

#include <gtest/gtest.h>

namespace tessera {
namespace {

TEST(HostCache, LastLevelCacheIsReported) {
#if defined(__linux__)
  EXPECT_GE(lastLevelCacheBytes(), size_t{64} << 10);
#else
  GTEST_SKIP() << "cache sizes are read from glibc or /sys";
#endif
}

/// Reads one word per cache line of `data` in the order of `lines` (a permutation, so
/// the hardware prefetchers cannot run ahead); the fastest of `trials` passes in ns,
/// each after `prepare`.
template <typename Prepare>
double fastestPassNs(const std::vector<uint64_t> &data, const std::vector<size_t> &lines, int trials,
                     Prepare prepare) {
  double best = 1e30;
  volatile uint64_t sink = 0;
  for (int t = 0; t < trials; ++t) {
    prepare();
    auto start = std::chrono::steady_clock::now();
    uint64_t sum = 0;
    for (size_t line : lines) sum += data[line * 8];
    sink = sink + sum;
    best = std::min(best, std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count());
  }
  return best;
}

TEST(HostCache, EvictedRangeKeepsItsDataAndIsReadFromMemory) {
#if !defined(__x86_64__) && !defined(__aarch64__)
  GTEST_SKIP() << "no cache-line flush instruction known for this architecture";
#endif
  std::vector<uint64_t> data(size_t{1} << 17);  // 1 MiB: within any last-level cache
  std::iota(data.begin(), data.end(), 0);
  std::vector<size_t> lines(data.size() / 8);
  std::iota(lines.begin(), lines.end(), 0);
  for (size_t k = lines.size() - 1, state = 7; k > 0; --k) {  // a fixed shuffle
    state = state * 6364136223846793005u + 1442695040888963407u;
    std::swap(lines[k], lines[(state >> 33) % (k + 1)]);
  }
  auto touch = [&] { fastestPassNs(data, lines, 1, [] {}); };
  double warm = fastestPassNs(data, lines, 5, touch);
  double cold = fastestPassNs(data, lines, 5, [&] { ASSERT_TRUE(evictFromCaches(data.data(), data.size() * 8)); });
  for (size_t k = 0; k < data.size(); ++k) ASSERT_EQ(data[k], k);
  // Memory latency against a cache hit: several times slower per line on any host.
  EXPECT_GT(cold, 1.5 * warm) << "warm " << warm << " ns, evicted " << cold << " ns";
}

} // namespace
} // namespace tessera
