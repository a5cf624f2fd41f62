//===- operator_fusion_test.cpp - Operator fusion, text in -> text out --------===//
#include <gtest/gtest.h>

#include "compiler/passes/pass_test_util.h"

namespace tessera::passes {
namespace {

// ResNet's block tail: conv + bias + residual add + ReLU in one FusedConv.
TEST(OperatorFusion, ConvBiasResidualRelu) {
  std::string input = R"(graph @main(%x: f32[1,2,3,3], %skip: f32[1,2,3,3]) {
  %w = const f32[2,2,1,1] dense<[1.0, 0.5, -1.0, 2.0]>
  %b = const f32[2] dense<[0.25, -0.25]>
  %c = Conv(%x, %w, %b) : f32[1,2,3,3] loc("conv")
  %a = Add(%c, %skip) : f32[1,2,3,3]
  %y = Relu(%a) : f32[1,2,3,3]
  return %y
}
)";
  std::string output = runPipelineOnText("fuse", input);
  EXPECT_EQ(output, R"(graph @main(%x: f32[1,2,3,3], %skip: f32[1,2,3,3]) {
  %b = const f32[2] dense<[0.25, -0.25]>
  %w = const f32[2,2,1,1] dense<[1.0, 0.5, -1.0, 2.0]>
  %y = FusedConv(%x, %w, %b, %skip) {activation = "Relu"} : f32[1,2,3,3] loc("conv")
  return %y
}
)");
  EXPECT_EQ(checkSameResults(input, output), "");
}

// MatMul + per-column bias Add + Clip(0, 6), and Gemm + LeakyRelu.
TEST(OperatorFusion, MatMulBiasClipAndGemmLeakyRelu) {
  std::string input = R"(graph @main(%x: f32[2,3]) {
  %w = const f32[3,2] dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]>
  %bias = const f32[2] dense<[-20.0, 0.5]>
  %lo = const f32[] dense<[0.0]>
  %hi = const f32[] dense<[6.0]>
  %m = MatMul(%x, %w) : f32[2,2]
  %a = Add(%m, %bias) : f32[2,2]
  %r = Clip(%a, %lo, %hi) : f32[2,2]
  %g = Gemm(%r, %w) {transB = 1} : f32[2,3]
  %y = LeakyRelu(%g) {alpha = 0.5} : f32[2,3]
  return %y
}
)";
  std::string output = runPipelineOnText("fuse", input);
  EXPECT_NE(output.find("%r = FusedMatMul(%x, %w, %m_bias) {activation = \"Clip\", activation_max = 6.0, activation_min = 0.0}"),
            std::string::npos) << output;
  EXPECT_NE(output.find("%y = FusedGemm(%r, %w) {activation = \"LeakyRelu\", activation_alpha = 0.5, transB = 1}"),
            std::string::npos) << output;
  EXPECT_EQ(checkSameResults(input, output), "");
}

// Elementwise chains become one FusedElementwise; a value with two users ends a chain
// and starts no chain through both users.
TEST(OperatorFusion, ElementwiseChains) {
  std::string input = R"(graph @main(%x: f32[4], %z: f32[4]) {
  %k = const f32[] dense<[3.0]>
  %a = Mul(%x, %k) : f32[4]
  %b = Sub(%z, %a) : f32[4]
  %c = Sigmoid(%b) : f32[4]
  %d = Neg(%c) : f32[4]
  %e = Exp(%c) : f32[4]
  %y = Add(%d, %e) : f32[4]
  return %y
}
)";
  std::string output = runPipelineOnText("fuse", input);
  EXPECT_EQ(output, R"(graph @main(%x: f32[4], %z: f32[4]) {
  %k = const f32[] dense<[3.0]>
  %c = FusedElementwise(%x, %k, %z) {operands = [1, 2, -1], ops = ["Mul", "Sub", "Sigmoid"], s1_swap = 1} : f32[4]
  %e = Exp(%c) : f32[4]
  %y = FusedElementwise(%c, %e) {operands = [-1, 1], ops = ["Neg", "Add"]} : f32[4]
  return %y
}
)");
  EXPECT_EQ(checkSameResults(input, output), "");
}

} // namespace
} // namespace tessera::passes
