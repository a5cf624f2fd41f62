//===- golden_bench.cpp - Speed of the golden executor's GEMM -------------------------===//
//
// Reports the functional executor's multiply-accumulate rate: the GEMM tile kernel alone
// (one micro-op of the default 1x16x16 tile, and of the large 1x32x32 one) and the whole
// examples/matmul_256.s program (16.8 M MACs, with its DMA and requantize). Run:
//   build/bin/golden_bench
//
//===----------------------------------------------------------------------===//
#include <benchmark/benchmark.h>

#include <random>

#include "isa/assembler.h"
#include "support/file_io.h"
#include "simulator/golden/functional_executor.h"
#include "simulator/golden/gemm_kernel.h"

namespace tessera {
namespace {

void BM_GemmTile(benchmark::State &state) {
  const int block = int(state.range(0));
  std::vector<int8_t> inp(static_cast<size_t>(block)), wgt(static_cast<size_t>(block * block));
  std::vector<int32_t> acc(static_cast<size_t>(block));
  std::mt19937 rng(1);
  for (int8_t &v : inp) v = int8_t(rng());
  for (int8_t &v : wgt) v = int8_t(rng());
  for (auto _ : state) {
    sim::gemmTile(acc.data(), inp.data(), wgt.data(), 1, block, block);
    benchmark::DoNotOptimize(acc.data());
  }
  state.counters["MAC/s"] = benchmark::Counter(double(state.iterations()) * block * block, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_GemmTile)->Arg(16)->Arg(32);

void BM_Matmul256Functional(benchmark::State &state) {
  auto config = isa::loadConfigFile(std::string(TESSERA_SOURCE_DIR) + "/configs/default.json");
  auto text = readTextFile(std::string(TESSERA_SOURCE_DIR) + "/examples/matmul_256.s");
  auto program = isa::assemble(*text, *config);
  if (!program.ok()) return state.SkipWithError(std::string(program.status().message()).c_str());
  auto image = sim::buildDramImage(*program, *config);
  uint64_t macs = 0;
  for (auto _ : state) {
    std::vector<uint8_t> dram = *image;
    auto counters = sim::runFunctional(*program, *config, dram);
    if (!counters.ok()) return state.SkipWithError("run failed");
    macs += counters->gemmMacs;
  }
  state.counters["MAC/s"] = benchmark::Counter(double(macs), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Matmul256Functional)->Unit(benchmark::kMillisecond);

} // namespace
} // namespace tessera

BENCHMARK_MAIN();
