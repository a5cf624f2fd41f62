//===- cse_test.cpp - Common subexpression elimination: same results ---===//
//
// The printed IR each pass produces is checked in tests/lit/passes/cse.test; these
// tests check that the rewritten graph computes the same outputs as the original.
//
//===----------------------------------------------------------------------===//
#include <gtest/gtest.h>

#include "compiler/passes/pass_test_util.h"

namespace tessera::passes {
namespace {

// Identical nodes merge, and the merge cascades to their users.
TEST(Cse, MergesIdenticalNodesTransitively) {
  std::string input = R"(graph @main(%x: f32[2]) {
  %a = Relu(%x) : f32[2]
  %b = Relu(%x) : f32[2]
  %c = Neg(%a) : f32[2]
  %d = Neg(%b) : f32[2]
  %e = Add(%c, %d) : f32[2]
  return %e
}
)";
  std::string output = runPipelineOnText("cse", input);
  EXPECT_EQ(checkSameResults(input, output), "");
}

// Equal constants merge; different attributes keep nodes apart.
TEST(Cse, MergesEqualConstantsButNotDifferentAttributes) {
  std::string input = R"(graph @main(%x: f32[2]) {
  %c1 = const f32[2] dense<[1.0, 2.0]>
  %c2 = const f32[2] dense<[1.0, 2.0]>
  %a = Add(%x, %c1) : f32[2]
  %b = Add(%x, %c2) : f32[2]
  %l1 = LeakyRelu(%a) {alpha = 0.1} : f32[2]
  %l2 = LeakyRelu(%b) {alpha = 0.2} : f32[2]
  %y = Sub(%l1, %l2) : f32[2]
  return %y
}
)";
  std::string output = runPipelineOnText("cse", input);
  EXPECT_EQ(checkSameResults(input, output), "");
}

// A duplicate that is a graph output keeps the output's name.
TEST(Cse, KeepsGraphOutputNames) {
  std::string input = R"(graph @main(%x: f32[2]) {
  %a = Relu(%x) : f32[2]
  %b = Relu(%x) : f32[2]
  return %a, %b
}
)";
  std::string output = runPipelineOnText("cse", input);
  EXPECT_EQ(checkSameResults(input, output), "");
  EXPECT_NE(output.find("return %a, %b"), std::string::npos) << output;
}

} // namespace
} // namespace tessera::passes
