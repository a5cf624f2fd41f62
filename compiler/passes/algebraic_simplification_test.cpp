//===- algebraic_simplification_test.cpp - Algebraic identities: same results =//
//
// The printed IR each pass produces is checked in tests/lit/passes/algebraic-simplify.test; these
// tests check that the rewritten graph computes the same outputs as the original.
//
//===----------------------------------------------------------------------===//
#include <gtest/gtest.h>

#include "compiler/passes/pass_test_util.h"

namespace tessera::passes {
namespace {

// x+0, 1*x, x/1 and Neg(Neg x) vanish.
TEST(AlgebraicSimplification, RemovesIdentityElementsAndInvolutions) {
  std::string input = R"(graph @main(%x: f32[2,3]) {
  %zero = const f32[1] dense<[0.0]>
  %one = const f32[] dense<[1.0]>
  %a = Add(%x, %zero) : f32[2,3]
  %b = Mul(%one, %a) : f32[2,3]
  %c = Div(%b, %one) : f32[2,3]
  %d = Neg(%c) : f32[2,3]
  %e = Neg(%d) : f32[2,3]
  %y = Relu(%e) : f32[2,3]
  return %y
}
)";
  std::string output = runPipelineOnText("algebraic-simplify,dce", input);
  EXPECT_EQ(checkSameResults(input, output), "");
}

// Two Transposes compose into one; inverse ones cancel; Reshape chains collapse.
TEST(AlgebraicSimplification, ComposesTransposesAndReshapes) {
  std::string input = R"(graph @main(%x: f32[2,3,4]) {
  %a = Transpose(%x) {perm = [1, 0, 2]} : f32[3,2,4]
  %b = Transpose(%a) {perm = [0, 2, 1]} : f32[3,4,2]
  %c = Transpose(%b) {perm = [2, 0, 1]} : f32[2,3,4]
  %f = Flatten(%c) {axis = 1} : f32[2,12]
  %u = Unsqueeze(%f) {axes = [0]} : f32[1,2,12]
  %y = Relu(%u) : f32[1,2,12]
  return %b, %y
}
)";
  std::string output = runPipelineOnText("algebraic-simplify,dce", input);
  EXPECT_EQ(checkSameResults(input, output), "");
}

} // namespace
} // namespace tessera::passes
