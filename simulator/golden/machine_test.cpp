//===- machine_test.cpp - Instruction semantics: DMA, GEMM loops, ALU -------------===//
//
// Each test is a small program in assembly for the small config (BATCH 1, BLOCK 4x4:
// inp entries 4 bytes, wgt 16, acc 16 (4 x int32), out 4), run by the functional
// executor; results are compared with plain loops written here.
//
//===----------------------------------------------------------------------===//
#include "simulator/golden/test_programs.h"

namespace tessera::sim {
namespace {

using testing::assembleAndRun;
using testing::loadConfig;
using testing::ProgramRun;

TEST(Dma, StridedLoadWithPaddingOnAllFourSides) {
  // X: 3 rows of 2 acc entries. Load entry 1 of each row (x_stride 2) into a 5x4 block
  // with one zero row above and below, two zero columns left and one right.
  const char *text = R"(
.tensor X input i32 3x8 @0x0
.tensor Y output i8 5x4x4 @0x100
load buffer=acc sram_base=0 dram_base=X+1 y_size=3 x_size=1 x_stride=2 y_pad_0=1 y_pad_1=1 x_pad_0=2 x_pad_1=1 push_next
store sram_base=0 dram_base=Y y_size=5 x_size=4 x_stride=4 pop_prev push_prev
finish pop_next
)";
  ProgramRun run = assembleAndRun(text, loadConfig("small"), [](ProgramRun &r) {
    for (int i = 0; i < 24; ++i) r.set<int32_t>("X", size_t(i), 1000 + i);
  });
  ASSERT_TRUE(run.result.ok()) << run.result.status();
  for (int r = 0; r < 5; ++r) {
    for (int c = 0; c < 4; ++c) {
      for (int lane = 0; lane < 4; ++lane) {
        bool data = r >= 1 && r <= 3 && c == 2;
        int32_t source = 1000 + (1 + (r - 1) * 2) * 4 + lane;
        int8_t expected = data ? int8_t(source & 0xff) : 0;
        EXPECT_EQ(run.at<int8_t>("Y", size_t((r * 4 + c) * 4 + lane)), expected) << r << "," << c << "," << lane;
      }
    }
  }
  EXPECT_EQ(run.result->bytesLoaded[size_t(isa::Buffer::acc)], 3u * 16u);
  EXPECT_EQ(run.result->bytesStored, 20u * 4u);
}

TEST(Dma, StoreHonoursDramStride) {
  const char *text = R"(
.tensor X input i8 2x4 @0x0
.tensor Y output i8 2x3x4 @0x40
load buffer=inp sram_base=0 dram_base=X y_size=2 x_size=1 x_stride=1 push_next
.uop dst=0 src=0 wgt=0
load buffer=uop sram_base=0 dram_base=uops y_size=1 x_size=1 x_stride=1
alu alu_op=mov uop_bgn=0 uop_end=1 iter_out=2 iter_in=1 dst_factor_out=1 use_imm imm=7
alu alu_op=mov uop_bgn=0 uop_end=1 iter_out=1 iter_in=1 use_imm imm=-2 pop_prev push_next
store sram_base=0 dram_base=Y+1 y_size=2 x_size=1 x_stride=3 pop_prev push_prev
finish pop_next
)";
  ProgramRun run = assembleAndRun(text, loadConfig("small"));
  ASSERT_TRUE(run.result.ok()) << run.result.status();
  for (int i = 0; i < 24; ++i) {
    int entry = i / 4;
    int8_t expected = entry == 1 ? -2 : entry == 4 ? 7 : 0;
    EXPECT_EQ(run.at<int8_t>("Y", size_t(i)), expected) << i;
  }
}

