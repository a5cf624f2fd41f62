//===- operator_sinking_test.cpp - Operator sinking: same results ------===//
//
// The printed IR each pass produces is checked in tests/lit/passes/sink.test; these
// tests check that the rewritten graph computes the same outputs as the original.
//
//===----------------------------------------------------------------------===//
#include <gtest/gtest.h>

#include "compiler/passes/pass_test_util.h"

namespace tessera::passes {
namespace {

// A Transpose sinks below Relu and Add (with a scalar) and meets its inverse.
TEST(OperatorSinking, SinksTransposeAndCancelsInversePair) {
  std::string input = R"(graph @main(%x: f32[2,3]) {
  %k = const f32[] dense<[1.5]>
  %t = Transpose(%x) {perm = [1, 0]} : f32[3,2]
  %r = Relu(%t) : f32[3,2]
  %a = Add(%r, %k) : f32[3,2]
  %y = Transpose(%a) {perm = [1, 0]} : f32[2,3]
  return %y
}
)";
  std::string output = runPipelineOnText("sink,dce", input);
  EXPECT_EQ(checkSameResults(input, output), "");
}

// A binary op whose operands are transposed alike computes before one Transpose.
TEST(OperatorSinking, SinksMatchingTransposesOfBothOperands) {
  std::string input = R"(graph @main(%x: f32[2,3], %z: f32[2,3]) {
  %a = Transpose(%x) {perm = [1, 0]} : f32[3,2]
  %b = Transpose(%z) {perm = [1, 0]} : f32[3,2]
  %y = Mul(%a, %b) : f32[3,2]
  return %y
}
)";
  std::string output = runPipelineOnText("sink", input);
  EXPECT_EQ(checkSameResults(input, output), "");
}

} // namespace
} // namespace tessera::passes
