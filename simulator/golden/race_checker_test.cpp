//===- race_checker_test.cpp - Missing tokens are found, whatever the interleaving ----===//
#include "simulator/golden/test_programs.h"

namespace tessera::sim {
namespace {

using testing::assembleAndRun;
using testing::loadConfig;
using testing::ProgramRun;

constexpr const char *kHeader = R"(
.tensor A input i8 8x4 @0x0
.tensor W input i8 4x4 @0x40
.tensor C output i8 8x4 @0x80
.uop dst=0 src=0 wgt=0
load buffer=uop sram_base=0 dram_base=uops y_size=1 x_size=1 x_stride=1
)";

std::string program(const std::string &body) { return std::string(kHeader) + body; }

/// The run failed with a race naming both instructions and the location. Which of the
/// two comes first in the message depends on the interleaving; the race does not.
void expectRace(const ProgramRun &run, std::initializer_list<const char *> fragments) {
  ASSERT_FALSE(run.result.ok());
  std::string message(run.result.status().message());
  EXPECT_NE(message.find("race ("), std::string::npos) << message;
  for (const char *fragment : fragments) EXPECT_NE(message.find(fragment), std::string::npos) << fragment << "\n" << message;
}

TEST(RaceChecker, CorrectlySynchronizedProgramPasses) {
  ProgramRun run = assembleAndRun(program(R"(
load buffer=wgt sram_base=0 dram_base=W y_size=1 x_size=1 x_stride=1
load buffer=inp sram_base=0 dram_base=A y_size=1 x_size=1 x_stride=1 push_next
gemm reset uop_bgn=0 uop_end=1 iter_out=1 iter_in=1
gemm uop_bgn=0 uop_end=1 iter_out=1 iter_in=1 pop_prev push_prev
load buffer=inp sram_base=0 dram_base=A+1 y_size=1 x_size=1 x_stride=1 pop_next push_next
gemm uop_bgn=0 uop_end=1 iter_out=1 iter_in=1 pop_prev push_next
store sram_base=0 dram_base=C y_size=1 x_size=1 x_stride=1 pop_prev push_prev
finish pop_next
)"), loadConfig("small"));
  EXPECT_TRUE(run.result.ok()) << run.result.status();
}

TEST(RaceChecker, LoadOverwritingRowsTheGemmReadsIsAWriteAfterRead) {
  // The second load reuses inp row 0 without waiting for the first GEMM (no pop_next):
  // the token counts still balance, so only the race checker can see it.
  ProgramRun run = assembleAndRun(program(R"(
load buffer=wgt sram_base=0 dram_base=W y_size=1 x_size=1 x_stride=1
load buffer=inp sram_base=0 dram_base=A y_size=1 x_size=1 x_stride=1 push_next
gemm reset uop_bgn=0 uop_end=1 iter_out=1 iter_in=1
gemm uop_bgn=0 uop_end=1 iter_out=1 iter_in=1 pop_prev
load buffer=inp sram_base=0 dram_base=A+1 y_size=1 x_size=1 x_stride=1 push_next
gemm uop_bgn=0 uop_end=1 iter_out=1 iter_in=1 pop_prev push_next
store sram_base=0 dram_base=C y_size=1 x_size=1 x_stride=1 pop_prev push_prev
finish pop_next
)"), loadConfig("small"));
  expectRace(run, {"inp row 0", "instruction 4 (gemm, compute unit)", "instruction 5 (load, load unit)"});
}

TEST(RaceChecker, StoreWithoutTokenReadsOutBeforeComputeWritesIt) {
  // store pops nothing from compute: it may read out row 0 before the GEMM wrote it.
  ProgramRun run = assembleAndRun(program(R"(
load buffer=wgt sram_base=0 dram_base=W y_size=1 x_size=1 x_stride=1
load buffer=inp sram_base=0 dram_base=A y_size=1 x_size=1 x_stride=1 push_next
gemm reset uop_bgn=0 uop_end=1 iter_out=1 iter_in=1 pop_prev
store sram_base=0 dram_base=C y_size=1 x_size=1 x_stride=1 push_prev
finish pop_next
)"), loadConfig("small"));
  expectRace(run, {"out row 0", "instruction 3 (gemm, compute unit)", "instruction 4 (store, store unit)"});
}

TEST(RaceChecker, DramReadAfterStoreNeedsATokenChain) {
  // compute reloads C (written by store) into acc without waiting for the store.
  ProgramRun run = assembleAndRun(program(R"(
load buffer=wgt sram_base=0 dram_base=W y_size=1 x_size=1 x_stride=1
load buffer=inp sram_base=0 dram_base=A y_size=1 x_size=1 x_stride=1 push_next
gemm reset uop_bgn=0 uop_end=1 iter_out=1 iter_in=1 pop_prev push_next
store sram_base=0 dram_base=C y_size=1 x_size=1 x_stride=1 pop_prev push_prev
load buffer=acc sram_base=4 dram_base=C y_size=1 x_size=1 x_stride=1
finish pop_next
)"), loadConfig("small"));
  expectRace(run, {"DRAM bytes 0x80-0xbf", "instruction 4 (store, store unit)", "instruction 5 (load, compute unit)"});
}

TEST(RaceChecker, CanBeTurnedOff) {
  isa::HardwareConfig config = loadConfig("small");
  auto assembled = isa::assemble(program(R"(
load buffer=wgt sram_base=0 dram_base=W y_size=1 x_size=1 x_stride=1
load buffer=inp sram_base=0 dram_base=A y_size=1 x_size=1 x_stride=1 push_next
gemm reset uop_bgn=0 uop_end=1 iter_out=1 iter_in=1 pop_prev
store sram_base=0 dram_base=C y_size=1 x_size=1 x_stride=1 push_prev
finish pop_next
)"), config);
  ASSERT_TRUE(assembled.ok());
  auto dram = buildDramImage(*assembled, config);
  FunctionalOptions options;
  options.checkRaces = false;
  EXPECT_TRUE(runFunctional(*assembled, config, *dram, options).ok());
}

} // namespace
} // namespace tessera::sim
