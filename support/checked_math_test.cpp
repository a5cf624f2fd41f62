//===- checked_math_test.cpp - Overflow-checked sizes and the input limits --------===//
#include "support/checked_math.h"

#include <gtest/gtest.h>

#include "support/limits.h"

namespace tessera {
namespace {

TEST(CheckedMath, AddAndMulDetectWrapping) {
  EXPECT_EQ(checkedAdd(2, 3), 5u);
  EXPECT_EQ(checkedAdd(UINT64_MAX, 1), std::nullopt);
  EXPECT_EQ(checkedMul(uint64_t(1) << 32, uint64_t(1) << 31), uint64_t(1) << 63);
  EXPECT_EQ(checkedMul(uint64_t(1) << 32, uint64_t(1) << 32), std::nullopt);
}

TEST(CheckedMath, ShapeProductStopsAtTheLimit) {
  EXPECT_EQ(*checkedShapeProduct({}), 1);
  EXPECT_EQ(*checkedShapeProduct({2, 3, 4}), 24);
  EXPECT_EQ(*checkedShapeProduct({0, 1 << 20, 1 << 10}), 0);
  // Empty, but strides over these dimensions would wrap: rejected too.
  auto emptyHuge = checkedShapeProduct({0, INT64_MAX, INT64_MAX});
  ASSERT_FALSE(emptyHuge.ok());
  EXPECT_NE(emptyHuge.status().message().find("nonzero dimensions multiplying to more than"), std::string::npos)
      << emptyHuge.status();
  EXPECT_EQ(*checkedShapeProduct({kMaxTensorElements}), kMaxTensorElements);
  auto over = checkedShapeProduct({kMaxTensorElements, 2});
  ASSERT_FALSE(over.ok());
  EXPECT_NE(over.status().message().find("more than 2147483648 elements"), std::string::npos) << over.status();
  // Each factor fits in int64 but the product wraps to a small positive number.
  EXPECT_FALSE(checkedShapeProduct({int64_t(1) << 32, int64_t(1) << 32, 4}).ok());
  EXPECT_FALSE(checkedShapeProduct({INT64_MAX, INT64_MAX}).ok());
  EXPECT_FALSE(checkedShapeProduct({4, -1}).ok());
}

TEST(CheckedMath, TensorBytes) {
  EXPECT_EQ(*checkedTensorBytes({4, 4}, DType::F32), 64u);
  EXPECT_EQ(*checkedTensorBytes({kMaxTensorElements}, DType::I64), uint64_t(kMaxTensorElements) * 8);
  EXPECT_FALSE(checkedTensorBytes({100000, 100000, 10}, DType::I8).ok());
}

TEST(CheckedMath, AtMostNamesWhat) {
  EXPECT_TRUE(checkAtMost(kMaxDramBytes, kMaxDramBytes, "dram_bytes").ok());
  Status over = checkAtMost(kMaxDramBytes + 1, kMaxDramBytes, "dram_bytes");
  EXPECT_EQ(over.message(), "dram_bytes is 4294967297 bytes; the limit is 4294967296");
}

} // namespace
} // namespace tessera
