//===- device_test.cpp - The runtime device API ---------------------------------------===//
#include "runtime/device.h"

#include <gtest/gtest.h>

#include "isa/assembler.h"

namespace tessera::runtime {
namespace {

isa::HardwareConfig smallConfig() {
  auto config = isa::loadConfigFile(std::string(TESSERA_SOURCE_DIR) + "/configs/small.json");
  EXPECT_TRUE(config.ok());
  return *config;
}

// Copies X (two inp entries) to Y through the accumulator mirror: y = x + 1.
constexpr const char *kProgram = R"(
.tensor X input i32 2x4 @0x0
.tensor Y output i8 2x4 @0x40
.uop dst=0 src=0 wgt=0
load buffer=uop sram_base=0 dram_base=uops y_size=1 x_size=1 x_stride=1
load buffer=acc sram_base=0 dram_base=X y_size=1 x_size=2 x_stride=2
alu alu_op=add uop_bgn=0 uop_end=1 iter_out=2 iter_in=1 dst_factor_out=1 use_imm imm=1 push_next
store sram_base=0 dram_base=Y y_size=1 x_size=2 x_stride=2 pop_prev push_prev
finish pop_next
)";

TEST(Device, RunsAndReadsBack) {
  isa::HardwareConfig config = smallConfig();
  auto device = Device::open("functional", config);
  ASSERT_TRUE(device.ok()) << device.status();
  auto program = isa::assemble(kProgram, config);
  ASSERT_TRUE(program.ok()) << program.status();
  ASSERT_TRUE((*device)->load(*program).ok());
  Tensor x(DType::I32, {2, 4});
  for (int i = 0; i < 8; ++i) x.data<int32_t>()[i] = i * 10;
  ASSERT_TRUE((*device)->writeTensor("X", x).ok());
  auto result = (*device)->run({});
  ASSERT_TRUE(result.ok()) << result.status();
  auto y = (*device)->readTensor("Y");
  ASSERT_TRUE(y.ok());
  for (int i = 0; i < 8; ++i) EXPECT_EQ(y->data<int8_t>()[i], int8_t(i * 10 + 1));
  nlohmann::json report = (*device)->report(*result);
  EXPECT_EQ(report["backend"], "functional");
  EXPECT_EQ(report["config"]["name"], "small");
  EXPECT_EQ(report["config_hash"].get<std::string>().size(), 16u);
  EXPECT_EQ(report["counters"]["alu_uops"], 2);
  EXPECT_EQ(report["counters"]["instructions"]["load"], 2);
}

// A part runs its own instructions over the DRAM the device holds: here the loaded
// program with the ALU immediate changed from 1 to 2, on X as written before. The
// cycle-level backend fetches the part's words from DRAM, so it must see them there.
TEST(Device, RunPartRunsItsInstructionsOverTheLoadedDram) {
  isa::HardwareConfig config = smallConfig();
  auto program = isa::assemble(kProgram, config);
  ASSERT_TRUE(program.ok()) << program.status();
  isa::Program part = *program;
  for (isa::Instruction &inst : part.instructions)
    if (inst.opcode == isa::Opcode::alu) inst[isa::Field::imm] = 2;
  for (const char *backend : {"functional", "systemc"}) {
    auto device = Device::open(backend, config);
    ASSERT_TRUE(device.ok()) << device.status();
    ASSERT_TRUE((*device)->load(*program).ok());
    Tensor x(DType::I32, {2, 4});
    for (int i = 0; i < 8; ++i) x.data<int32_t>()[i] = i * 10;
    ASSERT_TRUE((*device)->writeTensor("X", x).ok());
    auto result = (*device)->runPart(part, {});
    ASSERT_TRUE(result.ok()) << backend << ": " << result.status();
    auto y = (*device)->readTensor("Y");
    ASSERT_TRUE(y.ok());
    for (int i = 0; i < 8; ++i) EXPECT_EQ(y->data<int8_t>()[i], int8_t(i * 10 + 2)) << backend;
  }
  auto device = Device::open("functional", config);
  ASSERT_TRUE(device.ok());
  EXPECT_FALSE((*device)->runPart(part, {}).ok()); // nothing loaded
  ASSERT_TRUE((*device)->load(*program).ok());
  isa::Program other = part;
  other.dramBytes += 4096;
  auto mismatch = (*device)->runPart(other, {});
  ASSERT_FALSE(mismatch.ok());
  EXPECT_NE(mismatch.status().message().find("does not share the loaded program's memory map"), std::string::npos)
      << mismatch.status();
}

TEST(Device, ErrorsAreSpecific) {
  isa::HardwareConfig config = smallConfig();
  auto bad = Device::open("quantum", config);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("unknown backend 'quantum' (available: functional"), std::string::npos);
  auto device = Device::open("functional", config);
  ASSERT_TRUE(device.ok());
  EXPECT_FALSE((*device)->run({}).ok());
  ASSERT_TRUE((*device)->load(*isa::assemble(kProgram, config)).ok());
  auto wrongType = (*device)->writeTensor("X", Tensor(DType::F32, {2, 4}));
  EXPECT_NE(wrongType.message().find("tensor 'X' expects i32 2x4 but was given f32 2x4"), std::string::npos) << wrongType;
  auto unknown = (*device)->readTensor("Z");
  EXPECT_NE(unknown.status().message().find("the program has no tensor 'Z' (it has: X, Y)"), std::string::npos);
}

} // namespace
} // namespace tessera::runtime
