//===- zero_dim_elimination_test.cpp - Zero-dim elimination, text in -> out ---===//
#include <gtest/gtest.h>

#include "compiler/passes/pass_test_util.h"

namespace tessera::passes {
namespace {

// Empty Concat operands are dropped and computation on empty tensors disappears.
TEST(ZeroDimElimination, DropsEmptyOperandsAndComputation) {
  std::string input = R"(graph @main(%x: f32[2,3], %e: f32[2,0]) {
  %n = Neg(%x) : f32[2,3]
  %r = Relu(%e) : f32[2,0]
  %y = Concat(%n, %r) {axis = 1} : f32[2,3]
  return %y
}
)";
  std::string output = runPipelineOnText("zero-dim-elim", input);
  EXPECT_EQ(output, R"(graph @main(%x: f32[2,3], %e: f32[2,0]) {
  %n = Neg(%x) : f32[2,3]
  %y = Concat(%n) {axis = 1} : f32[2,3]
  return %y
}
)");
  EXPECT_EQ(checkSameResults(input, output), "");
  EXPECT_EQ(runPipelineOnText("zero-dim-elim,nop-elim", input), R"(graph @main(%x: f32[2,3], %e: f32[2,0]) {
  %y = Neg(%x) : f32[2,3]
  return %y
}
)");
}

} // namespace
} // namespace tessera::passes
