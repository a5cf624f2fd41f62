//===- file_io_test.cpp - Whole-file reads: missing files and directories --------===//
#include "support/file_io.h"

#include <filesystem>

#include <gtest/gtest.h>

namespace tessera {
namespace {

TEST(FileIo, DirectoryIsAnErrorNotAnException) {
  std::string dir = ::testing::TempDir();
  auto binary = readBinaryFile(dir);
  ASSERT_FALSE(binary.ok());
  EXPECT_NE(binary.status().message().find("is a directory"), std::string::npos) << binary.status();
  EXPECT_NE(binary.status().message().find(dir), std::string::npos) << binary.status();
  auto text = readTextFile(dir);
  ASSERT_FALSE(text.ok());
  EXPECT_NE(text.status().message().find("is a directory"), std::string::npos) << text.status();
}

TEST(FileIo, MissingFileNamesThePath) {
  auto text = readTextFile("/nonexistent/tessera.txt");
  ASSERT_FALSE(text.ok());
  EXPECT_NE(text.status().message().find("cannot open '/nonexistent/tessera.txt'"), std::string::npos);
}

TEST(FileIo, RoundTrips) {
  std::string path = ::testing::TempDir() + "/tessera_file_io_test.bin";
  ASSERT_TRUE(writeBinaryFile(path, {1, 2, 255}).ok());
  auto bytes = readBinaryFile(path);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(*bytes, (std::vector<uint8_t>{1, 2, 255}));
  std::filesystem::remove(path);
}

} // namespace
} // namespace tessera
