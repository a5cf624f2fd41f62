//===- rtl_bench.cpp - Simulated cycles per second of the Verilated RTL ---------------===//
//
// Runs examples/matmul_256.s and the generated GEMM-heavy program (gemm_program.h; 64
// tiles by default) on the Verilated RTL (rtl/harness/rtl_sim.h: model construction,
// reset, the cycle loop with the DRAM model, one thread) and, in the same process, on
// the SystemC model (sc_start wall time, as systemc_bench reports it). Each RTL run's
// DRAM is checked against the functional backend and its cycle count against SystemC.
// Prints the best of `repeats` runs. Run:
//   build/bin/rtl_bench [tiles] [repeats]
//
//===----------------------------------------------------------------------===//
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>

#include <time.h>

#include "bench/gemm_program.h"
#include "isa/assembler.h"
#include "rtl/harness/rtl_sim.h"
#include "support/file_io.h"
#include "simulator/golden/functional_executor.h"
#ifdef TESSERA_BENCH_SYSTEMC
#include "simulator/systemc/child_runner.h"
#endif

namespace tessera {
namespace {

struct Measured {
  uint64_t cycles = 0;
  double seconds = 1e30;    ///< wall clock
  double cpuSeconds = 1e30; ///< this thread's CPU time (the machine may be shared)
};

double threadCpuSeconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return double(now.tv_sec) + double(now.tv_nsec) * 1e-9;
}

StatusOr<std::vector<uint8_t>> initialDram(const isa::Program &program, const isa::HardwareConfig &config) {
  TS_ASSIGN_OR_RETURN(std::vector<uint8_t> dram, sim::buildDramImage(program, config));
  std::mt19937 random(1);
  for (const isa::TensorInfo &tensor : program.tensors)
    if (tensor.kind == isa::TensorKind::input)
      for (uint64_t b = 0; b < tensor.byteSize(); ++b) dram[tensor.dramOffset + b] = uint8_t(random());
  return dram;
}

StatusOr<Measured> measureRtl(const isa::Program &program, const isa::HardwareConfig &config,
                              const std::vector<uint8_t> &initial, const std::vector<uint8_t> &reference,
                              int repeats) {
  Measured best;
  for (int r = 0; r < repeats; ++r) {
    std::vector<uint8_t> dram = initial;
    auto begin = std::chrono::steady_clock::now();
    double cpuBegin = threadCpuSeconds();
    TS_ASSIGN_OR_RETURN(rtl::RtlRun run, rtl::runRtl(program, config, dram, {}));
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    best.cpuSeconds = std::min(best.cpuSeconds, threadCpuSeconds() - cpuBegin);
    if (dram != reference) return absl::InternalError("rtl DRAM differs from functional");
    best.cycles = run.totalCycles;
    best.seconds = std::min(best.seconds, seconds);
  }
  return best;
}

#ifdef TESSERA_BENCH_SYSTEMC
StatusOr<Measured> measureSystemc(const isa::Program &program, const isa::HardwareConfig &config,
                                  const std::vector<uint8_t> &initial, int repeats) {
  Measured best;
  for (int r = 0; r < repeats; ++r) {
    std::vector<uint8_t> dram = initial;
    TS_ASSIGN_OR_RETURN(systemc::SimulationOutcome outcome, systemc::simulateInChild(program, config, dram, {}));
    if (!outcome.ok) return absl::InternalError(outcome.errorMessage);
    best.cycles = outcome.totalCycles;
    best.seconds = std::min(best.seconds, outcome.simulateSeconds);
  }
  return best;
}
#endif

Status benchOne(const std::string &name, const std::string &text, const isa::HardwareConfig &config, int repeats) {
  TS_ASSIGN_OR_RETURN(isa::Program program, isa::assemble(text, config));
  TS_ASSIGN_OR_RETURN(std::vector<uint8_t> initial, initialDram(program, config));
  std::vector<uint8_t> reference = initial;
  TS_RETURN_IF_ERROR(sim::runFunctional(program, config, reference).status());
  TS_ASSIGN_OR_RETURN(Measured rtl, measureRtl(program, config, initial, reference, repeats));
  std::printf("%-28s rtl     %10llu cycles %8.4f s = %6.2f M cycles/s (wall); CPU %8.4f s = %6.2f M cycles/s\n",
              name.c_str(), (unsigned long long)rtl.cycles, rtl.seconds, double(rtl.cycles) / rtl.seconds / 1e6,
              rtl.cpuSeconds, double(rtl.cycles) / rtl.cpuSeconds / 1e6);
#ifdef TESSERA_BENCH_SYSTEMC
  TS_ASSIGN_OR_RETURN(Measured sc, measureSystemc(program, config, initial, repeats));
  std::printf("%-28s systemc %10llu cycles %8.4f s = %6.2f M cycles/s (sc_start wall)\n", name.c_str(),
              (unsigned long long)sc.cycles, sc.seconds, double(sc.cycles) / sc.seconds / 1e6);
  if (sc.cycles != rtl.cycles) return absl::InternalError("rtl and systemc cycle counts differ");
#endif
  return absl::OkStatus();
}

int run(int tiles, int repeats) {
  auto config = isa::loadConfigFile(std::string(TESSERA_SOURCE_DIR) + "/configs/default.json");
  auto matmul = readTextFile(std::string(TESSERA_SOURCE_DIR) + "/examples/matmul_256.s");
  if (!config.ok() || !matmul.ok()) {
    Status error = config.ok() ? matmul.status() : config.status();
    std::fprintf(stderr, "rtl_bench: %s\n", std::string(error.message()).c_str());
    return 1;
  }
  const std::pair<std::string, std::string> programs[] = {
      {"examples/matmul_256.s", *matmul},
      {absl::StrFormat("gemm_heavy(%d tiles)", tiles), bench::gemmHeavyProgram(tiles)}};
  for (const auto &[name, text] : programs) {
    Status status = benchOne(name, text, *config, repeats);
    if (!status.ok()) {
      std::fprintf(stderr, "rtl_bench: %s: %s\n", name.c_str(), std::string(status.message()).c_str());
      return 1;
    }
  }
  return 0;
}

} // namespace
} // namespace tessera

int main(int argc, char **argv) {
  int tiles = argc > 1 ? std::atoi(argv[1]) : 64;
  int repeats = argc > 2 ? std::atoi(argv[2]) : 3;
  return tessera::run(std::max(2, tiles), std::max(1, repeats));
}
