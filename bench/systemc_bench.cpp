//===- systemc_bench.cpp - Simulated cycles per wall-clock second of the SystemC model -===//
//
// Runs examples/matmul_256.s and a generated GEMM-heavy program (gemm_program.h; 64
// tiles by default) on the `systemc` backend, single thread,
// and prints for each the simulated cycles, the best wall time of the SystemC kernel run
// (sc_start in the child) and of the whole backend call (fork, simulation, report), and
// both rates. Also checks the DRAM against the functional backend once. Run:
//   build/bin/systemc_bench [tiles] [repeats]
//
//===----------------------------------------------------------------------===//
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>

#include "bench/gemm_program.h"
#include "isa/assembler.h"
#include "runtime/support/file_io.h"
#include "simulator/golden/functional_executor.h"
#include "simulator/systemc/systemc_backend.h"

namespace tessera {
namespace {

struct Measured {
  uint64_t cycles = 0;
  double simulateSeconds = 1e30, backendSeconds = 1e30;
};

StatusOr<std::vector<uint8_t>> initialDram(const isa::Program &program, const isa::HardwareConfig &config) {
  TS_ASSIGN_OR_RETURN(std::vector<uint8_t> dram, sim::buildDramImage(program, config));
  std::mt19937 random(1);
  for (const isa::TensorInfo &tensor : program.tensors)
    if (tensor.kind == isa::TensorKind::input)
      for (uint64_t b = 0; b < tensor.byteSize(); ++b) dram[tensor.dramOffset + b] = uint8_t(random());
  return dram;
}

StatusOr<Measured> measure(const std::string &text, const isa::HardwareConfig &config, int repeats) {
  TS_ASSIGN_OR_RETURN(isa::Program program, isa::assemble(text, config));
  TS_ASSIGN_OR_RETURN(std::vector<uint8_t> initial, initialDram(program, config));
  std::vector<uint8_t> reference = initial;
  TS_RETURN_IF_ERROR(sim::runFunctional(program, config, reference).status());
  Measured best;
  for (int r = 0; r < repeats; ++r) {
    std::vector<uint8_t> dram = initial;
    auto begin = std::chrono::steady_clock::now();
    TS_ASSIGN_OR_RETURN(systemc::SystemcRun run, systemc::runSystemc(program, config, dram, {}));
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    if (dram != reference) return absl::InternalError("systemc DRAM differs from functional");
    best.cycles = run.outcome.totalCycles;
    best.simulateSeconds = std::min(best.simulateSeconds, run.outcome.simulateSeconds);
    best.backendSeconds = std::min(best.backendSeconds, seconds);
  }
  return best;
}

void print(const char *name, const Measured &m) {
  std::printf("%-28s %12llu cycles  sc_start %8.4f s = %6.1f M cycles/s   backend %8.4f s = %6.1f M cycles/s\n", name,
              (unsigned long long)m.cycles, m.simulateSeconds, double(m.cycles) / m.simulateSeconds / 1e6,
              m.backendSeconds, double(m.cycles) / m.backendSeconds / 1e6);
}

int run(int tiles, int repeats) {
  auto config = isa::loadConfigFile(std::string(TESSERA_SOURCE_DIR) + "/configs/default.json");
  auto matmul = readTextFile(std::string(TESSERA_SOURCE_DIR) + "/examples/matmul_256.s");
  if (!config.ok() || !matmul.ok()) {
    std::fprintf(stderr, "systemc_bench: %s\n", std::string((config.ok() ? matmul.status() : config.status()).message()).c_str());
    return 1;
  }
  auto small = measure(*matmul, *config, repeats);
  auto large = measure(bench::gemmHeavyProgram(tiles), *config, repeats);
  for (const auto *result : {&small, &large}) {
    if (result->ok()) continue;
    std::fprintf(stderr, "systemc_bench: %s\n", std::string(result->status().message()).c_str());
    return 1;
  }
  print("examples/matmul_256.s", *small);
  print(absl::StrFormat("gemm_heavy (%d tiles)", tiles).c_str(), *large);
  return 0;
}

} // namespace
} // namespace tessera

int main(int argc, char **argv) {
  int tiles = argc > 1 ? std::atoi(argv[1]) : 64;
  int repeats = argc > 2 ? std::atoi(argv[2]) : 5;
  return tessera::run(tiles < 2 ? 2 : tiles, repeats < 1 ? 1 : repeats);
}
