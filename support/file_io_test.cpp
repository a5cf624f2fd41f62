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

// The file is replaced whole and no temporary is left beside it; a missing folder is an
// error naming the path.
TEST(FileIo, AtomicWriteReplacesTheFile) {
  std::string dir = ::testing::TempDir() + "/tessera_atomic_write";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::string path = dir + "/result.json";
  ASSERT_TRUE(writeTextFileAtomically(path, "old").ok());
  ASSERT_TRUE(writeTextFileAtomically(path, "new text").ok());
  EXPECT_EQ(*readTextFile(path), "new text");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), std::filesystem::directory_iterator()), 1);
  Status missing = writeTextFileAtomically(dir + "/no/such/file", "x");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.message().find(dir + "/no/such/file"), std::string::npos) << missing;
  std::filesystem::remove_all(dir);
}

} // namespace
} // namespace tessera