TEST(Gemm, BothLoopLevelsAndReset) {
  // acc[m*3+n] = sum_k inp[m*2+k] . wgt[n*2+k]^T for m < 2, n < 3, k < 2; acc starts
  // with garbage that the reset must clear.
  const char *text = R"(
.tensor A input i8 4x4 @0x0
.tensor W input i8 6x4x4 @0x40
.tensor G const i32 6x4 @0x100
.data G fill 99
.tensor C output i8 6x4 @0x200
.uop dst=0 src=0 wgt=0
.uop dst=0 src=1 wgt=1
load buffer=inp sram_base=0 dram_base=A y_size=1 x_size=4 x_stride=4
load buffer=wgt sram_base=0 dram_base=W y_size=1 x_size=6 x_stride=6 push_next
load buffer=uop sram_base=0 dram_base=uops y_size=1 x_size=2 x_stride=2
load buffer=acc sram_base=0 dram_base=G y_size=1 x_size=6 x_stride=6
gemm reset uop_bgn=0 uop_end=1 iter_out=2 iter_in=3 dst_factor_out=3 dst_factor_in=1
gemm pop_prev uop_bgn=0 uop_end=2 iter_out=2 iter_in=3 dst_factor_out=3 dst_factor_in=1 src_factor_out=2 wgt_factor_in=2 push_next
store sram_base=0 dram_base=C y_size=1 x_size=6 x_stride=6 pop_prev push_prev
finish pop_next
)";
  int8_t a[4][4], w[6][4][4];
  ProgramRun run = assembleAndRun(text, loadConfig("small"), [&](ProgramRun &r) {
    for (int e = 0; e < 4; ++e)
      for (int i = 0; i < 4; ++i) r.set<int8_t>("A", size_t(e * 4 + i), a[e][i] = int8_t((e * 7 + i * 3) % 7 - 3));
    for (int e = 0; e < 6; ++e)
      for (int o = 0; o < 4; ++o)
        for (int i = 0; i < 4; ++i) r.set<int8_t>("W", size_t((e * 4 + o) * 4 + i), w[e][o][i] = int8_t((e + o * 5 + i * 2) % 7 - 3));
  });
  ASSERT_TRUE(run.result.ok()) << run.result.status();
  for (int m = 0; m < 2; ++m)
    for (int n = 0; n < 3; ++n)
      for (int o = 0; o < 4; ++o) {
        int32_t sum = 0;
        for (int k = 0; k < 2; ++k)
          for (int i = 0; i < 4; ++i) sum += a[m * 2 + k][i] * w[n * 2 + k][o][i];
        EXPECT_EQ(run.at<int8_t>("C", size_t((m * 3 + n) * 4 + o)), int8_t(sum)) << m << n << o;
      }
  EXPECT_EQ(run.result->gemmUops, 6u + 12u);
  EXPECT_EQ(run.result->gemmMacs, 12u * 16u);
}

TEST(Alu, RegisterAndImmediateOperandsOverLoops) {
  // acc rows 0-3 = 10*row + lane; rows 4-5 hold requant operands. Then: add 5 to rows
  // 0-3 (immediate), max rows 0-1 with rows 2-3 (register), requantize rows 0-3 by row 4.
  const char *text = R"(
.tensor I const i32 6x4 @0x0
.data I 0 1 2 3 10 11 12 13 20 21 22 23 30 31 32 33
.data I 805306390 805306390 805306390 805306390 0 0 0 0
.tensor C output i8 4x4 @0x100
.uop dst=0 src=0 wgt=0
.uop dst=0 src=2 wgt=0
.uop dst=0 src=4 wgt=0
load buffer=uop sram_base=0 dram_base=uops y_size=1 x_size=3 x_stride=3
load buffer=acc sram_base=0 dram_base=I y_size=1 x_size=6 x_stride=6
alu alu_op=add uop_bgn=0 uop_end=1 iter_out=2 iter_in=2 dst_factor_out=2 dst_factor_in=1 use_imm imm=5
alu alu_op=max uop_bgn=1 uop_end=2 iter_out=2 iter_in=1 dst_factor_out=1 src_factor_out=1
alu alu_op=requant uop_bgn=2 uop_end=3 iter_out=4 iter_in=1 dst_factor_out=1 push_next
store sram_base=0 dram_base=C y_size=1 x_size=4 x_stride=4 pop_prev push_prev
finish pop_next
)";
  ProgramRun run = assembleAndRun(text, loadConfig("small"));
  ASSERT_TRUE(run.result.ok()) << run.result.status();
  // 805306390 = (3 << 20) << 8 | 22: multiply by 0.75 (m / 2^22) with rounding.
  for (int row = 0; row < 4; ++row)
    for (int lane = 0; lane < 4; ++lane) {
      int32_t value = 10 * row + lane + 5;
      if (row < 2) value = std::max(value, 10 * (row + 2) + lane + 5);
      int32_t expected = int32_t(std::floor(value * 0.75 + 0.5));
      EXPECT_EQ(run.at<int8_t>("C", size_t(row * 4 + lane)), expected) << row << "," << lane;
    }
  EXPECT_EQ(run.result->aluUops, 4u + 2u + 4u);
}

