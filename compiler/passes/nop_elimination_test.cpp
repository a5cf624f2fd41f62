//===- nop_elimination_test.cpp - Nop elimination: same results --------===//
//
// The printed IR each pass produces is checked in tests/lit/passes/nop-elim.test; these
// tests check that the rewritten graph computes the same outputs as the original.
//
//===----------------------------------------------------------------------===//
#include <gtest/gtest.h>

#include "compiler/passes/pass_test_util.h"

namespace tessera::passes {
namespace {

// Each op here returns its input unchanged and goes away.
TEST(NopElimination, RemovesEveryKindOfNop) {
  std::string input = R"(graph @main(%x: f32[2,3]) {
  %pads = const i64[4] dense<[0, 0, 0, 0]>
  %shape = const i64[2] dense<[2, 3]>
  %a = Identity(%x) : f32[2,3]
  %b, _ = Dropout(%a) : f32[2,3], none
  %c = Cast(%b) {to = "f32"} : f32[2,3]
  %d = Reshape(%c, %shape) : f32[2,3]
  %e = Transpose(%d) {perm = [0, 1]} : f32[2,3]
  %f = Pad(%e, %pads) : f32[2,3]
  %g = Sum(%f) : f32[2,3]
  %h = Concat(%g) {axis = 0} : f32[2,3]
  %y = Relu(%h) : f32[2,3]
  return %y
}
)";
  std::string output = runPipelineOnText("nop-elim", input);
  EXPECT_EQ(checkSameResults(input, output), "");
}

} // namespace
} // namespace tessera::passes
