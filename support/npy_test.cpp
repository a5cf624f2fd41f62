//===- npy_test.cpp - .npy round trips and malformed files --------------------===//
#include "support/npy.h"

#include <chrono>

#include <gtest/gtest.h>

#include "support/file_io.h"

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

/// A version-1 .npy file with `shape` (the header's tuple text) and `dataBytes` zero bytes.
std::vector<uint8_t> npyWithShape(const std::string &shape, size_t dataBytes) {
  std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
  dict.append((64 - (10 + dict.size() + 1) % 64) % 64, ' ');
  dict.push_back('\n');
  std::string file = std::string("\x93NUMPY\x01\x00", 8) + char(dict.size() & 0xff) + char(dict.size() >> 8) + dict;
  file.append(dataBytes, '\0');
  return std::vector<uint8_t>(file.begin(), file.end());
}

TEST(Npy, HugeDeclaredShapeIsAnErrorNotAnAllocation) {
  // 128 bytes declaring 10^11 floats: rejected from the header, before any allocation.
  std::string path = ::testing::TempDir() + "/tessera_huge_header.npy";
  ASSERT_TRUE(writeBinaryFile(path, npyWithShape("(100000, 1000000)", 0)).ok());
  auto start = std::chrono::steady_clock::now();
  auto parsed = readNpyFile(path);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find(path), std::string::npos) << parsed.status();
  EXPECT_NE(parsed.status().message().find("more than 2147483648 elements"), std::string::npos) << parsed.status();
}

TEST(Npy, DeclaredSizeIsCheckedAgainstTheFileLength) {
  // Within the element limit but larger than the file: truncated, found before allocating.
  auto parsed = parseNpy(npyWithShape("(1000, 1000, 1000)", 16));
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("needs 4000000000 bytes, file holds 16"), std::string::npos)
      << parsed.status();
}

TEST(Npy, OverflowingShapeIsAnError) {
  // 2^32 * 2^32 * 4 wraps to 0 in 64 bits.
  auto parsed = parseNpy(npyWithShape("(4294967296, 4294967296, 4)", 0));
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("npy header: shape"), std::string::npos) << parsed.status();
  EXPECT_FALSE(parseNpy(npyWithShape("(99999999999999999999,)", 0)).ok());
}

TEST(Npy, EmptyArrayReadsAsEmptyTensor) {
  // Shape (0, 5): no data bytes; found by fuzz/fuzz_npy.cpp (memcpy to a null pointer, UB).
  auto parsed = parseNpy(npyWithShape("(0, 5)", 0));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->elementCount(), 0);
  EXPECT_EQ(parseNpy(serializeNpy(*parsed))->shape(), (Shape{0, 5}));
}

TEST(Npy, VersionTwoHeaderLengthPastTheEnd) {
  // 11 bytes of a version-3 file, whose header length takes 4 bytes (8..11): found by
  // fuzz/fuzz_npy.cpp (a heap read past the end).
  auto parsed = parseNpy({0x93, 'N', 'U', 'M', 'P', 'Y', 3, 'i', 'i', 'i', '('});
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("truncated .npy header"), std::string::npos) << parsed.status();
}

TEST(Npy, DirectoryIsAnError) {
  auto parsed = readNpyFile(::testing::TempDir());
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("is a directory"), std::string::npos) << parsed.status();
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