TEST(Dma, Acc8LoadSignExtendsInt8IntoAccumulators) {
  // Residual add the accelerator way: both int8 operands loaded into acc rows with acc8
  // (one zero row of padding above the second), added in int32 and halved with requant.
  const char *text = R"(
.tensor X input i8 2x4 @0x0
.tensor Z input i8 1x4 @0x10
.tensor Y output i8 3x4 @0x20
.uop dst=0 src=2 wgt=0
load buffer=uop sram_base=0 dram_base=uops y_size=1 x_size=1 x_stride=1
load buffer=acc8 sram_base=0 dram_base=X y_size=1 x_size=2 x_stride=2
load buffer=acc8 sram_base=2 dram_base=Z y_size=1 x_size=1 x_stride=1 y_pad_0=1
alu alu_op=add uop_bgn=0 uop_end=1 iter_out=2 iter_in=1 dst_factor_out=1 src_factor_out=1
alu alu_op=requant uop_bgn=0 uop_end=1 iter_out=2 iter_in=1 dst_factor_out=1 use_imm imm=1 push_next
store sram_base=0 dram_base=Y y_size=1 x_size=3 x_stride=3 pop_prev push_prev
finish pop_next
)";
  int8_t x[8] = {-128, -100, -1, 0, 1, 50, 127, -7}, z[4] = {-128, 100, -3, 127};
  ProgramRun run = assembleAndRun(text, loadConfig("small"), [&](ProgramRun &r) {
    for (int i = 0; i < 8; ++i) r.set<int8_t>("X", size_t(i), x[i]);
    for (int i = 0; i < 4; ++i) r.set<int8_t>("Z", size_t(i), z[i]);
  });
  ASSERT_TRUE(run.result.ok()) << run.result.status();
  for (int lane = 0; lane < 4; ++lane) {
    // Row 0 + row 2 (the padding row: zero); row 1 + row 3 (Z).
    EXPECT_EQ(run.at<int8_t>("Y", size_t(lane)), int8_t(std::floor(x[lane] / 2.0 + 0.5))) << lane;
    EXPECT_EQ(run.at<int8_t>("Y", size_t(4 + lane)), int8_t(std::clamp(std::floor((x[4 + lane] + z[lane]) / 2.0 + 0.5), -128.0, 127.0)))
        << lane;
    EXPECT_EQ(run.at<int8_t>("Y", size_t(8 + lane)), 0) << lane;
  }
  EXPECT_EQ(run.result->bytesLoaded[size_t(isa::Buffer::acc8)], 12u);
}

