//===- backend_test_test.cpp - Tolerances and case classification --------------===//
#include "compiler/onnx/backend_test.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace tessera::onnx_import {
namespace {

Tensor floats(std::vector<float> values) {
  Tensor t(DType::F32, {int64_t(values.size())});
  std::copy(values.begin(), values.end(), t.data<float>());
  return t;
}

TEST(CompareTensors, UsesOnnxTolerances) {
  EXPECT_TRUE(compareTensors(floats({1000.f, NAN}), floats({1000.9f, NAN})).ok());
  Status far = compareTensors(floats({1000.f, 1.f}), floats({1001.5f, 1.f}));
  ASSERT_FALSE(far.ok());
  EXPECT_EQ(far.message(), "1 of 2 elements differ; first at index 0: expected 1000, got 1001.5");
  EXPECT_FALSE(compareTensors(floats({1.f}), floats({1.f, 2.f})).ok());
  EXPECT_FALSE(compareTensors(floats({1.f}), Tensor(DType::I32, {1})).ok());
}

constexpr const char *kTestData = "/usr/share/libonnx-testdata/data/node";

TEST(BackendTest, RunsARealCaseAndClassifiesABrokenOne) {
  if (!std::filesystem::exists(kTestData)) GTEST_SKIP() << kTestData << " is not installed";
  CaseResult relu = runBackendTestCase(std::string(kTestData) + "/test_relu");
  EXPECT_EQ(relu.status, "passed") << relu.message;
  std::filesystem::path broken = std::filesystem::path(TESSERA_BINARY_DIR) / "test_scratch" / "broken_case";
  std::filesystem::create_directories(broken);
  std::ofstream(broken / "model.onnx") << "garbage";
  CaseResult result = runBackendTestCase(broken.string());
  EXPECT_EQ(result.status, "failed");
}

TEST(BackendTest, SuiteRunsCasesInChildProcesses) {
  if (!std::filesystem::exists(kTestData)) GTEST_SKIP() << kTestData << " is not installed";
  std::filesystem::path root = std::filesystem::path(TESSERA_BINARY_DIR) / "test_scratch" / "suite";
  std::filesystem::remove_all(root);
  std::filesystem::create_directories(root);
  for (const char *name : {"test_relu", "test_loop11"})
    std::filesystem::create_directory_symlink(std::string(kTestData) + "/" + name, root / name);
  SuiteReport report = runBackendTestSuite(root.string(), {});
  ASSERT_EQ(report.cases.size(), 2u);
  EXPECT_EQ(report.cases[0].name, "test_loop11");
  EXPECT_EQ(report.cases[0].status, "unsupported");
  EXPECT_EQ(report.cases[1].status, "passed");
  EXPECT_NE(report.toJson().find("\"unsupported\": 1"), std::string::npos);
}

} // namespace
} // namespace tessera::onnx_import
