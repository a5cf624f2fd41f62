//===- durations_test.cpp - Closed-form durations and DMA shapes -----------------===//
#include "isa/timing/durations.h"

#include <gtest/gtest.h>

#include "isa/timing/transfer_shape.h"

namespace tessera::timing {
namespace {

using isa::Field;
using isa::Opcode;

isa::HardwareConfig defaultConfig() {
  auto config = isa::loadConfigFile(std::string(TESSERA_SOURCE_DIR) + "/configs/default.json");
  EXPECT_TRUE(config.ok()) << config.status();
  return *config;
}

isa::Instruction loop(Opcode opcode, int64_t iterOut, int64_t iterIn, int64_t uops) {
  isa::Instruction inst = isa::makeInstruction(opcode);
  inst[Field::iter_out] = iterOut;
  inst[Field::iter_in] = iterIn;
  inst[Field::uop_end] = uops;
  return inst;
}

TEST(Durations, GemmIsOneIterationPerCyclePlusFill) {
  isa::HardwareConfig config = defaultConfig();
  EXPECT_EQ(fixedDuration(loop(Opcode::gemm, 4, 8, 1), config), 36u);
  EXPECT_EQ(fixedDuration(loop(Opcode::gemm, 0, 8, 1), config), 1u);
  EXPECT_EQ(usefulMacs(loop(Opcode::gemm, 4, 8, 1), config), 32u * 256u);
}

TEST(Durations, AluRegisterOperandTakesTwoCyclesPerRowWithOneReadPort) {
  isa::HardwareConfig config = defaultConfig();
  config.alu_read_ports = 1;
  isa::Instruction alu = loop(Opcode::alu, 2, 3, 2);
  EXPECT_EQ(fixedDuration(alu, config), 2u * 12u + 2u);
  alu[Field::use_imm] = 1;
  EXPECT_EQ(fixedDuration(alu, config), 12u + 2u);
  EXPECT_EQ(fixedDuration(isa::makeInstruction(Opcode::finish), config), 1u);
}

TEST(Durations, AluRegisterOperandTakesOneCyclePerRowWithTwoReadPorts) {
  isa::HardwareConfig config = defaultConfig();
  ASSERT_EQ(config.alu_read_ports, 2);
  isa::Instruction alu = loop(Opcode::alu, 2, 3, 2);
  EXPECT_EQ(fixedDuration(alu, config), 12u + 2u);
  alu[Field::use_imm] = 1;
  EXPECT_EQ(fixedDuration(alu, config), 12u + 2u);
}

TEST(TransferShape, RowsAreCutIntoBursts) {
  isa::HardwareConfig config = defaultConfig();
  isa::Instruction load = isa::makeInstruction(Opcode::load);
  load[Field::buffer] = int64_t(isa::Buffer::inp);
  load[Field::y_size] = 3;
  load[Field::x_size] = 20; // 320 bytes per row: 256 + 64
  load[Field::x_stride] = 20;
  load[Field::x_pad_0] = 1;
  load[Field::y_pad_1] = 2;
  TransferShape shape = dmaShape(load, config);
  EXPECT_EQ(shape.bursts, 6u);
  EXPECT_EQ(shape.beats, 3u * (16u + 4u));
  EXPECT_EQ(shape.bytes, 960u);
  EXPECT_EQ(padEntries(load), 5u * 21u - 60u);
  load[Field::x_size] = 0;
  EXPECT_EQ(dmaShape(load, config).bursts, 0u);
  EXPECT_EQ(padEntries(load), 0u);
}

TEST(TransferShape, FetchBlocks) {
  isa::HardwareConfig config = defaultConfig();
  EXPECT_EQ(fetchBlockInstructions(config), 16u);
  TransferShape shape = fetchShape(8, config);
  EXPECT_EQ(shape.bursts, 1u);
  EXPECT_EQ(shape.beats, 8u);
}

// tests/configs/wide.json has 256-bit instructions and 64-bit micro-ops: a 256-byte burst
// holds 8 instructions, 8 of them are 256 bytes, and a micro-op LOAD moves 8 bytes each.
TEST(TransferShape, WideWordsCostTheirRealBytes) {
  auto config = isa::loadConfigFile(std::string(TESSERA_SOURCE_DIR) + "/tests/configs/wide.json");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(fetchBlockInstructions(*config), 8u);
  TransferShape shape = fetchShape(8, *config);
  EXPECT_EQ(shape.bytes, 256u);
  EXPECT_EQ(shape.beats, 16u);
  isa::Instruction uops = isa::makeInstruction(isa::Opcode::load);
  uops[Field::buffer] = int64_t(isa::Buffer::uop);
  uops[Field::y_size] = 1;
  uops[Field::x_size] = 10;
  uops[Field::x_stride] = 10;
  EXPECT_EQ(dmaShape(uops, *config).bytes, 80u);
}

} // namespace
} // namespace tessera::timing
