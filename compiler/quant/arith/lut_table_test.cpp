//===- lut_table_test.cpp - Lookup tables from real functions: rounding, saturation -===//
#include "compiler/quant/arith/lut_table.h"

#include <gtest/gtest.h>

#include <cmath>

namespace tessera::quant {
namespace {

float identity(float x) { return x; }

// Entry q + 128 is the quantized f of the dequantized q: halving with identity puts
// every odd q on a tie, which rounds to even (1/2 -> 0, 3/2 -> 2, -1/2 -> 0, -3/2 -> -2).
TEST(LutTable, RoundsHalfToEven) {
  auto table = buildLutTable(identity, {0.5f, 0}, {1.0f, 0});
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(lutLane(*table, 1), 0);
  EXPECT_EQ(lutLane(*table, 3), 2);
  EXPECT_EQ(lutLane(*table, 5), 2);
  EXPECT_EQ(lutLane(*table, -1), 0);
  EXPECT_EQ(lutLane(*table, -3), -2);
  EXPECT_EQ(lutLane(*table, -128), -64);
  EXPECT_EQ(lutLane(*table, 127), 64); // 63.5 -> 64
}

TEST(LutTable, SaturatesTheOutput) {
  auto table = buildLutTable(identity, {1.0f, 0}, {0.5f, 0}); // y = 2q
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(lutLane(*table, 63), 126);
  EXPECT_EQ(lutLane(*table, 64), 127);
  EXPECT_EQ(lutLane(*table, 127), 127);
  EXPECT_EQ(lutLane(*table, -64), -128);
  EXPECT_EQ(lutLane(*table, -65), -128);
  EXPECT_EQ(lutLane(*table, -128), -128);
  auto infinite = buildLutTable([](float x) { return x > 0 ? INFINITY : -INFINITY; }, {1.0f, 0}, {1.0f, 0});
  ASSERT_TRUE(infinite.ok());
  EXPECT_EQ(lutLane(*infinite, 1), 127);
  EXPECT_EQ(lutLane(*infinite, 0), -128);
}

// Inputs outside int8 read the first or last entry (the index saturates, as on the ALU).
TEST(LutTable, LookupSaturatesTheIndex) {
  auto table = buildLutTable(identity, {1.0f, 0}, {2.0f, 0});
  ASSERT_TRUE(table.ok());
  EXPECT_EQ(lutLane(*table, 1000), lutLane(*table, 127));
  EXPECT_EQ(lutLane(*table, -1000), lutLane(*table, -128));
}

TEST(LutTable, ZeroPointsShiftBothSides) {
  // Input zero point 10: q = 10 is real 0. Output zero point -128 (an unsigned-style range).
  auto table = buildLutTable([](float x) { return 1.0f / (1.0f + std::exp(-x)); }, {0.0625f, 10}, {1.0f / 256, -128});
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(lutLane(*table, 10), 0);     // sigmoid(0) * 256 - 128
  EXPECT_EQ(lutLane(*table, -128), -128); // sigmoid(-8.625) * 256 = 0.046 -> 0
  EXPECT_EQ(lutLane(*table, 127), 127);  // 255.7 -> 256 - 128 saturates
  for (int32_t q = -128; q <= 127; ++q) {
    float x = float(q - 10) * 0.0625f;
    float expected = std::nearbyint((1.0f / (1.0f + std::exp(-x))) * 256.0f) - 128.0f;
    EXPECT_EQ(lutLane(*table, q), int32_t(std::fmin(std::fmax(expected, -128.0f), 127.0f))) << q;
  }
}

TEST(LutTable, ErrorsNameTheProblem) {
  EXPECT_FALSE(buildLutTable(identity, {0.0f, 0}, {1.0f, 0}).ok());
  auto status = buildLutTable(identity, {1.0f, 0}, {-1.0f, 0}).status();
  EXPECT_NE(status.message().find("output scale must be positive"), std::string::npos) << status;
  status = buildLutTable(identity, {1.0f, 200}, {1.0f, 0}).status();
  EXPECT_NE(status.message().find("input zero point must be an int8, got 200"), std::string::npos) << status;
  status = buildLutTable([](float x) { return std::sqrt(x); }, {1.0f, 0}, {1.0f, 0}).status();
  EXPECT_NE(status.message().find("NaN at input -128"), std::string::npos) << status;
}

} // namespace
} // namespace tessera::quant
