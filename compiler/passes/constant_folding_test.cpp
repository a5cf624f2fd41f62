//===- constant_folding_test.cpp - Constant folding, text in -> text out ------===//
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
  EXPECT_EQ(output, R"(graph @main(%x: f32[2,3]) {
  %a = const f32[2] dense<[1.0, 2.0]>
  %b = const f32[2] dense<[1.0, 4.0]>
  %r = const i64[1] dense<[6]>
  %c = Add(%b, %a) : f32[2]
  %y = Reshape(%x, %r) : f32[6]
  return %c, %y
}
)") << "graph outputs keep their node";
  EXPECT_EQ(checkSameResults(input, output), "");
}

// Ops with a non-constant input are left alone.
TEST(ConstantFolding, LeavesRuntimeValues) {
  std::string input = R"(graph @main(%x: f32[2]) {
  %y = Relu(%x) : f32[2]
  return %y
}
)";
  EXPECT_EQ(runPipelineOnText("constant-fold", input), input);
}

} // namespace
} // namespace tessera::passes
