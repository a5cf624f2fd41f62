//===- verifier_test.cpp - Malformed graphs and the messages they produce ------===//
//
// Like MLIR's invalid.mlir: each case is a small graph with one defect and the exact
// message the verifier must give.
//
//===----------------------------------------------------------------------===//
#include <gtest/gtest.h>

#include "compiler/graph/parser.h"
#include "compiler/graph/verifier.h"

namespace tessera::graph {
namespace {

std::string verifyText(const std::string &text) {
  auto graph = parseGraph(text);
  if (!graph.ok()) return "parse error: " + std::string(graph.status().message());
  Status status = verifyGraph(*graph);
  return status.ok() ? "ok" : std::string(status.message());
}

TEST(Verifier, AcceptsWellFormedGraph) {
  EXPECT_EQ(verifyText("graph @g(%x: f32[2,3]) {\n  %y = Relu(%x) : f32[2,3]\n  return %y\n}\n"), "ok");
}

TEST(Verifier, RejectsUseBeforeDefinition) {
  EXPECT_EQ(verifyText("graph @g(%x: f32[2]) {\n  %a = Relu(%b) : f32[2]\n  %b = Relu(%a) : f32[2]\n"
                       "  return %b\n}\n"),
            "Relu defining %a: input 0 (%b) is used before its definition (the graph has a cycle "
            "or is not in topological order)");
}

TEST(Verifier, RejectsUndefinedInput) {
  EXPECT_EQ(verifyText("graph @g(%x: f32[2]) {\n  %a = Add(%x, %nope) : f32[2]\n  return %a\n}\n"),
            "Add defining %a: input 1 (%nope) is not defined");
}

TEST(Verifier, RejectsWrongResultShape) {
  EXPECT_EQ(verifyText("graph @g(%x: f32[2,3]) {\n  %y = Transpose(%x) : f32[2,3] loc(\"t\")\n"
                       "  return %y\n}\n"),
            "Transpose 't': result %y is typed f32[2,3] but the op produces f32[3,2]");
}

TEST(Verifier, RejectsWrongResultDtype) {
  EXPECT_EQ(verifyText("graph @g(%x: f32[2]) {\n  %y = Equal(%x, %x) : f32[2]\n  return %y\n}\n"),
            "Equal defining %y: result %y is typed f32[2] but the op produces bool[2]");
}

TEST(Verifier, RejectsUnknownOp) {
  EXPECT_EQ(verifyText("graph @g(%x: f32[2]) {\n  %y = Frobnicate(%x) : f32[2]\n  return %y\n}\n"),
            "Frobnicate defining %y: unknown op 'Frobnicate'");
}

TEST(Verifier, RejectsShapeMismatchInBroadcast) {
  EXPECT_EQ(verifyText("graph @g(%x: f32[2,3], %z: f32[4]) {\n  %y = Add(%x, %z) : f32[2,3]\n"
                       "  return %y\n}\n"),
            "Add defining %y: shapes [2,3] and [4] do not broadcast");
}

TEST(Verifier, RejectsBadConvChannels) {
  EXPECT_EQ(verifyText("graph @g(%x: f32[1,3,4,4], %w: f32[8,2,3,3]) {\n"
                       "  %y = Conv(%x, %w) : f32[1,8,2,2]\n  return %y\n}\n"),
            "Conv defining %y: input has 3 channels but weight expects 2 x group 1");
}

TEST(Verifier, RejectsBadQuantization) {
  EXPECT_EQ(verifyText("graph @g(%x: i8[4,2]{scale=[0.5, 0.5, 0.5], zero_point=[0, 0, 0], axis=0}) {\n"
                       "  return %x\n}\n"),
            "value %x: per-axis quantization has 3 scales but axis 0 has extent 4");
}

TEST(Verifier, RejectsUndefinedOutput) {
  EXPECT_EQ(verifyText("graph @g(%x: f32[2]) {\n  return %y\n}\n"), "graph output %y is not defined");
}

} // namespace
} // namespace tessera::graph
