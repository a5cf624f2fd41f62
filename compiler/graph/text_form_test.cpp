//===- text_form_test.cpp - Print/parse round trips and parse errors -----------===//
#include <gtest/gtest.h>

#include "compiler/graph/parser.h"
#include "compiler/graph/printer.h"
#include "compiler/graph/verifier.h"

namespace tessera::graph {
namespace {

constexpr const char *kConvGraph = R"(graph @main(%x: f32[1,3,8,8]) {
  %b = const f32[4] dense<[0.5, -1.0, 0.0, 2.0]>
  %w = const f32[4,3,1,1] dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0]>
  %y = Conv(%x, %w, %b) {group = 1, pads = [0, 0, 0, 0]} : f32[1,4,8,8] loc("conv1")
  %"r/1" = Relu(%y) : f32[1,4,8,8]
  return %"r/1"
}
)";

TEST(TextForm, RoundTripsExactly) {
  auto graph = parseGraph(kConvGraph);
  ASSERT_TRUE(graph.ok()) << graph.status();
  EXPECT_TRUE(verifyGraph(*graph).ok()) << verifyGraph(*graph);
  EXPECT_EQ(printGraph(*graph), kConvGraph);
  EXPECT_EQ(graph->nodes[0].name, "conv1");
}

TEST(TextForm, RoundTripsEveryAttributeKindAndTypeParameter) {
  constexpr const char *text = R"(graph @g(%x: i8[2,?]{scale=0.25, zero_point=-3}, %y: f32[*], %z: f32[1,16,4,4]{layout="NCHW16c"}) {
  %big = const f32[20] dense<0x000000000000803F0000004000004040000080400000A0400000C0400000E040000000410000104100002041000030410000404100005041000060410000704100008041000088410000904100009841>
  %q = const i8[3]{scale=[0.5, 0.25, 1.0], zero_point=[0, 0, 0], axis=0} dense<[-128, 0, 127]>
  %a, _ = Op(%x, _, %y) {e = ints[], f = 1.5, fs = [1.0, nan, -inf], i = -2, is = [1, 2], s = "a\"b", ss = ["x", "y"], t = f64[2] dense<[0.10000000000000001, 2.0]>} : f32[*], none
  return %a, %big, %q, %z
}
)";
  auto graph = parseGraph(text);
  ASSERT_TRUE(graph.ok()) << graph.status();
  EXPECT_EQ(printGraph(*graph), text);
}

TEST(TextForm, ReportsLineAndColumnOfErrors) {
  auto graph = parseGraph("graph @g(%x: f32[2]) {\n  %y = Relu(%x) : f32[2\n  return %y\n}\n");
  ASSERT_FALSE(graph.ok());
  EXPECT_EQ(graph.status().message(), "3:3: expected ',' (found 'return')");
}

TEST(TextForm, RejectsDenseDataOfTheWrongSize) {
  auto graph = parseGraph("graph @g() {\n  %c = const f32[3] dense<[1.0, 2.0]>\n  return %c\n}\n");
  ASSERT_FALSE(graph.ok());
  EXPECT_NE(graph.status().message().find("dense list has 2 elements but f32[3] has 3"),
            std::string::npos)
      << graph.status();
}

TEST(TextForm, RejectsRedefinition) {
  auto graph = parseGraph("graph @g(%x: f32[2]) {\n  %x = Relu(%x) : f32[2]\n  return %x\n}\n");
  ASSERT_FALSE(graph.ok());
  EXPECT_NE(graph.status().message().find("value %x is defined twice"), std::string::npos);
}

TEST(TextForm, RejectsUnknownElementType) {
  auto graph = parseGraph("graph @g(%x: q7[2]) {\n  return %x\n}\n");
  ASSERT_FALSE(graph.ok());
  EXPECT_NE(graph.status().message().find("1:14: unknown element type 'q7'"), std::string::npos)
      << graph.status();
}

} // namespace
} // namespace tessera::graph
