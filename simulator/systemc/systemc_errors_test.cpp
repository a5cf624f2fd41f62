//===- systemc_errors_test.cpp - Deadlock, out-of-bounds, --max-cycles, leftovers ----===//
#include "simulator/systemc/systemc_test_util.h"

namespace tessera::systemc {
namespace {

using testing::loadConfig;
using testing::prepare;

Status runStatus(const std::string &text, const runtime::RunOptions &options = {}, const char *config = "small") {
  isa::HardwareConfig hw = loadConfig(config);
  auto prepared = prepare(text, hw);
  EXPECT_TRUE(prepared.ok()) << prepared.status();
  if (!prepared.ok()) return prepared.status();
  return runSystemc(prepared->program, hw, prepared->dram, options).status();
}

void expectMessage(const Status &status, std::initializer_list<const char *> fragments) {
  ASSERT_FALSE(status.ok());
  std::string message(status.message());
  for (const char *fragment : fragments) EXPECT_NE(message.find(fragment), std::string::npos) << fragment << "\n" << message;
}

TEST(Errors, DeadlockNamesEachUnitsBlockedInstructionAndTheCycle) {
  // The small config's token queues hold 4: the fifth push blocks the load unit while
  // compute waits for a store token that never comes.
  std::string text;
  for (int i = 0; i < 5; ++i) text += "load buffer=inp y_size=0 x_size=0 x_stride=0 push_next\n";
  text += "gemm pop_next uop_end=0 iter_out=1 iter_in=1\nfinish\n";
  expectMessage(runStatus(text), {"deadlock at cycle", "load: instruction 4 (load) token queue l2c is full (depth 4)",
                                  "compute: instruction 5 (gemm) waiting for a token on s2c",
                                  "store: no instruction queued", "fetch: done"});
}

TEST(Errors, PopWithoutPushDeadlocks) {
  expectMessage(runStatus("load buffer=inp y_size=0 x_size=0 x_stride=0\ngemm pop_prev uop_end=0 iter_out=1 iter_in=1\nfinish"),
                {"deadlock", "compute: instruction 1 (gemm) waiting for a token on l2c"});
}

TEST(Errors, FinishWaitingForAStoreThatNeverRunsDeadlocks) {
  expectMessage(runStatus("store pop_prev y_size=0 x_size=0 x_stride=0\nfinish"),
                {"deadlock", "store: instruction 0 (store) waiting for a token on c2s",
                 "compute: instruction 1 (finish) waiting for the store unit to drain"});
}

TEST(Errors, TokensLeftOverAtFinish) {
  expectMessage(runStatus("load buffer=inp y_size=0 x_size=0 x_stride=0 push_next\nload buffer=inp y_size=0 x_size=0 "
                          "x_stride=0\nfinish"),
                {"tokens left over at finish (instruction 2): l2c=1"});
}

TEST(Errors, OutOfBoundsAccumulatorIndexComesFromTheMachine) {
  // The micro-op is loaded from an input tensor, so the verifier cannot see it: dst=511
  // (the low 9 bits of the word) with dst_factor_out=1 reaches acc row 512 of the small
  // config's 512.
  isa::HardwareConfig config = loadConfig("small");
  auto prepared = prepare(R"(
.tensor U input i32 1 @0x0
load buffer=uop sram_base=0 dram_base=U y_size=1 x_size=1 x_stride=1
gemm reset uop_bgn=0 uop_end=1 iter_out=2 iter_in=1 dst_factor_out=1
finish
)", config);
  ASSERT_TRUE(prepared.ok()) << prepared.status();
  const uint8_t uop[4] = {255, 1, 0, 0};
  std::copy(uop, uop + 4, prepared->dram.begin());
  std::vector<uint8_t> functionalDram = prepared->dram;
  Status functional = sim::runFunctional(prepared->program, config, functionalDram).status();
  Status systemc = runSystemc(prepared->program, config, prepared->dram, {}).status();
  expectMessage(systemc, {"instruction 1 (gemm): acc index reaches 512"});
  EXPECT_EQ(functional, systemc);
}

TEST(Errors, MaxCyclesStopsTheRun) {
  runtime::RunOptions options;
  options.maxCycles = 50;
  expectMessage(runStatus("gemm uop_bgn=0 uop_end=1 iter_out=100 iter_in=100\nfinish", options, "default"),
                {"--max-cycles limit of 50 cycles"});
  options.maxCycles = 100000;
  EXPECT_TRUE(runStatus("gemm uop_bgn=0 uop_end=1 iter_out=100 iter_in=100\nfinish", options, "default").ok());
  options.maxCycles = ~uint64_t(0); // beyond SystemC's time range: no limit
  EXPECT_TRUE(runStatus("gemm uop_bgn=0 uop_end=1 iter_out=100 iter_in=100\nfinish", options, "default").ok());
}

TEST(Errors, ManyRunsInOneProcess) {
  // SystemC elaborates once per process; each run forks, so runs are independent.
  for (int i = 0; i < 20; ++i)
    ASSERT_TRUE(runStatus(strCat("gemm uop_bgn=0 uop_end=1 iter_out=", i + 1, " iter_in=1\nfinish")).ok()) << i;
}

} // namespace
} // namespace tessera::systemc
