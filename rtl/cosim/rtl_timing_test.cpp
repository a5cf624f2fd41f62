//===- rtl_timing_test.cpp - The worked examples of the timing contract on the RTL ----===//
//
// docs/microarchitecture.md, section 9, checked on the Verilated RTL alone: total_cycles,
// the start and end of each instruction the document tabulates, and the cycle classes it
// names. (rtl_cosim_test compares the RTL with the SystemC model on every program.)
//
//===----------------------------------------------------------------------===//
#include <gtest/gtest.h>

#include "isa/assembler.h"
#include "rtl/harness/rtl_sim.h"
#include "runtime/backend.h"
#include "simulator/golden/functional_executor.h"

namespace tessera::rtl {
namespace {

struct ExampleRun {
  RtlRun trace;
  nlohmann::json units;
};

ExampleRun runOk(const std::string &text) {
  auto config = isa::loadConfigFile(std::string(TESSERA_SOURCE_DIR) + "/configs/default.json");
  EXPECT_TRUE(config.ok()) << config.status();
  auto program = isa::assemble(text, *config, "example.s");
  EXPECT_TRUE(program.ok()) << program.status();
  auto dram = sim::buildDramImage(*program, *config);
  EXPECT_TRUE(dram.ok()) << dram.status();
  ExampleRun run;
  auto trace = runRtl(*program, *config, *dram, {});
  EXPECT_TRUE(trace.ok()) << trace.status();
  if (trace.ok()) run.trace = *trace;
  auto backend = runtime::createBackend("rtl", *config);
  EXPECT_TRUE(backend.ok()) << backend.status();
  auto again = sim::buildDramImage(*program, *config);
  auto result = (*backend)->run(*program, *again, {});
  EXPECT_TRUE(result.ok()) << result.status();
  if (result.ok()) run.units = result->details["units"];
  return run;
}

struct Expected {
  size_t index;
  uint64_t start, end;
};

void expectTimes(const ExampleRun &run, std::initializer_list<Expected> expected) {
  for (const Expected &e : expected) {
    ASSERT_LT(e.index, run.trace.instructions.size());
    EXPECT_EQ(run.trace.instructions[e.index].start, e.start) << "instruction " << e.index;
    EXPECT_EQ(run.trace.instructions[e.index].end, e.end) << "instruction " << e.index;
  }
}

TEST(RtlWorkedExample, SingleLoad) {
  ExampleRun run = runOk(".tensor A input i8 16x16 @0x0\n"
                  "load buffer=inp sram_base=0 dram_base=A y_size=1 x_size=16 x_stride=16\nfinish\n");
  EXPECT_EQ(run.trace.totalCycles, 100u);
  expectTimes(run, {{0, 43, 99}, {1, 99, 100}});
  EXPECT_EQ(run.trace.instructions[0].dispatch, 42u);
}

TEST(RtlWorkedExample, SingleGemm) {
  ExampleRun run = runOk("gemm uop_bgn=0 uop_end=1 iter_out=4 iter_in=8\nfinish\n");
  EXPECT_EQ(run.trace.totalCycles, 80u);
  expectTimes(run, {{0, 43, 79}, {1, 79, 80}});
  EXPECT_EQ(run.units["compute"]["busy_cycles"], 37u);
}

// Section 9.6 with the default config's two accumulator read ports: a register-operand
// ALU row per cycle. (The small config's RTL has one port; rtl_cosim_test covers it.)
TEST(RtlWorkedExample, AluRegisterOperandWithTwoReadPorts) {
  ExampleRun run = runOk("alu alu_op=add uop_bgn=0 uop_end=1 iter_out=4 iter_in=8\nfinish\n");
  EXPECT_EQ(run.trace.totalCycles, 78u);
  expectTimes(run, {{0, 43, 77}, {1, 77, 78}});
  EXPECT_EQ(run.units["compute"]["busy_cycles"], 35u);
}

TEST(RtlWorkedExample, LoadOfTileOneOverlapsGemmOfTileZero) {
  ExampleRun run = runOk(R"(
.tensor A input i8 32x16 @0x0
.tensor W input i8 16x16 @0x200
.tensor C output i8 32x16 @0x300
.uop dst=0 src=0 wgt=0
.uop dst=16 src=16 wgt=0
load buffer=uop sram_base=0 dram_base=uops y_size=1 x_size=2 x_stride=2
load buffer=wgt sram_base=0 dram_base=W y_size=1 x_size=1 x_stride=1
load buffer=inp sram_base=0 dram_base=A y_size=1 x_size=16 x_stride=16 push_next
load buffer=inp sram_base=16 dram_base=A+16 y_size=1 x_size=16 x_stride=16 push_next
gemm pop_prev uop_bgn=0 uop_end=1 iter_out=16 iter_in=4 dst_factor_out=1 src_factor_out=1
gemm pop_prev push_next uop_bgn=1 uop_end=2 iter_out=16 iter_in=4 dst_factor_out=1 src_factor_out=1
store pop_prev push_prev sram_base=0 dram_base=C y_size=1 x_size=32 x_stride=32
finish pop_next
)");
  EXPECT_EQ(run.trace.totalCycles, 371u);
  expectTimes(run, {{0, 49, 90}, {1, 50, 106}, {2, 106, 162}, {3, 162, 218}, {4, 162, 230}, {5, 230, 298},
                    {6, 298, 370}, {7, 370, 371}});
}

TEST(RtlWorkedExample, DramPriorityComputeBeforeLoad) {
  ExampleRun run = runOk(R"(
.tensor A input i8 16x16 @0x0
.uop dst=0 src=0 wgt=0
gemm uop_bgn=0 uop_end=1 iter_out=1 iter_in=8 push_prev
load buffer=inp sram_base=0 dram_base=A y_size=1 x_size=16 x_stride=16 pop_next push_next
load buffer=uop sram_base=0 dram_base=uops y_size=1 x_size=1 x_stride=1
finish pop_prev
)");
  EXPECT_EQ(run.trace.totalCycles, 115u);
  expectTimes(run, {{0, 45, 57}, {1, 57, 114}, {2, 57, 98}, {3, 114, 115}});
  EXPECT_EQ(run.units["load"]["stall_dram_cycles"], 1u);
}

TEST(RtlWorkedExample, FetchReadsTheSecondBlockAfterTheFirst) {
  std::string text = ".tensor A input i8 64x16 @0x0\n";
  for (int i = 0; i < 16; ++i) text += "gemm uop_bgn=0 uop_end=1 iter_out=1 iter_in=1\n";
  text += "load buffer=inp sram_base=16 dram_base=A y_size=4 x_size=16 x_stride=16\nfinish\n";
  ExampleRun run = runOk(text);
  EXPECT_EQ(run.trace.instructions[15].dispatch, 71u);
  EXPECT_EQ(run.trace.instructions[16].dispatch, 98u);
  expectTimes(run, {{16, 99, 99 + 40 + 64}});
  EXPECT_EQ(run.units["fetch"]["stall_dram_cycles"], 56u + 26u);
}

TEST(RtlWorkedExample, PaddingCostsOneCyclePerEntry) {
  ExampleRun run = runOk(".tensor A input i8 2x16 @0x0\n"
                  "load buffer=inp sram_base=0 dram_base=A y_size=2 x_size=1 x_stride=1 y_pad_0=1 x_pad_1=2\n"
                  "finish\n");
  expectTimes(run, {{0, 43, 83 + 2 + 7}});
}

} // namespace
} // namespace tessera::rtl
