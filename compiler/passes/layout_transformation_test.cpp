//===- layout_transformation_test.cpp - NCHW16c layout, text in -> text out ---===//
#include <gtest/gtest.h>

#include "compiler/passes/pass_test_util.h"

namespace tessera::passes {
namespace {

// conv -> relu -> pool -> conv stays blocked: one conversion in, one out.
TEST(LayoutTransformation, ConvertsOnceAroundABlockedChain) {
  std::string input = R"(graph @main(%x: f32[1,3,4,4]) {
  %w1 = const f32[2,3,1,1] dense<[1.0, 2.0, 3.0, -1.0, -2.0, -3.0]>
  %w2 = const f32[1,2,1,1] dense<[0.5, 0.25]>
  %c1 = Conv(%x, %w1) : f32[1,2,4,4]
  %r = Relu(%c1) : f32[1,2,4,4]
  %p = MaxPool(%r) {kernel_shape = [2, 2], strides = [2, 2]} : f32[1,2,2,2]
  %y = Conv(%p, %w2) : f32[1,1,2,2]
  return %y
}
)";
  std::string output = runPipelineOnText("layout-nchw16c", input);
  EXPECT_EQ(output, R"(graph @main(%x: f32[1,3,4,4]) {
  %w1 = const f32[2,3,1,1] dense<[1.0, 2.0, 3.0, -1.0, -2.0, -3.0]>
  %w2 = const f32[1,2,1,1] dense<[0.5, 0.25]>
  %x_blocked = LayoutConvert(%x) {from = "", to = "NCHW16c"} : f32[1,3,4,4]{layout="NCHW16c"}
  %c1_nchw16c = Conv(%x_blocked, %w1) : f32[1,2,4,4]{layout="NCHW16c"}
  %r_nchw16c = Relu(%c1_nchw16c) : f32[1,2,4,4]{layout="NCHW16c"}
  %p_nchw16c = MaxPool(%r_nchw16c) {kernel_shape = [2, 2], strides = [2, 2]} : f32[1,2,2,2]{layout="NCHW16c"}
  %y_nchw16c = Conv(%p_nchw16c, %w2) : f32[1,1,2,2]{layout="NCHW16c"}
  %y = LayoutConvert(%y_nchw16c) {from = "NCHW16c", to = ""} : f32[1,1,2,2]
  return %y
}
)");
  EXPECT_EQ(checkSameResults(input, output), "");
}

// Ops that keep the plain layout get conversions at their boundary.
TEST(LayoutTransformation, ConvertsAtPlainOps) {
  std::string input = R"(graph @main(%x: f32[1,2,2,2]) {
  %w = const f32[2,2,1,1] dense<[1.0, 0.0, 0.0, 1.0]>
  %c = Conv(%x, %w) : f32[1,2,2,2]
  %f = Flatten(%c) : f32[1,8]
  return %f
}
)";
  std::string output = runPipelineOnText("layout-nchw16c", input);
  EXPECT_NE(output.find("%c = LayoutConvert(%c_nchw16c) {from = \"NCHW16c\", to = \"\"} : f32[1,2,2,2]"),
            std::string::npos) << output;
  EXPECT_NE(output.find("%f = Flatten(%c)"), std::string::npos) << output;
  EXPECT_EQ(checkSameResults(input, output), "");
}

} // namespace
} // namespace tessera::passes
