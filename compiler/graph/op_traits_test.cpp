//===- op_traits_test.cpp - ops.def's traits column and its queries ----------------===//
#include "compiler/graph/op_traits.h"

#include <gtest/gtest.h>

#include "compiler/graph/shape_inference.h"

namespace tessera::graph {
namespace {

TEST(OpTraits, Queries) {
  EXPECT_TRUE(isElementwiseOp("Cast"));
  EXPECT_FALSE(isFloatMathUnary("Cast")); // elementwise, but not plain float math
  EXPECT_TRUE(isFloatMathUnary("Relu"));
  EXPECT_TRUE(isFloatMathBinary("PRelu"));
  EXPECT_FALSE(isFloatMathBinary("Equal"));
  EXPECT_TRUE(hasOpTrait("Where", op_trait::Broadcast));
  EXPECT_TRUE(hasOpTrait("ReduceLogSumExp", op_trait::Reduce));
  EXPECT_TRUE(hasOpTrait("Unsqueeze", op_trait::ReshapeLike));
  EXPECT_FALSE(isElementwiseOp("Conv"));
  EXPECT_EQ(opTraits("NoSuchOp"), op_trait::None);
}

// The traits' own invariants: plain float math is elementwise, and nothing is both
// unary and broadcast.
TEST(OpTraits, Consistent) {
  for (const std::string &op : knownOps()) {
    uint32_t traits = opTraits(op);
    if (traits & op_trait::FloatMath) {
      EXPECT_TRUE(isElementwiseOp(op)) << op;
    }
    EXPECT_FALSE(hasOpTrait(op, op_trait::Unary | op_trait::Broadcast)) << op;
  }
}

} // namespace
} // namespace tessera::graph
