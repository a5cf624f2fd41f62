//===- tensor_test.cpp - Host tensors: shapes and storage ---------------------===//
#include "support/tensor.h"

#include <cstdint>

#include <gtest/gtest.h>

namespace tessera {
namespace {

TEST(Tensor, StorageStartsOnACacheLine) {
  // Odd sizes too: each is a separate allocation that a kernel loads as vectors.
  std::vector<Tensor> tensors;
  for (int64_t n : {1, 3, 17, 55 * 55, 1000, 64 * 111 * 111}) tensors.emplace_back(DType::F32, Shape{n});
  for (const Tensor &t : tensors) EXPECT_EQ(reinterpret_cast<uintptr_t>(t.bytes()) % 64, 0u) << t.elementCount();
  Tensor copy = tensors[2];
  EXPECT_EQ(reinterpret_cast<uintptr_t>(copy.bytes()) % 64, 0u);
  EXPECT_EQ(copy, tensors[2]);
}

TEST(Tensor, IsZeroFilled) {
  Tensor t(DType::F32, {2, 3});
  for (int64_t i = 0; i < t.elementCount(); ++i) EXPECT_EQ(t.data<float>()[i], 0.0f);
}

TEST(Tensor, ParsesAndPrintsShapes) {
  EXPECT_EQ(shapeToString({1, 3, 224, 224}), "1x3x224x224");
  EXPECT_EQ(shapeToString({}), "scalar");
  auto shape = parseShape("2x5");
  ASSERT_TRUE(shape.ok());
  EXPECT_EQ(*shape, (Shape{2, 5}));
  auto bad = parseShape("2xa");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("'a'"), std::string::npos) << bad.status();
}

} // namespace
} // namespace tessera
