//===- fixed_point_test.cpp - Requant operands: precision and integer semantics -===//
#include "compiler/quant/arith/fixed_point.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "isa/alu_ops.h"

namespace tessera::quant {
namespace {

// Over scales spanning 2^-40 .. 2^20, the multiplier is normalized into [2^23, 2^24)
// and the represented scale is within 2^-24 (relative) of the real one.
TEST(RequantFromScale, RelativeErrorBelowTwoToMinus24) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> exponent(-40, 20);
  for (int i = 0; i < 100000; ++i) {
    double scale = std::exp2(exponent(rng));
    auto params = requantFromScale(scale);
    ASSERT_TRUE(params.ok()) << scale;
    ASSERT_LT(params->multiplier, kMultiplierLimit);
    ASSERT_GE(params->multiplier, kMultiplierLimit / 2) << scale;
    ASSERT_LE(params->shift, kMaxShift);
    ASSERT_LE(std::fabs(params->realScale() - scale) / scale, std::exp2(-24)) << scale;
  }
}

// Exact powers of two and values just below 2^k (which round up to 2^24) are exact.
TEST(RequantFromScale, EdgeValues) {
  EXPECT_EQ(*requantFromScale(1.0), (RequantParams{1u << 23, 23}));
  EXPECT_EQ(*requantFromScale(0.5), (RequantParams{1u << 23, 24}));
  EXPECT_EQ(*requantFromScale(std::nextafter(1.0, 0.0)), (RequantParams{1u << 23, 23}));
  EXPECT_EQ(*requantFromScale(0.0), (RequantParams{0, 0}));
  EXPECT_EQ(*requantFromScale(double(kMultiplierLimit - 1)), (RequantParams{kMultiplierLimit - 1, 0}));
  // Very small scales saturate the shift at 63 and keep what precision is left.
  RequantParams tiny = *requantFromScale(std::exp2(-50));
  EXPECT_EQ(tiny.shift, 63u);
  EXPECT_EQ(tiny.multiplier, 1u << 13);
}

TEST(RequantFromScale, RejectsUnrepresentableScales) {
  EXPECT_EQ(requantFromScale(-1).status().message(),
            "requantization scale -1 is not a finite non-negative number");
  EXPECT_FALSE(requantFromScale(NAN).ok());
  EXPECT_FALSE(requantFromScale(INFINITY).ok());
  EXPECT_EQ(requantFromScale(std::exp2(24)).status().message(),
            "requantization scale 1.67772e+07 is too large for a 24-bit multiplier (limit 2^24)");
}

// The integer result differs from round-half-up of the exact real product by at most
// the representation error: |y - x * scale| <= 1/2 + |x| * scale * 2^-24 when unsaturated.
TEST(RequantLane, OutputErrorBound) {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> exponent(-20, 0);
  std::uniform_int_distribution<int32_t> value(-(1 << 24), 1 << 24);
  for (int i = 0; i < 200000; ++i) {
    double scale = std::exp2(exponent(rng));
    RequantParams params = *requantFromScale(scale);
    int32_t x = value(rng);
    double exact = double(x) * scale;
    int32_t y = requantLane(x, params);
    if (exact > 128 || exact < -129) {
      ASSERT_EQ(y, exact > 0 ? 127 : -128);
      continue;
    }
    double bound = 0.5 + std::fabs(exact) * std::exp2(-24) + 1e-12;
    ASSERT_LE(std::fabs(std::clamp(exact, -128.0, 127.0) - y), bound) << x << " * " << scale;
  }
}

// The lanes are the golden executor's: same results as isa::aluLane on the packed operand.
TEST(RequantLane, IsTheGoldenAluLane) {
  RequantParams params{12345678, 30};
  for (int32_t x : {0, 1, -1, 1 << 20, -(1 << 20), 2147483647, -2147483647 - 1})
    EXPECT_EQ(requantLane(x, params), isa::aluLane(isa::AluOp::requant, x, params.packed(), false)) << x;
  // Ties round up (towards +infinity): 3 * 2^-1 = 1.5 -> 2, -3 * 2^-1 = -1.5 -> -1.
  RequantParams half{1u << 23, 24};
  EXPECT_EQ(requantLane(3, half), 2);
  EXPECT_EQ(requantLane(-3, half), -1);
  EXPECT_EQ(requantLane(1000, half), 127);
  EXPECT_EQ(requantLane(-1000, half), -128);
}

TEST(ClipLane, ClampsToSignedBytes) {
  EXPECT_EQ(clipLane(-5, 0, 127), 0);
  EXPECT_EQ(clipLane(100, 0, 48), 48);
  EXPECT_EQ(clipLane(-100, -128, 127), -100);
}

// Quantized add: the two multipliers are 16-bit, the larger is 2^14, and the real
// ratios are reproduced to within one part in 2^14 of the larger one.
TEST(AddOperands, RepresentBothRatios) {
  AddOperands ops = *addOperandsFromRatios(0.75, 0.1875);
  EXPECT_EQ(ops.mulA, 1 << 14);
  EXPECT_EQ(ops.mulB, 1 << 12);
  EXPECT_NEAR(ops.mulA * ops.requant.realScale(), 0.75, 0.75 * std::exp2(-24));
  EXPECT_NEAR(ops.mulB * ops.requant.realScale(), 0.1875, 0.75 * std::exp2(-14));
  // y = requant(a * mulA + b * mulB): 0.75 * 100 + 0.1875 * (-20) = 71.25 -> 71.
  int32_t sum = addLane(mulLane(100, ops.mulA), mulLane(-20, ops.mulB));
  EXPECT_EQ(requantLane(sum, ops.requant), 71);
  EXPECT_FALSE(addOperandsFromRatios(0, 1).ok());
}

} // namespace
} // namespace tessera::quant
