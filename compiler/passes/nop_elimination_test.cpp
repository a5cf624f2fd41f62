//===- nop_elimination_test.cpp - Nop elimination, text in -> text out --------===//
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
  EXPECT_EQ(output, R"(graph @main(%x: f32[2,3]) {
  %y = Relu(%x) : f32[2,3]
  return %y
}
)");
  EXPECT_EQ(checkSameResults(input, output), "");
}

// Ops that change something stay: a real Cast, a real Transpose, a used mask.
TEST(NopElimination, KeepsOpsThatChangeTheirInput) {
  std::string input = R"(graph @main(%x: f32[2,3]) {
  %c = Cast(%x) {to = "f16"} : f16[2,3]
  %t = Transpose(%x) {perm = [1, 0]} : f32[3,2]
  %d, %m = Dropout(%x) : f32[2,3], bool[2,3]
  return %c, %t, %m
}
)";
  EXPECT_EQ(runPipelineOnText("nop-elim", input), input);
}

// A node whose first result is absent (an RNN's unused Y) is left alone, not inspected.
TEST(NopElimination, SkipsNodesWithoutAFirstResult) {
  std::string input = R"(graph @main(%x: f32[2,3]) {
  _, %b = Split(%x) {axis = 0} : none, f32[1,3]
  return %b
}
)";
  EXPECT_EQ(runPipelineOnText("nop-elim", input), input);
}

// A nop whose result is a graph output hands its name to its input's producer.
TEST(NopElimination, PreservesGraphOutputNames) {
  std::string input = R"(graph @main(%x: f32[2]) {
  %a = Relu(%x) : f32[2]
  %y = Identity(%a) : f32[2]
  return %y
}
)";
  EXPECT_EQ(runPipelineOnText("nop-elim", input), R"(graph @main(%x: f32[2]) {
  %y = Relu(%x) : f32[2]
  return %y
}
)");
}

} // namespace
} // namespace tessera::passes
