//===- batchnorm_folding_test.cpp - BatchNorm folding: same results ----===//
//
// The printed IR each pass produces is checked in tests/lit/passes/bn-fold.test; these
// tests check that the rewritten graph computes the same outputs as the original.
//
//===----------------------------------------------------------------------===//
#include <gtest/gtest.h>

#include "compiler/passes/pass_test_util.h"

namespace tessera::passes {
namespace {

// BN(Conv) becomes a Conv with scaled weights and a new bias.
TEST(BatchNormFolding, FoldsIntoConv) {
  std::string input = R"(graph @main(%x: f32[1,1,3,3]) {
  %w = const f32[2,1,1,1] dense<[1.0, 2.0]>
  %gamma = const f32[2] dense<[2.0, 1.0]>
  %beta = const f32[2] dense<[0.5, -0.5]>
  %mean = const f32[2] dense<[1.0, 0.0]>
  %var = const f32[2] dense<[3.0, 0.0]>
  %c = Conv(%x, %w) : f32[1,2,3,3]
  %y = BatchNormalization(%c, %gamma, %beta, %mean, %var) {epsilon = 1.0} : f32[1,2,3,3]
  return %y
}
)";
  std::string output = runPipelineOnText("bn-fold", input);
  EXPECT_EQ(checkSameResults(input, output), "");
}

// BN over Gemm columns folds into B (transposed here) and C.
TEST(BatchNormFolding, FoldsIntoGemm) {
  std::string input = R"(graph @main(%x: f32[2,3]) {
  %b = const f32[2,3] dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]>
  %c = const f32[2] dense<[1.0, -1.0]>
  %gamma = const f32[2] dense<[2.0, 0.5]>
  %beta = const f32[2] dense<[0.0, 1.0]>
  %mean = const f32[2] dense<[1.0, 2.0]>
  %var = const f32[2] dense<[1.0, 4.0]>
  %g = Gemm(%x, %b, %c) {beta = 2.0, transB = 1} : f32[2,2]
  %y = BatchNormalization(%g, %gamma, %beta, %mean, %var) {epsilon = 0.0} : f32[2,2]
  return %y
}
)";
  std::string output = runPipelineOnText("bn-fold", input);
  EXPECT_NE(output.find("%y = Gemm(%x, %b_bn, %b_bn_bias) {transB = 1} : f32[2,2]"), std::string::npos) << output;
  EXPECT_EQ(checkSameResults(input, output), "");
}

} // namespace
} // namespace tessera::passes
