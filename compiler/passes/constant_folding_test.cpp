//===- constant_folding_test.cpp - Constant folding: same results ------===//
//
// The printed IR each pass produces is checked in tests/lit/passes/constant-fold.test; these
// tests check that the rewritten graph computes the same outputs as the original.
//
//===----------------------------------------------------------------------===//
#include <gtest/gtest.h>

#include "compiler/passes/pass_test_util.h"

namespace tessera::passes {
namespace {

// A chain of constant ops folds in one run, and the folded shape sharpens Reshape.
TEST(ConstantFolding, FoldsChainsAndShapeComputations) {
  std::string input = R"(graph @main(%x: f32[2,3]) {
  %a = const f32[2] dense<[1.0, 2.0]>
  %b = Mul(%a, %a) : f32[2]
  %c = Add(%b, %a) : f32[2]
  %s = Shape(%x) : i64[2]
  %r = ReduceProd(%s) {keepdims = 1} : i64[1]
  %y = Reshape(%x, %r) : f32[?]
  return %c, %y
}
)";
  std::string output = runPipelineOnText("constant-fold,dce", input);
  EXPECT_EQ(checkSameResults(input, output), "");
}

} // namespace
} // namespace tessera::passes
