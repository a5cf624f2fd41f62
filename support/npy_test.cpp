//===- npy_test.cpp - .npy round trips and malformed files --------------------===//
#include "support/npy.h"

#include <gtest/gtest.h>

namespace tessera {
namespace {

TEST(Npy, RoundTripsEveryRank) {
  for (Shape shape : {Shape{}, Shape{5}, Shape{2, 3}, Shape{2, 3, 4, 1}}) {
    Tensor tensor(DType::I32, shape);
    for (int64_t i = 0; i < tensor.elementCount(); ++i) tensor.data<int32_t>()[i] = int32_t(i * 7 - 3);
    std::vector<uint8_t> bytes = serializeNpy(tensor);
    // The header (magic + version + length + dict) is padded to 64 bytes.
    size_t headerLength = bytes[8] | (bytes[9] << 8);
    EXPECT_EQ((10 + headerLength) % 64, 0u);
    auto parsed = parseNpy(bytes);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(*parsed, tensor) << shapeToString(shape);
  }
}

TEST(Npy, RejectsBadMagic) {
  auto parsed = parseNpy({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
  EXPECT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("bad magic"), std::string::npos);
}

TEST(Npy, RejectsTruncatedData) {
  Tensor tensor(DType::F32, {4, 4});
  std::vector<uint8_t> bytes = serializeNpy(tensor);
  bytes.resize(bytes.size() - 5);
  auto parsed = parseNpy(bytes);
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("truncated .npy data"), std::string::npos)
      << parsed.status();
}

TEST(Npy, RejectsFortranOrder) {
  Tensor tensor(DType::F32, {2, 2});
  std::vector<uint8_t> bytes = serializeNpy(tensor);
  std::string text(bytes.begin(), bytes.end());
  text.replace(text.find("False"), 5, "True ");
  auto parsed = parseNpy(std::vector<uint8_t>(text.begin(), text.end()));
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("Fortran"), std::string::npos);
}

TEST(Shape, ParsesAndRejects) {
  auto shape = parseShape("1x3x224x224");
  ASSERT_TRUE(shape.ok());
  EXPECT_EQ(*shape, (Shape{1, 3, 224, 224}));
  EXPECT_FALSE(parseShape("1x-3").ok());
  EXPECT_FALSE(parseShape("1xx3").ok());
}

} // namespace
} // namespace tessera
