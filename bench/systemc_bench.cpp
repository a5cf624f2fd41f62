//===- systemc_bench.cpp - Simulated cycles per wall-clock second of the SystemC model -===//
//
// Runs examples/matmul_256.s and a generated GEMM-heavy program (gemm_program.h; 64
// tiles by default) on the `systemc` backend, single thread,
// with the race checker on (the backend's default) and off, and prints for each the
// simulated cycles and the rate by the best CPU time of the SystemC kernel run (sc_start
// in the child: all SystemC processes share one OS thread), by its wall time, and by the
// wall time of the whole call (fork, simulation, DRAM copy-back). Each run's DRAM is
// checked against the functional backend. Run:
//   build/bin/systemc_bench [tiles] [repeats]
//
//===----------------------------------------------------------------------===//
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>

#include "bench/gemm_program.h"
#include "isa/assembler.h"
#include "support/file_io.h"
#include "simulator/golden/functional_executor.h"
#include "simulator/systemc/child_runner.h"

namespace tessera {
namespace {

struct Measured {
  uint64_t cycles = 0;
  double cpuSeconds = 1e30, wallSeconds = 1e30, backendSeconds = 1e30;
};

StatusOr<std::vector<uint8_t>> initialDram(const isa::Program &program, const isa::HardwareConfig &config) {
  TS_ASSIGN_OR_RETURN(std::vector<uint8_t> dram, sim::buildDramImage(program, config));
  std::mt19937 random(1);
  for (const isa::TensorInfo &tensor : program.tensors)
    if (tensor.kind == isa::TensorKind::input)
      for (uint64_t b = 0; b < tensor.byteSize(); ++b) dram[tensor.dramOffset + b] = uint8_t(random());
  return dram;
}

StatusOr<Measured> measure(const std::string &text, const isa::HardwareConfig &config, int repeats, bool checkRaces) {
  TS_ASSIGN_OR_RETURN(isa::Program program, isa::assemble(text, config));
  TS_ASSIGN_OR_RETURN(std::vector<uint8_t> initial, initialDram(program, config));
  std::vector<uint8_t> reference = initial;
  TS_RETURN_IF_ERROR(sim::runFunctional(program, config, reference).status());
  Measured best;
  for (int r = 0; r < repeats; ++r) {
    std::vector<uint8_t> dram = initial;
    auto begin = std::chrono::steady_clock::now();
    systemc::SimulateOptions options;
    options.checkRaces = checkRaces;
    TS_ASSIGN_OR_RETURN(systemc::SimulationOutcome outcome, systemc::simulateInChild(program, config, dram, options));
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    if (!outcome.ok) return absl::InternalError(outcome.errorMessage);
    if (dram != reference) return absl::InternalError("systemc DRAM differs from functional");
    best.cycles = outcome.totalCycles;
    best.cpuSeconds = std::min(best.cpuSeconds, outcome.simulateCpuSeconds);
    best.wallSeconds = std::min(best.wallSeconds, outcome.simulateSeconds);
    best.backendSeconds = std::min(best.backendSeconds, seconds);
  }
  return best;
}

void print(const std::string &name, const Measured &m) {
  auto rate = [&](double seconds) { return double(m.cycles) / seconds / 1e6; };
  std::printf("%-36s %10llu cycles | sc_start CPU %7.4f s = %6.1f M cycles/s | sc_start wall %7.4f s = %6.1f | "
              "fork+run wall %7.4f s = %6.1f\n",
              name.c_str(), (unsigned long long)m.cycles, m.cpuSeconds, rate(m.cpuSeconds), m.wallSeconds,
              rate(m.wallSeconds), m.backendSeconds, rate(m.backendSeconds));
}

int run(int tiles, int repeats) {
  auto config = isa::loadConfigFile(std::string(TESSERA_SOURCE_DIR) + "/configs/default.json");
  auto matmul = readTextFile(std::string(TESSERA_SOURCE_DIR) + "/examples/matmul_256.s");
  if (!config.ok() || !matmul.ok()) {
    std::fprintf(stderr, "systemc_bench: %s\n", std::string((config.ok() ? matmul.status() : config.status()).message()).c_str());
    return 1;
  }
  const std::pair<std::string, std::string> programs[] = {
      {"examples/matmul_256.s", *matmul}, {absl::StrFormat("gemm_heavy(%d tiles)", tiles), bench::gemmHeavyProgram(tiles)}};
  for (bool checkRaces : {true, false}) {
    for (const auto &[name, text] : programs) {
      auto measured = measure(text, *config, repeats, checkRaces);
      if (!measured.ok()) {
        std::fprintf(stderr, "systemc_bench: %s: %s\n", name.c_str(), std::string(measured.status().message()).c_str());
        return 1;
      }
      print(name + (checkRaces ? " races=on" : " races=off"), *measured);
    }
  }
  return 0;
}

} // namespace
} // namespace tessera

int main(int argc, char **argv) {
  int tiles = argc > 1 ? std::atoi(argv[1]) : 64;
  int repeats = argc > 2 ? std::atoi(argv[2]) : 5;
  return tessera::run(tiles < 2 ? 2 : tiles, repeats < 1 ? 1 : repeats);
}