TEST(Alu, LookupTableLoadedByDmaThenRead) {
  // The table T (256 int8) is loaded like any int8 operand (acc8 into acc rows 64-127),
  // moved into the ALU's table by lutset (row 64 + d into segment d), then read by lut on
  // rows 0-3 of X (int8 edges -128 and 127 among them). Row 0 is multiplied by 300 first,
  // so three of its inputs leave int8 and the index saturates. Y0, stored between lutset
  // and lut, shows that lutset wrote no acc row.
  const char *text = R"(
.tensor T input i8 256 @0x0
.tensor X input i8 4x4 @0x100
.tensor Y0 output i8 4x4 @0x200
.tensor Y output i8 4x4 @0x300
.uop dst=0 src=64 wgt=0
.uop dst=0 src=0 wgt=0
load buffer=uop sram_base=0 dram_base=uops y_size=1 x_size=2 x_stride=2
load buffer=acc8 sram_base=64 dram_base=T y_size=1 x_size=64 x_stride=64
load buffer=acc8 sram_base=0 dram_base=X y_size=1 x_size=4 x_stride=4
alu alu_op=lutset uop_bgn=0 uop_end=1 iter_out=64 iter_in=1 dst_factor_out=1 src_factor_out=1 push_next
store sram_base=0 dram_base=Y0 y_size=1 x_size=4 x_stride=4 pop_prev push_prev
alu alu_op=mul uop_bgn=1 uop_end=2 iter_out=1 iter_in=1 dst_factor_out=1 use_imm imm=300 pop_next
alu alu_op=lut uop_bgn=1 uop_end=2 iter_out=4 iter_in=1 dst_factor_out=1 use_imm push_next
store sram_base=0 dram_base=Y y_size=1 x_size=4 x_stride=4 pop_prev push_prev
finish pop_next
)";
  int8_t x[16] = {-128, 127, 0, 1, -1, 64, -64, 100, 5, -5, 33, -33, -128, 127, 100, -100};
  ProgramRun run = assembleAndRun(text, loadConfig("small"), [&](ProgramRun &r) {
    for (int i = 0; i < 256; ++i) r.set<int8_t>("T", size_t(i), int8_t(uint8_t(37 * i + 11)));
    for (int i = 0; i < 16; ++i) r.set<int8_t>("X", size_t(i), x[i]);
  });
  ASSERT_TRUE(run.result.ok()) << run.result.status();
  auto entry = [](int32_t input) { return int8_t(uint8_t(37 * (std::clamp(input, -128, 127) + 128) + 11)); };
  for (int i = 0; i < 16; ++i) {
    EXPECT_EQ(run.at<int8_t>("Y0", size_t(i)), x[i]) << i;
    int32_t input = i < 4 ? 300 * x[i] : x[i];
    EXPECT_EQ(run.at<int8_t>("Y", size_t(i)), entry(input)) << i;
  }
  EXPECT_EQ(run.result->aluUops, 64u + 1u + 4u);
  EXPECT_EQ(run.result->aluLutUops, 4u);
}

TEST(Errors, ScratchpadIndexOutOfRangeNamesInstruction) {
  const char *text = R"(
.uop dst=506 src=0 wgt=0
load buffer=uop sram_base=0 dram_base=uops y_size=1 x_size=1 x_stride=1
gemm reset uop_bgn=0 uop_end=1 iter_out=10 iter_in=1 dst_factor_out=1
finish
)";
  ProgramRun run = assembleAndRun(text, loadConfig("small"));
  ASSERT_FALSE(run.result.ok());
  EXPECT_NE(run.result.status().message().find("instruction 1 (gemm): acc index reaches 515, outside the acc depth 512"),
            std::string::npos)
      << run.result.status();
}

TEST(Errors, SourceIndexOutOfRange) {
  const char *text = R"(
.uop dst=0 src=511 wgt=0
load buffer=uop sram_base=0 dram_base=uops y_size=1 x_size=1 x_stride=1
alu alu_op=add uop_bgn=0 uop_end=1 iter_out=1 iter_in=2 src_factor_in=3
finish
)";
  ProgramRun run = assembleAndRun(text, loadConfig("small"));
  ASSERT_FALSE(run.result.ok());
  EXPECT_NE(run.result.status().message().find("acc index reaches 514"), std::string::npos) << run.result.status();
}

} // namespace
} // namespace tessera::sim
