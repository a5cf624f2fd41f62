//===- cycle_reference_test.cpp - The literal reading gives the documented cycles -----===//
//
// The worked examples of docs/microarchitecture.md, section 9, through the cycle-stepping
// reference (the SystemC model's tests check the same numbers through the event-driven
// model).
//
//===----------------------------------------------------------------------===//
#include "simulator/timing/cycle_reference.h"

#include <gtest/gtest.h>

#include "isa/assembler.h"

namespace tessera::timing {
namespace {

isa::HardwareConfig defaultConfig() {
  auto config = isa::loadConfigFile(std::string(TESSERA_SOURCE_DIR) + "/configs/default.json");
  EXPECT_TRUE(config.ok()) << config.status();
  return config.ok() ? *config : isa::HardwareConfig{};
}

ReferenceRun reference(const std::string &text, const isa::HardwareConfig &config = defaultConfig()) {
  auto program = isa::assemble(text, config);
  EXPECT_TRUE(program.ok()) << program.status();
  if (!program.ok()) return {};
  auto run = runCycleReference(*program, config, 100000);
  EXPECT_TRUE(run.ok()) << run.status();
  return run.ok() ? *run : ReferenceRun{};
}

TEST(CycleReference, SingleLoad) {
  ReferenceRun run = reference(".tensor A input i8 16x16 @0x0\n"
                               "load buffer=inp sram_base=0 dram_base=A y_size=1 x_size=16 x_stride=16\nfinish\n");
  EXPECT_EQ(run.totalCycles, 100u);
  EXPECT_EQ(run.instructions[0].start, 43u);
  EXPECT_EQ(run.instructions[0].firstBeat, 83u);
  EXPECT_EQ(run.instructions[0].end, 99u);
}

TEST(CycleReference, SingleGemm) {
  ReferenceRun run = reference("gemm uop_bgn=0 uop_end=1 iter_out=4 iter_in=8\nfinish\n");
  EXPECT_EQ(run.totalCycles, 80u);
  EXPECT_EQ(run.instructions[0].end, 79u);
}

// Like SingleGemm: the ALU starts at 43; n = 32 rows with a register operand take one
// cycle each through two accumulator read ports, two through one.
TEST(CycleReference, AluRegisterOperandAndReadPorts) {
  const std::string text = "alu alu_op=add uop_bgn=0 uop_end=1 iter_out=4 iter_in=8\nfinish\n";
  isa::HardwareConfig config = defaultConfig();
  ASSERT_EQ(config.alu_read_ports, 2);
  ReferenceRun two = reference(text, config);
  EXPECT_EQ(two.instructions[0].start, 43u);
  EXPECT_EQ(two.instructions[0].end, 43u + 32u + 2u);
  EXPECT_EQ(two.totalCycles, 78u);
  config.alu_read_ports = 1;
  ReferenceRun one = reference(text, config);
  EXPECT_EQ(one.instructions[0].end, 43u + 2u * 32u + 2u);
  EXPECT_EQ(one.totalCycles, 110u);
}

TEST(CycleReference, LoadGemmStoreWithTokens) {
  ReferenceRun run = reference(R"(
.tensor A input i8 1x16 @0x0
.tensor W input i8 16x16 @0x100
.tensor C output i8 1x16 @0x200
.uop dst=0 src=0 wgt=0
load buffer=uop sram_base=0 dram_base=uops y_size=1 x_size=1 x_stride=1
load buffer=inp sram_base=0 dram_base=A y_size=1 x_size=1 x_stride=1
load buffer=wgt sram_base=0 dram_base=W y_size=1 x_size=1 x_stride=1 push_next
gemm reset uop_bgn=0 uop_end=1 iter_out=1 iter_in=1
gemm uop_bgn=0 uop_end=1 iter_out=1 iter_in=1 pop_prev
alu alu_op=requant uop_bgn=0 uop_end=1 iter_out=1 iter_in=1 use_imm imm=2 push_next
store sram_base=0 dram_base=C y_size=1 x_size=1 x_stride=1 pop_prev push_prev
finish pop_next
)");
  EXPECT_EQ(run.totalCycles, 197u);
  const uint64_t ends[] = {90, 91, 147, 95, 152, 155, 196, 197};
  for (size_t i = 0; i < 8; ++i) EXPECT_EQ(run.instructions[i].end, ends[i]) << i;
}

TEST(CycleReference, DramPriority) {
  ReferenceRun run = reference(R"(
.tensor A input i8 16x16 @0x0
.uop dst=0 src=0 wgt=0
gemm uop_bgn=0 uop_end=1 iter_out=1 iter_in=8 push_prev
load buffer=inp sram_base=0 dram_base=A y_size=1 x_size=16 x_stride=16 pop_next push_next
load buffer=uop sram_base=0 dram_base=uops y_size=1 x_size=1 x_stride=1
finish pop_prev
)");
  EXPECT_EQ(run.instructions[2].grant, 57u);
  EXPECT_EQ(run.instructions[1].grant, 58u);
  EXPECT_EQ(run.totalCycles, 115u);
}

TEST(CycleReference, DeadlockRunsOutOfCycles) {
  auto config = isa::loadConfigFile(std::string(TESSERA_SOURCE_DIR) + "/configs/small.json");
  auto program = isa::assemble("gemm pop_prev uop_end=0 iter_out=1 iter_in=1\nfinish\n", *config);
  ASSERT_TRUE(program.ok()) << program.status();
  EXPECT_FALSE(runCycleReference(*program, *config, 1000).ok());
}

} // namespace
} // namespace tessera::timing
