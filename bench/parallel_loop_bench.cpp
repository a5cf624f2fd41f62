//===- parallel_loop_bench.cpp - What a parallel loop of the cpu target costs -----------===//
//
// Times compiled code's `parallel` loops through the pool they call
// (compiler/codegen/thread_pool.h), back to back as a model's kernels run them:
//   - BM_ParallelLoop/THREADS/WORK: a loop of 64 iterations whose body does WORK
//     dependent multiply-adds in total (a stand-in for a kernel with that many MACs),
//     on 1 thread (inline) and on 2. Where the 2-thread time stops being lower than the
//     1-thread time is the least work worth a parallel loop on this host
//     (CpuScheduleParams::minParallelWork; docs/performance.md records the figures).
// Run: build/bin/parallel_loop_bench
//
//===----------------------------------------------------------------------===//
#include <benchmark/benchmark.h>

#include <cstdint>

#include "compiler/codegen/thread_pool.h"

namespace tessera {
namespace {

constexpr int64_t kIterations = 64;

struct Closure {
  int64_t madsPerIteration;
  float sink[kIterations];
};

/// Each iteration runs `madsPerIteration` multiply-adds on eight independent chains
/// (the FMA units' latency hidden, as in a register-tiled kernel).
void body(void *closure, int64_t begin, int64_t end) {
  auto *c = static_cast<Closure *>(closure);
  for (int64_t i = begin; i < end; ++i) {
    float acc[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    for (int64_t k = 0; k < c->madsPerIteration; k += 8)
      for (int j = 0; j < 8; ++j) acc[j] = acc[j] * 0.999f + 1.0f;
    float sum = 0;
    for (float v : acc) sum += v;
    c->sink[i] = sum;
  }
}

void BM_ParallelLoop(benchmark::State &state) {
  codegen::setParallelThreads(static_cast<int>(state.range(0)));
  Closure closure{state.range(1) / kIterations, {}};
  for (auto _ : state) {
    codegen::parallelFor(body, &closure, kIterations);
    benchmark::DoNotOptimize(closure.sink);
  }
  state.counters["work"] = static_cast<double>(state.range(1));
  codegen::setParallelThreads(1);
}
BENCHMARK(BM_ParallelLoop)
    ->ArgsProduct({{1, 2}, {1 << 10, 1 << 12, 1 << 14, 1 << 16, 1 << 18, 1 << 20}})
    ->ArgNames({"threads", "work"})
    ->Unit(benchmark::kMicrosecond);

} // namespace
} // namespace tessera

BENCHMARK_MAIN();
