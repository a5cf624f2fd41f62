//===- shape_inference_test.cpp - Inference rules on small graphs --------------===//
#include <gtest/gtest.h>

#include "compiler/graph/parser.h"
#include "compiler/graph/shape_inference.h"
#include "compiler/graph/topo_sort.h"

namespace tessera::graph {
namespace {

/// Parses a graph whose results are typed f32[*], infers, returns the type of %y.
std::string inferredType(const std::string &body, const std::string &params) {
  std::string text = "graph @g(" + params + ") {\n" + body + "\n  return %y\n}\n";
  auto graph = parseGraph(text);
  if (!graph.ok()) return std::string(graph.status().message());
  Status status = inferGraphTypes(*graph);
  if (!status.ok()) return std::string(status.message());
  return typeToString(graph->typeOf("y"));
}

TEST(ShapeInference, ConvWithStridesPadsAndGroups) {
  EXPECT_EQ(inferredType("  %y = Conv(%x, %w) {group = 2, pads = [1, 1, 1, 1], strides = [2, 2]} : f32[*]",
                         "%x: f32[1,4,9,9], %w: f32[6,2,3,3]"),
            "f32[1,6,5,5]");
}

TEST(ShapeInference, PoolCeilModeAndSamePadding) {
  EXPECT_EQ(inferredType("  %y = MaxPool(%x) {ceil_mode = 1, kernel_shape = [3, 3], strides = [2, 2]} : f32[*]",
                         "%x: f32[1,2,8,8]"),
            "f32[1,2,4,4]");
  EXPECT_EQ(inferredType("  %y = AveragePool(%x) {auto_pad = \"SAME_UPPER\", kernel_shape = [3, 3], strides = [2, 2]} : f32[*]",
                         "%x: f32[1,2,7,7]"),
            "f32[1,2,4,4]");
}

TEST(ShapeInference, PadAndTileOverflowIsAnError) {
  // Signed overflow (UB) in the extent arithmetic, found by fuzz/fuzz_onnx.cpp.
  std::string pad = inferredType("  %p = const i64[2] dense<[9223372036854775807, 1]>\n  %y = Pad(%x, %p) : f32[*]",
                                 "%x: f32[4]");
  EXPECT_NE(pad.find("overflow dimension 0"), std::string::npos) << pad;
  std::string tile = inferredType("  %r = const i64[1] dense<[4611686018427387904]>\n  %y = Tile(%x, %r) : f32[*]",
                                  "%x: f32[4]");
  EXPECT_NE(tile.find("overflows dimension 0"), std::string::npos) << tile;
}

TEST(ShapeInference, ReshapeFromConstantShape) {
  EXPECT_EQ(inferredType("  %s = const i64[2] dense<[0, -1]>\n  %y = Reshape(%x, %s) : f32[*]",
                         "%x: f32[2,3,4]"),
            "f32[2,12]");
}

TEST(ShapeInference, ReshapeFromRuntimeShapeIsUnknown) {
  EXPECT_EQ(inferredType("  %y = Reshape(%x, %s) : f32[*]", "%x: f32[2,3,4], %s: i64[3]"), "f32[?,?,?]");
}

TEST(ShapeInference, BroadcastKeepsUnknownDims) {
  EXPECT_EQ(inferredType("  %y = Add(%x, %z) : f32[*]", "%x: f32[?,3], %z: f32[4,1,1]"), "f32[4,?,3]");
}

TEST(ShapeInference, MatMulBatchesBroadcast) {
  EXPECT_EQ(inferredType("  %y = MatMul(%x, %z) : f32[*]", "%x: f32[2,1,3,4], %z: f32[5,4,6]"), "f32[2,5,3,6]");
}

TEST(ShapeInference, SliceWithNegativeSteps) {
  EXPECT_EQ(inferredType("  %s = const i64[1] dense<[-1]>\n  %e = const i64[1] dense<[-100]>\n"
                         "  %a = const i64[1] dense<[1]>\n  %t = const i64[1] dense<[-2]>\n"
                         "  %y = Slice(%x, %s, %e, %a, %t) : f32[*]",
                         "%x: f32[3,10]"),
            "f32[3,5]");
}

TEST(ShapeInference, QuantizedOpsTakeTheirOutputZeroPointType) {
  EXPECT_EQ(inferredType("  %y = QuantizeLinear(%x, %s, %z) : f32[*]", "%x: f32[3], %s: f32[], %z: i8[]"), "i8[3]");
}

TEST(ShapeInference, ErrorNamesTheNode) {
  EXPECT_EQ(inferredType("  %y = Transpose(%x) {perm = [0, 0]} : f32[*] loc(\"tr\")", "%x: f32[2,3]"),
            "Transpose 'tr': perm is not a permutation");
}

TEST(TopologicalSort, OrdersProducersFirstAndDetectsCycles) {
  auto graph = parseGraph("graph @g(%x: f32[2]) {\n  %b = Relu(%a) : f32[2]\n  %a = Neg(%x) : f32[2]\n"
                          "  return %b\n}\n");
  ASSERT_TRUE(graph.ok()) << graph.status();
  ASSERT_TRUE(sortTopologically(*graph).ok());
  EXPECT_EQ(graph->nodes[0].op, "Neg");
  auto cyclic = parseGraph("graph @g(%x: f32[2]) {\n  %b = Add(%a, %x) : f32[2]\n  %a = Neg(%b) : f32[2]\n"
                           "  return %b\n}\n");
  ASSERT_TRUE(cyclic.ok());
  EXPECT_EQ(sortTopologically(*cyclic).message(), "graph @g has a cycle");
}

} // namespace
} // namespace tessera::graph
