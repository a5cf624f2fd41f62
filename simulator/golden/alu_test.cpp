//===- alu_test.cpp - Lane semantics of every ALU operation, edges included ----------===//
#include "isa/alu_ops.h"

#include <gtest/gtest.h>

namespace tessera::sim {
namespace {

using isa::AluOp;
using isa::packRequantOperand;

TEST(AluLane, WrappingArithmetic) {
  EXPECT_EQ(aluLane(AluOp::add, INT32_MAX, 1, false), INT32_MIN);
  EXPECT_EQ(aluLane(AluOp::sub, INT32_MIN, 1, false), INT32_MAX);
  EXPECT_EQ(aluLane(AluOp::mul, 65536, 65536, false), 0);
  EXPECT_EQ(aluLane(AluOp::mul, -7, 6, false), -42);
  EXPECT_EQ(aluLane(AluOp::min, -3, 2, false), -3);
  EXPECT_EQ(aluLane(AluOp::max, -3, 2, false), 2);
  EXPECT_EQ(aluLane(AluOp::mov, 5, -9, false), -9);
}

TEST(AluLane, ShiftRoundsHalfUp) {
  EXPECT_EQ(aluLane(AluOp::shr, 5, 1, false), 3);   // 2.5 -> 3
  EXPECT_EQ(aluLane(AluOp::shr, -5, 1, false), -2); // -2.5 -> -2 (half up)
  EXPECT_EQ(aluLane(AluOp::shr, 6, 2, false), 2);   // 1.5 -> 2
  EXPECT_EQ(aluLane(AluOp::shr, 7, 0, false), 7);
  EXPECT_EQ(aluLane(AluOp::shr, INT32_MAX, 31, false), 1);
  EXPECT_EQ(aluLane(AluOp::shr, INT32_MIN, 40, false), -1); // saturates at 31
  EXPECT_EQ(aluLane(AluOp::shr, 3, -2, false), 12);         // negative shifts left
}

TEST(AluLane, ClipUsesSignedBytePair) {
  int32_t bounds = (int32_t(uint8_t(-10)) << 8) | 20; // [-10, 20]
  EXPECT_EQ(aluLane(AluOp::clip, 100, bounds, false), 20);
  EXPECT_EQ(aluLane(AluOp::clip, -100, bounds, false), -10);
  EXPECT_EQ(aluLane(AluOp::clip, 7, bounds, false), 7);
  int32_t int8Range = (int32_t(uint8_t(-128)) << 8) | 127;
  EXPECT_EQ(aluLane(AluOp::clip, 1000, int8Range, false), 127);
  EXPECT_EQ(aluLane(AluOp::clip, -1000, int8Range, false), -128);
}

TEST(AluLane, RequantizeRoundsAndSaturates) {
  // m = 3 * 2^20 = 0.75 * 2^22, s = 22: result = round(x * 0.75).
  int32_t operand = packRequantOperand(3u << 20, 22);
  EXPECT_EQ(aluLane(AluOp::requant, 10, operand, false), 8);    // 7.5 -> 8
  EXPECT_EQ(aluLane(AluOp::requant, -10, operand, false), -7);  // -7.5 -> -7
  EXPECT_EQ(aluLane(AluOp::requant, 100, operand, false), 75);
  EXPECT_EQ(aluLane(AluOp::requant, 1000, operand, false), 127);  // saturates high
  EXPECT_EQ(aluLane(AluOp::requant, -1000, operand, false), -128); // saturates low
  EXPECT_EQ(aluLane(AluOp::requant, INT32_MIN, operand, false), -128);
  // Largest multiplier with no overflow: 2^31 * (2^24 - 1) fits in 64 bits.
  EXPECT_EQ(aluLane(AluOp::requant, INT32_MAX, packRequantOperand((1u << 24) - 1, 63), false), 0);
  // Immediate form: m = 1, s = imm.
  EXPECT_EQ(aluLane(AluOp::requant, 300, 2, true), 75);
  EXPECT_EQ(aluLane(AluOp::requant, 1023, 2, true), 127);
  EXPECT_EQ(aluLane(AluOp::requant, -6, 2, true), -1); // -1.5 -> -1
}

TEST(AluLane, RequantizeMatchesRealScaleWithinHalfAnLsb) {
  // A real scale of 0.00123 as a 24-bit multiplier and shift (the compiler's recipe).
  double scale = 0.00123;
  int shift = 0;
  double m = scale;
  while (m < double(1 << 23)) m *= 2, ++shift;
  uint32_t multiplier = uint32_t(m + 0.5);
  int32_t operand = packRequantOperand(multiplier, uint32_t(shift));
  for (int32_t x = -110000; x <= 110000; x += 977) {
    double exact = x * scale;
    int32_t got = aluLane(AluOp::requant, x, operand, false);
    EXPECT_LE(std::abs(got - std::clamp(exact, -128.0, 127.0)), 0.5 + 1e-6) << x;
  }
}

/// A table whose every entry differs from its neighbours': entry i = (37i + 11) mod 256.
isa::LutTable scrambledTable() {
  isa::LutTable table;
  for (int i = 0; i < isa::kLutEntries; ++i) table[size_t(i)] = int8_t(uint8_t(37 * i + 11));
  return table;
}

TEST(AluLane, LutReadsEntryOfTheInt8Input) {
  isa::LutTable table = scrambledTable();
  for (int32_t x = -128; x <= 127; ++x)
    EXPECT_EQ(aluLane(AluOp::lut, x, 0, true, table), table[size_t(x + 128)]) << x;
  // The edges and the sign extension: entry 0 = 11, entry 255 = 9446 mod 256 = 230 = -26
  // as int8, entry 128 (input 0) = 4747 mod 256 = 139 = -117.
  EXPECT_EQ(aluLane(AluOp::lut, -128, 0, true, table), 11);
  EXPECT_EQ(aluLane(AluOp::lut, 127, 0, true, table), -26);
  EXPECT_EQ(aluLane(AluOp::lut, 0, 0, true, table), -117);
}

TEST(AluLane, LutSaturatesTheIndex) {
  isa::LutTable table = scrambledTable();
  for (int32_t x : {128, 129, 255, 256, 1000, 0x7fff, INT32_MAX})
    EXPECT_EQ(aluLane(AluOp::lut, x, 0, true, table), table[255]) << x;
  for (int32_t x : {-129, -130, -256, -1000, -0x8000, INT32_MIN})
    EXPECT_EQ(aluLane(AluOp::lut, x, 0, true, table), table[0]) << x;
}

TEST(AluLane, LutIgnoresTheOperand) {
  isa::LutTable table = scrambledTable();
  for (int32_t operand : {0, -1, 12345, INT32_MIN})
    for (bool useImm : {false, true}) EXPECT_EQ(aluLane(AluOp::lut, 5, operand, useImm, table), table[133]);
}

TEST(AluLane, LutsetLeavesTheLane) {
  EXPECT_EQ(aluLane(AluOp::lutset, 77, -3, false), 77);
  EXPECT_EQ(aluLane(AluOp::lutset, INT32_MIN, 9, true), INT32_MIN);
}

TEST(AluLane, LutsetRowsFillTheTableInOrder) {
  // 4 lanes: 64 rows of 4 entries; row dst writes entries [4 (dst mod 64), +4).
  EXPECT_EQ(isa::lutRowEntries(4), 4);
  EXPECT_EQ(isa::lutRowBase(0, 4), 0);
  EXPECT_EQ(isa::lutRowBase(63, 4), 252);
  EXPECT_EQ(isa::lutRowBase(64, 4), 0);
  EXPECT_EQ(isa::lutRowBase(70, 4), 24);
  // 16 lanes: 16 rows. 256 lanes: every row is the whole table; 512 lanes use the first 256.
  EXPECT_EQ(isa::lutRowBase(17, 16), 16);
  EXPECT_EQ(isa::lutRowEntries(256), 256);
  EXPECT_EQ(isa::lutRowBase(5, 256), 0);
  EXPECT_EQ(isa::lutRowEntries(512), 256);
  EXPECT_EQ(isa::lutRowBase(3, 512), 0);
  // One lane: 256 rows of one entry.
  EXPECT_EQ(isa::lutRowBase(255, 1), 255);
  EXPECT_EQ(isa::lutRowBase(256, 1), 0);
}

} // namespace
} // namespace tessera::sim
