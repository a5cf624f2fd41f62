//===- strength_reduction_test.cpp - Strength reduction: same results --===//
//
// The printed IR each pass produces is checked in tests/lit/passes/strength-reduce.test; these
// tests check that the rewritten graph computes the same outputs as the original.
//
//===----------------------------------------------------------------------===//
#include <gtest/gtest.h>

#include "compiler/passes/pass_test_util.h"

namespace tessera::passes {
namespace {

// Pow by 2, 0.5 and -1 become Mul, Sqrt and Reciprocal; Sub from 0 becomes Neg.
TEST(StrengthReduction, ReplacesPowAndSub) {
  std::string input = R"(graph @main(%x: f32[4]) {
  %two = const f32[] dense<[2.0]>
  %half = const f32[] dense<[0.5]>
  %m1 = const f32[] dense<[-1.0]>
  %zero = const f32[4] dense<[0.0, 0.0, 0.0, 0.0]>
  %a = Pow(%x, %two) : f32[4]
  %b = Pow(%a, %half) : f32[4]
  %c = Pow(%b, %m1) : f32[4]
  %y = Sub(%zero, %c) : f32[4]
  return %y
}
)";
  std::string output = runPipelineOnText("strength-reduce,dce", input);
  EXPECT_EQ(checkSameResults(input, output), "");
}

// Division by a power of two becomes an exact multiplication; by 3 only under fast-math.
TEST(StrengthReduction, DivisionByConstants) {
  std::string input = R"(graph @main(%x: f32[2]) {
  %four = const f32[2] dense<[4.0, 0.5]>
  %three = const f32[] dense<[3.0]>
  %a = Div(%x, %four) : f32[2]
  %y = Div(%a, %three) : f32[2]
  return %y
}
)";
  std::string exact = runPipelineOnText("strength-reduce,dce", input);
  EXPECT_EQ(checkSameResults(input, exact), "");
  PassOptions fast;
  fast.fastMath = true;
  std::string output = runPipelineOnText("strength-reduce,dce", input, fast);
  EXPECT_NE(output.find("%y = Mul(%a, %three_reciprocal)"), std::string::npos) << output;
}

} // namespace
} // namespace tessera::passes
