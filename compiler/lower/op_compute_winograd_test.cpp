//===- op_compute_winograd_test.cpp - Winograd 3x3 convolutions -------------------===//
//
// Which convolutions take the Winograd description, and that compiled Winograd
// kernels, F(2x2, 3x3) and F(4x4, 3x3) (even, odd and non-square outputs, padding on
// some sides only, batch 2, with and without bias, with fused ReLU and residual
// epilogues) reproduce the reference interpreter.
//
//===----------------------------------------------------------------------===//
#include <gtest/gtest.h>

#include "compiler/exec/graph_executor.h"
#include "compiler/exec/test_graphs.h"
#include "compiler/loop/printer.h"
#include "compiler/lower/op_compute.h"

namespace tessera::lower {
namespace {

using exec::testing::addNode;
using exec::testing::attrs;
using exec::testing::randomTensor;

struct ConvCase {
  Shape input;
  int64_t outChannels;
  graph::Ints pads;
  bool bias = true;
  graph::Ints strides = {1, 1};
  int64_t group = 1;
};

/// x -> Conv(3x3) [-> Relu -> Add(residual input `res`)] -> y.
graph::Graph convGraph(const ConvCase &c, bool epilogue) {
  graph::Graph g;
  g.inputs = {"x"};
  g.setValue("x", graph::TensorType(DType::F32, c.input));
  std::string w = g.addConstant("w", randomTensor({c.outChannels, c.input[1] / c.group, 3, 3}, 7));
  std::string b = c.bias ? g.addConstant("b", randomTensor({c.outChannels}, 8)) : "";
  addNode(g, "Conv", {"x", w, b}, "c",
          attrs({{"pads", c.pads}, {"strides", c.strides}, {"group", c.group}, {"kernel_shape", graph::Ints{3, 3}}}));
  g.outputs = {"c"};
  Status status = graph::inferGraphTypes(g);
  EXPECT_TRUE(status.ok()) << status;
  if (epilogue) {
    g.inputs.push_back("res");
    g.setValue("res", g.typeOf("c"));
    addNode(g, "Relu", {"c"}, "r");
    addNode(g, "Add", {"r", "res"}, "y");
    g.outputs = {"y"};
    status = graph::inferGraphTypes(g);
    EXPECT_TRUE(status.ok()) << status;
  }
  return g;
}

std::vector<std::string> rolesOf(const graph::Graph &g, int64_t tile) {
  DescribeOptions options;
  options.winogradOutputTile = tile;
  auto description = describeKernel(g, KernelGroup{{0}}, "k", options);
  EXPECT_TRUE(description.ok()) << description.status();
  std::vector<std::string> roles;
  if (description.ok())
    for (const loop::Stage &s : description->func.stages) roles.push_back(s.role);
  return roles;
}

TEST(WinogradConv, TakenOnlyByStrideOneUngroupedThreeByThree) {
  std::vector<std::string> winograd = {"pad", "winograd.input", "winograd.product", "winograd.output"};
  EXPECT_EQ(rolesOf(convGraph({{1, 16, 8, 8}, 16, {1, 1, 1, 1}}, false), 2), winograd);
  EXPECT_EQ(rolesOf(convGraph({{1, 16, 8, 8}, 16, {1, 1, 1, 1}}, false), 0).size(), 2u);  // pad + direct
  // A partial last tile: whole tiles to a temporary, then a crop to the output.
  std::vector<std::string> cropped = winograd;
  cropped.push_back("winograd.crop");
  EXPECT_EQ(rolesOf(convGraph({{1, 16, 7, 7}, 16, {1, 1, 1, 1}}, false), 2), cropped);
  EXPECT_EQ(rolesOf(convGraph({{1, 16, 8, 8}, 16, {1, 1, 1, 1}, true, {2, 2}}, false), 2).size(), 2u);
  EXPECT_EQ(rolesOf(convGraph({{1, 16, 8, 8}, 16, {1, 1, 1, 1}, true, {1, 1}, 2}, false), 2).size(), 2u);
  EXPECT_EQ(rolesOf(convGraph({{1, 8, 8, 8}, 16, {1, 1, 1, 1}}, false), 2).size(), 2u);  // too few channels
  EXPECT_EQ(rolesOf(convGraph({{1, 16, 8, 8}, 16, {1, 1, 1, 1}}, false), 4), winograd);  // F(4x4, 3x3)
  EXPECT_EQ(rolesOf(convGraph({{1, 16, 10, 10}, 16, {1, 1, 1, 1}}, false), 4), cropped);
  EXPECT_EQ(rolesOf(convGraph({{1, 16, 8, 8}, 16, {1, 1, 1, 1}}, false), 3).size(), 2u);  // no F(3x3, 3x3)
}

/// Compiles `g` for the CPU (Winograd on), checks that some kernel uses it, and
/// compares with the interpreter.
void expectWinogradMatchesInterpreter(const graph::Graph &g, const Shape &input, int64_t tile,
                                      const CpuScheduleParams &schedule = CpuScheduleParams{}) {
  exec::PlanOptions options;
  options.schedule = schedule;
  options.schedule.winogradOutputTile = tile;
  options.schedule.winogradMinChannels = 16;  // the defaults keep Winograd for larger layers
  options.schedule.winogradMinPixels = 0;
  auto model = exec::compileForCpu(g, options);
  ASSERT_TRUE(model.ok()) << model.status();
  std::string printed;
  for (const loop::Func &f : model->executor->plan().module.funcs) printed += loop::printFunc(f);
  EXPECT_NE(printed.find("wino_m"), std::string::npos) << "no Winograd kernel in\n" << printed;
  interp::TensorMap inputs = {{"x", randomTensor(input, 3)}};
  if (g.findValue("res")) inputs["res"] = randomTensor(g.typeOf("res").shape, 4);
  EXPECT_EQ(model->executor->plan().steps.size(), 1u) << "the epilogue is not fused";
  auto got = model->executor->run(inputs);
  ASSERT_TRUE(got.ok()) << got.status();
  auto want = interp::runGraph(g, inputs);
  ASSERT_TRUE(want.ok()) << want.status();
  for (const std::string &name : g.outputs) exec::testing::expectClose(got->at(name), want->at(name), name);
}

TEST(WinogradConv, MatchesTheInterpreter) {
  std::vector<ConvCase> cases = {
      {{1, 16, 8, 8}, 16, {1, 1, 1, 1}},           // whole tiles
      {{1, 16, 7, 7}, 24, {1, 1, 1, 1}, false},    // odd: the last tile row and column are partial
      {{1, 20, 5, 9}, 16, {0, 1, 2, 1}},           // non-square, padding on some sides only
      {{2, 16, 6, 6}, 32, {0, 0, 0, 0}},           // batch 2, no padding: 4x4 output
      {{1, 32, 14, 14}, 16, {1, 1, 1, 1}},         // 49 tiles: columns padded to the alignment
  };
  for (int64_t tile : {2, 4})
    for (const ConvCase &c : cases)
      for (bool epilogue : {false, true}) {
        SCOPED_TRACE(strCat("F(", tile, "x", tile, ", 3x3) ", shapeToString(c.input), " -> ", c.outChannels,
                            epilogue ? " with epilogue" : ""));
        expectWinogradMatchesInterpreter(convGraph(c, epilogue), c.input, tile);
      }
}

// Products over three 16-lane vectors of tiles (AVX-512's default; 16 lanes also lower
// on AVX2 hosts): the last column tile masked where the tiles are not a whole number of
// them, with the row split (784 tiles, weights smaller than the input: the column tiles
// alone parallel; 49 tiles: one whole column tile, the loop fused with its guard) and
// the channel split, and a column tile cut to the columns of a small image (16 tiles).
TEST(WinogradConv, ThreeVectorColumnTilesMatchTheInterpreter) {
  CpuScheduleParams wide = scheduleParamsFor(32);
  ASSERT_EQ(wide.winogradColumnBlock, 48);
  std::vector<ConvCase> cases = {
      {{1, 16, 56, 56}, 16, {1, 1, 1, 1}},  // 784 tiles = 16 x 48 + 16, rows split
      {{1, 16, 14, 14}, 16, {1, 1, 1, 1}},  // 49 tiles, padded to 64 = 48 + 16, rows split
      {{1, 64, 14, 14}, 64, {1, 1, 1, 1}},  // 49 tiles, padded to 64 = 48 + 16
      {{1, 32, 8, 8}, 32, {1, 1, 1, 1}},    // 16 tiles: one vector
  };
  for (bool padded : {false, true}) {
    CpuScheduleParams schedule = wide;
    if (padded) schedule.winogradColumnAlign = schedule.winogradColumnBlock;
    for (const ConvCase &c : cases) {
      SCOPED_TRACE(strCat(shapeToString(c.input), " -> ", c.outChannels, padded ? ", padded" : ""));
      expectWinogradMatchesInterpreter(convGraph(c, /*epilogue=*/true), c.input, 2, schedule);
    }
  }
}

} // namespace
} // namespace tessera::lower
