//===- zero_dim_elimination_test.cpp - Zero-dim elimination: same results ---===//
//
// The printed IR each pass produces is checked in tests/lit/passes/zero-dim-elim.tg; these
// tests check that the rewritten graph computes the same outputs as the original.
//
//===----------------------------------------------------------------------===//
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
  EXPECT_EQ(checkSameResults(input, output), "");
}

} // namespace
} // namespace tessera::passes
