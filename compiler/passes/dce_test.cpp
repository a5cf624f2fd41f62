//===- dce_test.cpp - Dead code elimination, text in -> text out ---------------===//
#include <gtest/gtest.h>

#include "compiler/passes/pass_test_util.h"

namespace tessera::passes {
namespace {

// Removes a dead chain and the constant only it used; keeps what outputs need.
TEST(Dce, RemovesDeadChainsAndConstants) {
  std::string input = R"(graph @main(%x: f32[2]) {
  %c = const f32[2] dense<[1.0, 2.0]>
  %dead1 = Add(%x, %c) : f32[2]
  %dead2 = Neg(%dead1) : f32[2]
  %y = Relu(%x) : f32[2]
  return %y
}
)";
  EXPECT_EQ(runPipelineOnText("dce", input), R"(graph @main(%x: f32[2]) {
  %y = Relu(%x) : f32[2]
  return %y
}
)");
}

// A node with one used result of two stays.
TEST(Dce, KeepsNodesWithAnyUsedResult) {
  std::string input = R"(graph @main(%x: f32[4]) {
  %a, %b = Split(%x) {axis = 0} : f32[2], f32[2]
  return %b
}
)";
  EXPECT_EQ(runPipelineOnText("dce", input), input);
}

} // namespace
} // namespace tessera::passes
