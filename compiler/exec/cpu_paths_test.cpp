//===- cpu_paths_test.cpp - The CPU back end's specialized convolution and pool paths ===//
//
// Graphs that take the CPU back end's specialized paths, compiled and compared with
// the reference interpreter:
//
//  * 1x1 convolutions as matrix products over the flattened image (merged spatial
//    axes, a masked last column tile), with fused residual and per-channel operands,
//    and an operand broadcasting along one spatial axis (not fusable there);
//  * K x K stride-1 convolutions as the same products, each tap's input shifted and
//    masked (windowMatrixMaxKernel);
//  * depthwise convolutions reading the unpadded input through a bounds select (no
//    zero-padded copy) in tiles of channels x rows with the taps unrolled, and the
//    padded-copy path they replace;
//  * grouped convolutions, and convolutions of few input channels, in row tiles (one
//    group's output channels x a vector of columns), and as channel vectors that stay
//    in one group;
//  * max pooling with -inf padded windows (ceil mode included) and average pooling;
//  * all of them under both targets' default schedules (AVX2 and AVX-512), and
//    auto-tuned (--tune).
//
//===----------------------------------------------------------------------===//
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <regex>
#include <sstream>

#include "compiler/codegen/thread_pool.h"
#include "compiler/exec/graph_executor.h"
#include "compiler/exec/test_graphs.h"
#include "compiler/loop/printer.h"

namespace tessera::exec {
namespace {

using testing::addNode;
using testing::attrs;
using testing::randomTensor;

/// What a compiled graph looked like: its steps and printed loop IR.
struct Compiled {
  size_t steps = 0;
  int kernels = 0;
  std::string ir;
};

/// Compiles `g`, expects no reference fallback, runs it on `inputs` and compares every
/// output with the interpreter.
Compiled expectMatchesInterpreter(const graph::Graph &g, const interp::TensorMap &inputs,
                                  const PlanOptions &options = {}) {
  Compiled c;
  auto model = compileForCpu(g, options);
  EXPECT_TRUE(model.ok()) << model.status();
  if (!model.ok()) return c;
  const ExecutionPlan &plan = model->executor->plan();
  c.steps = plan.steps.size();
  c.kernels = plan.count(StepKind::Kernel);
  for (const loop::Func &f : plan.module.funcs) c.ir += loop::printFunc(f);
  EXPECT_EQ(plan.count(StepKind::Reference), 0) << plan.summary(g);
  auto got = model->executor->run(inputs);
  EXPECT_TRUE(got.ok()) << got.status();
  auto want = interp::runGraph(g, inputs);
  EXPECT_TRUE(want.ok()) << want.status();
  if (!got.ok() || !want.ok()) return c;
  for (const std::string &name : g.outputs) testing::expectClose(got->at(name), want->at(name), name);
  return c;
}

void inferTypes(graph::Graph &g) {
  Status status = graph::inferGraphTypes(g);
  EXPECT_TRUE(status.ok()) << status;
}

/// A random tensor scaled and shifted: values in [shift - scale, shift + scale].
Tensor scaledTensor(Shape shape, unsigned seed, float scale, float shift = 0) {
  Tensor t = randomTensor(std::move(shape), seed);
  for (int64_t k = 0; k < t.elementCount(); ++k) t.data<float>()[k] = t.data<float>()[k] * scale + shift;
  return t;
}

//===----------------------------------------------------------------------===//
// 1x1 convolutions as matrix products
//===----------------------------------------------------------------------===//

/// The operand added after the 1x1 convolution's ReLU: a graph input ("res") or a
/// constant, of `shape` (broadcast against the convolution's output).
struct AddOperand {
  Shape shape;
  bool constant = false;
};

/// x -> Conv(1x1, bias) -> Relu -> Add(operand) -> y.
graph::Graph pointwiseGraph(const Shape &input, int64_t outChannels, const AddOperand &operand) {
  graph::Graph g;
  g.inputs = {"x"};
  g.setValue("x", graph::TensorType(DType::F32, input));
  std::string w = g.addConstant("w", randomTensor({outChannels, input[1], 1, 1}, 7));
  std::string b = g.addConstant("b", randomTensor({outChannels}, 8));
  addNode(g, "Conv", {"x", w, b}, "c", attrs({{"kernel_shape", graph::Ints{1, 1}}}));
  addNode(g, "Relu", {"c"}, "r");
  std::string other = "res";
  if (operand.constant) {
    other = g.addConstant("k", randomTensor(operand.shape, 9));
  } else {
    g.inputs.push_back("res");
    g.setValue("res", graph::TensorType(DType::F32, operand.shape));
  }
  addNode(g, "Add", {"r", other}, "y");
  g.outputs = {"y"};
  inferTypes(g);
  return g;
}

interp::TensorMap pointwiseInputs(const graph::Graph &g) {
  interp::TensorMap inputs = {{"x", randomTensor(g.typeOf("x").shape, 3)}};
  if (std::find(g.inputs.begin(), g.inputs.end(), "res") != g.inputs.end())
    inputs["res"] = randomTensor(g.typeOf("res").shape, 4);
  return inputs;
}

TEST(PointwiseMatrixConv, ResidualFusedOverTheMergedImage) {
  // 16 x 20 = 320 pixels: a whole number of 16-column tiles.
  graph::Graph g = pointwiseGraph({1, 24, 16, 20}, 40, {{1, 40, 16, 20}});
  Compiled c = expectMatchesInterpreter(g, pointwiseInputs(g));
  EXPECT_EQ(c.steps, 1u) << "the ReLU and residual Add are not fused\n" << c.ir;
  EXPECT_EQ(c.kernels, 1);
  EXPECT_NE(c.ir.find("f32[1, 40, 320]"), std::string::npos) << "the spatial axes are not merged\n" << c.ir;
  EXPECT_NE(c.ir.find("f32[1, 24, 320]"), std::string::npos) << "the input is not bound merged\n" << c.ir;
  EXPECT_EQ(c.ir.find("f32[1, 40, 16, 20]"), std::string::npos) << c.ir;
}

TEST(PointwiseMatrixConv, SmallImagesKeepTheirSpatialAxes) {
  // 13 x 13 = 169 pixels, below pointwiseMatrixMinPixels (256).
  graph::Graph g = pointwiseGraph({1, 24, 13, 13}, 40, {{1, 40, 13, 13}});
  Compiled c = expectMatchesInterpreter(g, pointwiseInputs(g));
  EXPECT_EQ(c.steps, 1u) << c.ir;
  EXPECT_EQ(c.ir.find("169]"), std::string::npos) << "a small image was flattened\n" << c.ir;
  EXPECT_NE(c.ir.find("f32[1, 40, 13, 13]"), std::string::npos) << c.ir;
}

// Small images keep the direct tile; on narrow ones it holds whole rows with the
// last row block guarded (7 rows of 7 in blocks of 2; 5 of 5 in blocks of 2; 9 of 4
// in blocks of 3), fused residual included.
TEST(PointwiseMatrixConv, SmallNarrowImagesTileGuardedRows) {
  for (const Shape &image : std::vector<Shape>{{7, 7}, {5, 5}, {9, 4}}) {
    SCOPED_TRACE(shapeToString(image));
    graph::Graph g = pointwiseGraph({1, 24, image[0], image[1]}, 40, {{1, 40, image[0], image[1]}});
    Compiled c = expectMatchesInterpreter(g, pointwiseInputs(g));
    EXPECT_EQ(c.steps, 1u) << c.ir;
  }
}

TEST(PointwiseMatrixConv, PartialLastColumnTile) {
  // 17 x 19 = 323 pixels: 20 whole 16-column tiles and a masked tile of 3.
  graph::Graph g = pointwiseGraph({1, 24, 17, 19}, 40, {{1, 40, 17, 19}});
  Compiled c = expectMatchesInterpreter(g, pointwiseInputs(g));
  EXPECT_EQ(c.steps, 1u) << c.ir;
  EXPECT_NE(c.ir.find("f32[1, 40, 323]"), std::string::npos) << c.ir;
}

TEST(PointwiseMatrixConv, BatchTwoAtTheThreshold) {
  // 16 x 16 = 256 pixels (exactly pointwiseMatrixMinPixels), batch 2, output channels
  // not a multiple of the channel block (36).
  graph::Graph g = pointwiseGraph({2, 12, 16, 16}, 36, {{2, 36, 16, 16}});
  Compiled c = expectMatchesInterpreter(g, pointwiseInputs(g));
  EXPECT_EQ(c.steps, 1u) << c.ir;
  EXPECT_NE(c.ir.find("f32[2, 36, 256]"), std::string::npos) << c.ir;
}

TEST(PointwiseMatrixConv, PerChannelOperandFusedUnderMergedAxes) {
  // A [1,40,1,1] constant binds as [1,40,1]; a rank-3 [40,1,1] one as [40,1].
  for (const Shape &shape : {Shape{1, 40, 1, 1}, Shape{40, 1, 1}}) {
    SCOPED_TRACE(shapeToString(shape));
    graph::Graph g = pointwiseGraph({1, 24, 16, 20}, 40, {shape, /*constant=*/true});
    Compiled c = expectMatchesInterpreter(g, pointwiseInputs(g));
    EXPECT_EQ(c.steps, 1u) << "the per-channel Add is not fused\n" << c.ir;
    EXPECT_EQ(c.kernels, 1);
    EXPECT_NE(c.ir.find("f32[1, 40, 320]"), std::string::npos) << c.ir;
  }
}

TEST(PointwiseMatrixConv, WholeImageOperandFusedUnderMergedAxes) {
  // Operands spanning both spatial axes (broadcast over channels) merge them too.
  for (const Shape &shape : {Shape{1, 1, 16, 20}, Shape{16, 20}}) {
    SCOPED_TRACE(shapeToString(shape));
    graph::Graph g = pointwiseGraph({1, 24, 16, 20}, 40, {shape});
    Compiled c = expectMatchesInterpreter(g, pointwiseInputs(g));
    EXPECT_EQ(c.steps, 1u) << c.ir;
    EXPECT_NE(c.ir.find("f32[1, 40, 320]"), std::string::npos) << c.ir;
  }
}

TEST(PointwiseMatrixConv, OperandAlongOneSpatialAxisIsNotFused) {
  // Broadcasting along w only (or h only) cannot be indexed through the merged axis:
  // describing the fused kernel fails and the planner retries without the fused
  // nodes: the convolution stays flattened, the ReLU and the Add form a second,
  // elementwise kernel over the 4-D shape.
  for (const Shape &shape : {Shape{1, 1, 1, 20}, Shape{1, 40, 16, 1}, Shape{20}}) {
    SCOPED_TRACE(shapeToString(shape));
    graph::Graph g = pointwiseGraph({1, 24, 16, 20}, 40, {shape});
    Compiled c = expectMatchesInterpreter(g, pointwiseInputs(g));
    EXPECT_EQ(c.steps, 2u) << c.ir;
    EXPECT_EQ(c.kernels, 2);
    EXPECT_NE(c.ir.find("f32[1, 40, 320]"), std::string::npos) << "the convolution lost its merged axes\n" << c.ir;
    EXPECT_NE(c.ir.find("f32[1, 40, 16, 20]"), std::string::npos) << c.ir;
  }
}

//===----------------------------------------------------------------------===//
// K x K convolutions as matrix products (windowMatrixMaxKernel)
//===----------------------------------------------------------------------===//

struct WindowCase {
  Shape input;
  int64_t outChannels;
  graph::Ints kernel, pads, dilations = {1, 1};
};

/// x -> Conv(K x K, bias) -> Relu -> Add(res) -> y, the output the input's size.
graph::Graph windowGraph(const WindowCase &wc) {
  graph::Graph g;
  g.inputs = {"x", "res"};
  g.setValue("x", graph::TensorType(DType::F32, wc.input));
  Shape out = {wc.input[0], wc.outChannels, wc.input[2], wc.input[3]};
  g.setValue("res", graph::TensorType(DType::F32, out));
  std::string w = g.addConstant("w", randomTensor({wc.outChannels, wc.input[1], wc.kernel[0], wc.kernel[1]}, 7));
  std::string b = g.addConstant("b", randomTensor({wc.outChannels}, 8));
  addNode(g, "Conv", {"x", w, b}, "c",
          attrs({{"kernel_shape", wc.kernel}, {"pads", wc.pads}, {"dilations", wc.dilations}}));
  addNode(g, "Relu", {"c"}, "r");
  addNode(g, "Add", {"r", "res"}, "y");
  g.outputs = {"y"};
  inferTypes(g);
  return g;
}

PlanOptions windowMatrixOptions() {
  PlanOptions options;
  options.schedule.windowMatrixMaxKernel = 7;
  options.schedule.winogradOutputTile = 0;
  options.schedule.pointwiseMatrixMinPixels = 0;
  return options;
}

// Every tap reads the flattened input shifted by its offset, the padding and the
// columns that wrap into the next row masked off: 3x3, 5x5, dilated, one-sided and
// asymmetric pads, a 1x3 kernel, images that are not a whole number of column tiles,
// batch 2. One kernel each (ReLU and the residual Add fused), no padded copy.
TEST(WindowMatrixConv, EveryTapShiftedAndMasked) {
  const std::vector<WindowCase> cases = {
      {{1, 16, 13, 13}, 24, {3, 3}, {1, 1, 1, 1}},
      {{1, 8, 12, 20}, 16, {5, 5}, {2, 2, 2, 2}},
      {{1, 8, 11, 9}, 16, {3, 3}, {2, 2, 2, 2}, {2, 2}},
      {{1, 8, 10, 10}, 12, {3, 3}, {0, 2, 2, 0}},
      {{2, 6, 7, 17}, 8, {1, 3}, {0, 1, 0, 1}},
      {{1, 4, 3, 30}, 8, {7, 7}, {3, 3, 3, 3}},
  };
  for (const WindowCase &wc : cases) {
    SCOPED_TRACE(strCat(shapeToString(wc.input), " kernel ", joinStrings(wc.kernel, "x"), " pads ",
                        joinStrings(wc.pads, ","), " dilations ", joinStrings(wc.dilations, ",")));
    graph::Graph g = windowGraph(wc);
    interp::TensorMap inputs = {{"x", randomTensor(wc.input, 3)},
                                {"res", randomTensor(g.typeOf("res").shape, 4)}};
    Compiled c = expectMatchesInterpreter(g, inputs, windowMatrixOptions());
    EXPECT_EQ(c.steps, 1u) << c.ir;
    int64_t pixels = wc.input[2] * wc.input[3];
    EXPECT_NE(c.ir.find(strCat("f32[", wc.input[0], ", ", wc.outChannels, ", ", pixels, "]")), std::string::npos)
        << "the spatial axes are not merged\n" << c.ir;
    EXPECT_EQ(c.ir.find("%pad"), std::string::npos) << "a padded copy was written\n" << c.ir;
  }
}

// Off by default; a conv whose output does not keep the image size (valid padding,
// stride 2) or a kernel above the limit keeps the direct path.
TEST(WindowMatrixConv, OnlySizeKeepingStrideOneConvs) {
  Compiled byDefault = expectMatchesInterpreter(windowGraph({{1, 8, 12, 12}, 16, {3, 3}, {1, 1, 1, 1}}),
                                                {{"x", randomTensor({1, 8, 12, 12}, 3)},
                                                 {"res", randomTensor({1, 16, 12, 12}, 4)}});
  EXPECT_EQ(byDefault.ir.find("144]"), std::string::npos) << byDefault.ir;
  PlanOptions small = windowMatrixOptions();
  small.schedule.windowMatrixMaxKernel = 3;
  Compiled fiveByFive = expectMatchesInterpreter(windowGraph({{1, 8, 12, 12}, 16, {5, 5}, {2, 2, 2, 2}}),
                                                 {{"x", randomTensor({1, 8, 12, 12}, 3)},
                                                  {"res", randomTensor({1, 16, 12, 12}, 4)}},
                                                 small);
  EXPECT_EQ(fiveByFive.ir.find("144]"), std::string::npos) << fiveByFive.ir;
  graph::Graph valid;
  valid.inputs = {"x"};
  valid.setValue("x", graph::TensorType(DType::F32, {1, 8, 12, 12}));
  std::string w = valid.addConstant("w", randomTensor({16, 8, 3, 3}, 7));
  addNode(valid, "Conv", {"x", w}, "y", attrs({{"kernel_shape", graph::Ints{3, 3}}}));
  valid.outputs = {"y"};
  inferTypes(valid);
  Compiled unpadded = expectMatchesInterpreter(valid, {{"x", randomTensor({1, 8, 12, 12}, 3)}}, windowMatrixOptions());
  EXPECT_NE(unpadded.ir.find("f32[1, 16, 10, 10]"), std::string::npos) << unpadded.ir;
}

//===----------------------------------------------------------------------===//
// Depthwise convolutions with inline padding
//===----------------------------------------------------------------------===//

struct DepthwiseCase {
  graph::Ints strides;
  graph::Ints pads;
  int64_t kernel = 3;
  graph::Ints dilations = {1, 1};
  int64_t multiplier = 1;  ///< output channels per input channel
};

/// x -> Conv(depthwise, bias) -> Clip(0, 6) -> y.
graph::Graph depthwiseGraph(const Shape &input, const DepthwiseCase &dc) {
  graph::Graph g;
  g.inputs = {"x"};
  g.setValue("x", graph::TensorType(DType::F32, input));
  int64_t channels = input[1], k = dc.kernel;
  std::string w = g.addConstant("w", randomTensor({channels * dc.multiplier, 1, k, k}, 7));
  std::string b = g.addConstant("b", randomTensor({channels * dc.multiplier}, 8));
  addNode(g, "Conv", {"x", w, b}, "c",
          attrs({{"kernel_shape", graph::Ints{k, k}},
                 {"group", channels},
                 {"strides", dc.strides},
                 {"pads", dc.pads},
                 {"dilations", dc.dilations}}));
  auto scalar = [&](const std::string &hint, float v) {
    Tensor t(DType::F32, {});
    t.data<float>()[0] = v;
    return g.addConstant(hint, std::move(t));
  };
  std::string lo = scalar("lo", 0), hi = scalar("hi", 6);
  addNode(g, "Clip", {"c", lo, hi}, "y");
  g.outputs = {"y"};
  inferTypes(g);
  return g;
}

const std::vector<DepthwiseCase> kDepthwiseCases = {
    {{1, 1}, {1, 1, 1, 1}},
    {{2, 2}, {1, 1, 1, 1}},
    {{2, 2}, {0, 1, 1, 0}},                    // padding on some sides only
    {{1, 2}, {2, 1, 0, 1}},                    // mixed strides, a two-row top pad
    {{2, 2}, {2, 2, 2, 2}, 5},                 // 5x5
    {{1, 1}, {2, 2, 2, 2}, 3, {2, 2}},         // dilated
    {{1, 1}, {1, 1, 1, 1}, 3, {1, 1}, 2},      // channel multiplier 2
    {{2, 2}, {1, 1, 1, 1}, 3, {1, 1}, 2},
};

std::string describe(const DepthwiseCase &dc) {
  return strCat("k", dc.kernel, " strides ", joinStrings(dc.strides, ","), " pads ", joinStrings(dc.pads, ","),
                " dilations ", joinStrings(dc.dilations, ","), " x", dc.multiplier);
}

TEST(DepthwiseConv, PaddingReadThroughABoundsSelect) {
  // 15 x 17 inputs: rows not a whole number of 8-lane vectors.
  for (const DepthwiseCase &dc : kDepthwiseCases) {
    SCOPED_TRACE(describe(dc));
    graph::Graph g = depthwiseGraph({1, 32, 15, 17}, dc);
    // Inputs in [-4, 4] so that both Clip bounds are reached.
    Compiled c = expectMatchesInterpreter(g, {{"x", scaledTensor({1, 32, 15, 17}, 3, 4)}});
    EXPECT_EQ(c.steps, 1u) << "the Clip is not fused\n" << c.ir;
    EXPECT_EQ(c.ir.find("alloc %pad"), std::string::npos) << "a zero-padded copy is still written\n" << c.ir;
  }
}

// The depthwise tile (channels x rows x a vector of columns, taps unrolled) at other
// blocks, on an image whose rows and columns are no whole number of tiles (30 x 33:
// guarded last row block and column tile), and the generic window tile (block 0).
TEST(DepthwiseConv, EveryTileShapeMatches) {
  for (auto [channels, rows] : std::vector<std::pair<int64_t, int64_t>>{{0, 4}, {2, 3}}) {
    PlanOptions options;
    options.schedule.depthwiseChannelBlock = channels;
    options.schedule.depthwiseRowBlock = rows;
    for (const DepthwiseCase &dc : kDepthwiseCases) {
      SCOPED_TRACE(strCat(describe(dc), " tile ", channels, "x", rows));
      graph::Graph g = depthwiseGraph({1, 8, 30, 33}, dc);
      Compiled c = expectMatchesInterpreter(g, {{"x", scaledTensor({1, 8, 30, 33}, 3, 4)}}, options);
      EXPECT_EQ(c.steps, 1u) << c.ir;
    }
  }
}

TEST(DepthwiseConv, PaddedCopyWhenInlinePaddingIsOff) {
  PlanOptions options;
  options.schedule.inlineDepthwisePadding = false;
  for (const DepthwiseCase &dc : kDepthwiseCases) {
    SCOPED_TRACE(describe(dc));
    graph::Graph g = depthwiseGraph({1, 32, 15, 17}, dc);
    Compiled c = expectMatchesInterpreter(g, {{"x", scaledTensor({1, 32, 15, 17}, 3, 4)}}, options);
    EXPECT_NE(c.ir.find("alloc %pad"), std::string::npos) << "no padded copy\n" << c.ir;
  }
}

//===----------------------------------------------------------------------===//
// Row-tile convolutions: grouped, or of few input channels
//===----------------------------------------------------------------------===//

struct RowTileCase {
  int64_t groups, inPerGroup, outPerGroup;
  graph::Ints strides = {1, 1};
  graph::Ints pads = {1, 1, 1, 1};
  int64_t kernel = 3;
  graph::Ints dilations = {1, 1};
};

/// x -> Conv(grouped or not, bias) -> Relu -> y.
graph::Graph rowTileGraph(const Shape &input, const RowTileCase &gc) {
  graph::Graph g;
  g.inputs = {"x"};
  g.setValue("x", graph::TensorType(DType::F32, input));
  int64_t outChannels = gc.groups * gc.outPerGroup, k = gc.kernel;
  std::string w = g.addConstant("w", randomTensor({outChannels, gc.inPerGroup, k, k}, 5));
  std::string b = g.addConstant("b", randomTensor({outChannels}, 6));
  addNode(g, "Conv", {"x", w, b}, "c",
          attrs({{"kernel_shape", graph::Ints{k, k}},
                 {"group", gc.groups},
                 {"strides", gc.strides},
                 {"pads", gc.pads},
                 {"dilations", gc.dilations}}));
  addNode(g, "Relu", {"c"}, "y");
  g.outputs = {"y"};
  inferTypes(g);
  return g;
}

const std::vector<RowTileCase> kRowTileCases = {
    {3, 8, 8},                                       // a group of 8 (RegNet's width)
    {5, 8, 8, {2, 2}},                               // strided
    {2, 16, 16, {1, 1}, {2, 1, 0, 2}},               // wider groups, uneven padding
    {4, 3, 6},                                       // more outputs than inputs per group
    {3, 5, 5, {2, 1}, {2, 2, 2, 2}, 5},              // a prime width (no channel block), 5x5
    {2, 4, 12, {1, 1}, {2, 2, 2, 2}, 3, {2, 2}},     // dilated
    {1, 3, 20, {2, 2}},                              // ungrouped, few input channels (a first layer)
    {1, 4, 6, {2, 2}, {3, 3, 3, 3}, 7},              // ... a 7x7 stem
    {1, 1, 5},                                       // ... one input channel
};

// Groups of several channels, and ungrouped convs of few input channels, on a 13 x 19
// image (guarded last row block and column vector): the row tile at several blocks,
// and the channel-vector tile (block 0) whose channels stay in one group.
TEST(RowTileConv, EveryTileShapeMatches) {
  for (auto [channels, rows] : std::vector<std::pair<int64_t, int64_t>>{{4, 2}, {8, 3}, {3, 1}, {0, 2}}) {
    PlanOptions options;
    options.schedule.rowTileChannelBlock = channels;
    options.schedule.rowTileRowBlock = rows;
    for (const RowTileCase &gc : kRowTileCases) {
      SCOPED_TRACE(strCat(gc.groups, " groups of ", gc.inPerGroup, "->", gc.outPerGroup, " k", gc.kernel, " strides ",
                          joinStrings(gc.strides, ","), " tile ", channels, "x", rows));
      Shape input = {1, gc.groups * gc.inPerGroup, 13, 19};
      Compiled c = expectMatchesInterpreter(rowTileGraph(input, gc), {{"x", scaledTensor(input, 3, 2)}}, options);
      EXPECT_EQ(c.kernels, 1) << "the Relu is not fused\n" << c.ir;
      bool rowTile = c.ir.find("vectorized for %wv") != std::string::npos;
      EXPECT_EQ(rowTile, channels > 0) << c.ir;
    }
  }
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

graph::Graph poolGraph(const std::string &op, const Shape &input, graph::AttributeMap poolAttrs) {
  graph::Graph g;
  g.inputs = {"x"};
  g.setValue("x", graph::TensorType(DType::F32, input));
  addNode(g, op, {"x"}, "y", std::move(poolAttrs));
  g.outputs = {"y"};
  inferTypes(g);
  return g;
}

graph::AttributeMap pool3x3s2p1(std::initializer_list<std::pair<std::string, graph::Attribute>> extra = {}) {
  graph::AttributeMap m = attrs({{"kernel_shape", graph::Ints{3, 3}},
                                 {"strides", graph::Ints{2, 2}},
                                 {"pads", graph::Ints{1, 1, 1, 1}}});
  for (const auto &[k, v] : extra) m.set(k, v);
  return m;
}

TEST(Pooling, MaxPoolPaddedWindowsOddSizes) {
  const Shape input = {1, 16, 23, 29};
  for (int64_t ceil : {0, 1}) {
    SCOPED_TRACE(strCat("ceil_mode ", ceil));
    graph::Graph g = poolGraph("MaxPool", input, pool3x3s2p1({{"ceil_mode", ceil}}));
    EXPECT_EQ(g.typeOf("y").shape, (Shape{1, 16, 12, 15}));
    Compiled c = expectMatchesInterpreter(g, {{"x", randomTensor(input, 5)}});
    EXPECT_EQ(c.kernels, 1);
    EXPECT_NE(c.ir.find("alloc %p0_local"), std::string::npos) << "not scheduled as a tiled reduction\n" << c.ir;
  }
}

TEST(Pooling, MaxPoolPaddingIsMinusInfinity) {
  // Every input negative: a window overlapping the padding must not see a zero.
  const Shape input = {1, 16, 23, 29};
  for (int64_t ceil : {0, 1}) {
    SCOPED_TRACE(strCat("ceil_mode ", ceil));
    graph::Graph g = poolGraph("MaxPool", input, pool3x3s2p1({{"ceil_mode", ceil}}));
    expectMatchesInterpreter(g, {{"x", scaledTensor(input, 6, 1, -3)}});
  }
}

TEST(Pooling, MaxPoolCeilModeAddsAPartialWindow) {
  // 24 x 30 with pads 1: floor gives 12 x 15, ceil 13 x 16 (the last window
  // covers one input row/column and the end padding).
  const Shape input = {1, 16, 24, 30};
  graph::Graph g = poolGraph("MaxPool", input, pool3x3s2p1({{"ceil_mode", int64_t{1}}}));
  EXPECT_EQ(g.typeOf("y").shape, (Shape{1, 16, 13, 16}));
  expectMatchesInterpreter(g, {{"x", scaledTensor(input, 7, 1, -3)}});
}

TEST(Pooling, MaxPoolOtherWindowsAndShapes) {
  struct PoolCase {
    Shape input;
    graph::AttributeMap attrs;
  };
  std::vector<PoolCase> cases = {
      // 12 channels (not a whole channel block), batch 2.
      {{2, 12, 23, 29}, pool3x3s2p1()},
      // Stride 1, "same" padding.
      {{1, 16, 15, 17}, attrs({{"kernel_shape", graph::Ints{3, 3}}, {"pads", graph::Ints{1, 1, 1, 1}}})},
      // 2x2 stride 2, no padding, odd sizes (the last row and column dropped).
      {{1, 16, 23, 29}, attrs({{"kernel_shape", graph::Ints{2, 2}}, {"strides", graph::Ints{2, 2}}})},
      // Asymmetric padding, ceil mode.
      {{1, 16, 23, 29}, attrs({{"kernel_shape", graph::Ints{3, 3}},
                               {"strides", graph::Ints{2, 2}},
                               {"pads", graph::Ints{0, 1, 1, 0}},
                               {"ceil_mode", int64_t{1}}})},
  };
  for (const PoolCase &pc : cases) {
    SCOPED_TRACE(shapeToString(pc.input));
    graph::Graph g = poolGraph("MaxPool", pc.input, pc.attrs);
    expectMatchesInterpreter(g, {{"x", scaledTensor(pc.input, 9, 1, -3)}});
  }
}

// Max pools take the depthwise window tile (channels x rows x a vector of columns,
// taps unrolled; one channel and one row by default): every tile shape, the generic tiled reduction (block 0),
// padded and ceil-mode windows (SqueezeNet's 3x3 stride 2) and images of fewer
// columns than a vector.
TEST(Pooling, MaxPoolEveryWindowTileShapeMatches) {
  struct PoolCase {
    Shape input;
    graph::AttributeMap attrs;
  };
  std::vector<PoolCase> cases = {
      {{1, 8, 27, 27}, attrs({{"kernel_shape", graph::Ints{3, 3}}, {"strides", graph::Ints{2, 2}}, {"ceil_mode", int64_t{1}}})},
      {{1, 6, 23, 29}, pool3x3s2p1({{"ceil_mode", int64_t{1}}})},
      {{2, 5, 9, 11}, attrs({{"kernel_shape", graph::Ints{2, 2}}, {"strides", graph::Ints{2, 2}}})},
      {{1, 4, 30, 33}, attrs({{"kernel_shape", graph::Ints{5, 5}}, {"pads", graph::Ints{2, 2, 2, 2}}})},
  };
  for (auto [channels, rows] : std::vector<std::pair<int64_t, int64_t>>{{1, 4}, {0, 4}, {1, 1}, {2, 3}, {1, 8}}) {
    PlanOptions options;
    options.schedule.depthwiseChannelBlock = channels;
    options.schedule.poolRowBlock = rows;
    for (const PoolCase &pc : cases) {
      SCOPED_TRACE(strCat(shapeToString(pc.input), " tile ", channels, "x", rows));
      graph::Graph g = poolGraph("MaxPool", pc.input, pc.attrs);
      Compiled c = expectMatchesInterpreter(g, {{"x", scaledTensor(pc.input, 8, 1, -3)}}, options);
      // The default tile holds one accumulator vector per row, a one-row tile one.
      bool rowTile = c.ir.find("%p0_local[0, 1, %wi]") != std::string::npos;
      if (channels == 1 && rows == 4) {
        EXPECT_TRUE(rowTile) << c.ir;
      }
      if (channels == 1 && rows == 1) {
        EXPECT_FALSE(rowTile) << c.ir;
      }
    }
  }
}

TEST(Pooling, AveragePoolPaddedWindows) {
  const Shape input = {1, 16, 23, 29};
  for (int64_t include : {0, 1})
    for (int64_t ceil : {0, 1}) {
      SCOPED_TRACE(strCat("count_include_pad ", include, " ceil_mode ", ceil));
      graph::Graph g =
          poolGraph("AveragePool", input, pool3x3s2p1({{"count_include_pad", include}, {"ceil_mode", ceil}}));
      expectMatchesInterpreter(g, {{"x", randomTensor(input, 8)}});
    }
}

/// 24 x 30 with pads 1 in ceil mode: 13 x 16 outputs, the last window row (column)
/// covering one input row, the end padding and one cell past it.
graph::Graph averagePoolPastThePadding(int64_t countIncludePad) {
  return poolGraph("AveragePool", {1, 16, 24, 30},
                   pool3x3s2p1({{"count_include_pad", countIncludePad}, {"ceil_mode", int64_t{1}}}));
}

TEST(Pooling, AveragePoolCeilWindowPastThePadding) {
  graph::Graph g = averagePoolPastThePadding(0);
  EXPECT_EQ(g.typeOf("y").shape, (Shape{1, 16, 13, 16}));
  expectMatchesInterpreter(g, {{"x", randomTensor({1, 16, 24, 30}, 8)}});
}

// With count_include_pad = 1 a ceil-mode window that runs past the end padding
// counts only the cells inside the padded input (6 in the last row and column, 4 in
// the corner), as the interpreter, ONNX's reference and PyTorch do; the compiled pool
// once divided by the whole kernel size (9).
TEST(Pooling, AveragePoolCeilWindowPastThePaddingCountIncludePad) {
  graph::Graph g = averagePoolPastThePadding(1);
  expectMatchesInterpreter(g, {{"x", randomTensor({1, 16, 24, 30}, 8)}});
}

//===----------------------------------------------------------------------===//
// Both targets' defaults
//===----------------------------------------------------------------------===//

/// x -> 3x3 conv (64 channels, Winograd) -> max pool (17x17, a guarded last column
/// tile) -> depthwise 3x3 -> 1x1 conv (a matrix product over 289 pixels) -> global
/// average pool -> Gemm (1000 wide: tiles of half vectors under 16 lanes).
graph::Graph everyPathGraph() {
  graph::Graph g;
  g.inputs = {"x"};
  g.setValue("x", graph::TensorType(DType::F32, {1, 64, 34, 34}));
  auto conv = [&](const std::string &in, const std::string &out, int64_t outC, int64_t inC, int64_t k, int64_t group) {
    // Weights scaled by 1 / sqrt(fan-in): activations stay near 1, so the float
    // kernels' rounding stays within the comparison's tolerance after six layers.
    float scale = 1.0f / std::sqrt(static_cast<float>(inC / group * k * k));
    std::string w = g.addConstant("w", scaledTensor({outC, inC / group, k, k}, static_cast<unsigned>(outC + k), scale));
    std::string b = g.addConstant("b", randomTensor({outC}, static_cast<unsigned>(outC + 1)));
    int64_t pad = k / 2;
    addNode(g, "Conv", {in, w, b}, out,
            attrs({{"kernel_shape", graph::Ints{k, k}}, {"pads", graph::Ints{pad, pad, pad, pad}}, {"group", group}}));
  };
  conv("x", "c1", 64, 64, 3, 1);
  addNode(g, "Relu", {"c1"}, "r1");
  addNode(g, "MaxPool", {"r1"}, "p", pool3x3s2p1());
  conv("p", "d", 64, 64, 3, 64);
  conv("d", "e", 40, 64, 1, 1);
  addNode(g, "GlobalAveragePool", {"e"}, "gap");
  addNode(g, "Flatten", {"gap"}, "flat");
  std::string fw = g.addConstant("fw", scaledTensor({1000, 40}, 11, 0.15f));
  addNode(g, "Gemm", {"flat", fw}, "y", attrs({{"transB", int64_t{1}}}));
  g.outputs = {"y"};
  inferTypes(g);
  return g;
}

// The AVX2 defaults (8-lane vectors) and the AVX-512 ones (16 lanes) on any host
// (LLVM splits or widens the vectors): the host runs only one of them by default.
TEST(CpuDefaults, BothTargetsMatchTheInterpreter) {
  for (int registers : {16, 32}) {
    SCOPED_TRACE(strCat(registers, " vector registers"));
    PlanOptions options;
    options.schedule = lower::scheduleParamsFor(registers);
    graph::Graph g = everyPathGraph();
    Compiled c = expectMatchesInterpreter(g, {{"x", scaledTensor({1, 64, 34, 34}, 12, 2)}}, options);
    EXPECT_NE(c.ir.find("%wino"), std::string::npos) << "no Winograd stage\n" << c.ir;
    EXPECT_NE(c.ir.find("f32[1, 40, 289]"), std::string::npos) << "the 1x1 conv is no matrix product\n" << c.ir;
  }
}

// Auto-tuning: a 1x1 conv over 14 x 14 (direct tile by default; the matrix product is
// the other candidate) and a depthwise conv (three other tiles) are each timed under
// their distinct schedules, on one and on two threads; the log names them with both
// times, and whichever is kept matches.
TEST(CpuTuning, TimesDistinctSchedulesAndKeepsOne) {
  graph::Graph g;
  g.inputs = {"x"};
  g.setValue("x", graph::TensorType(DType::F32, {1, 32, 14, 14}));
  std::string w1 = g.addConstant("w", scaledTensor({48, 32, 1, 1}, 21, 0.2f));
  addNode(g, "Conv", {"x", w1}, "c", attrs({{"kernel_shape", graph::Ints{1, 1}}}));
  std::string w2 = g.addConstant("w", scaledTensor({48, 1, 3, 3}, 22, 0.3f));
  addNode(g, "Conv", {"c", w2}, "y",
          attrs({{"kernel_shape", graph::Ints{3, 3}}, {"pads", graph::Ints{1, 1, 1, 1}}, {"group", int64_t{48}}}));
  g.outputs = {"y"};
  inferTypes(g);
  std::ostringstream log;
  PlanOptions options;
  options.tune = true;
  options.tuneThreads = {1, 2};
  options.tuneLog = &log;
  int threadsBefore = codegen::parallelThreads();
  Compiled c = expectMatchesInterpreter(g, {{"x", randomTensor({1, 32, 14, 14}, 23)}}, options);
  EXPECT_EQ(c.kernels, 2);
  std::string text = log.str();
  EXPECT_NE(text.find("tune k0_conv: default "), std::string::npos) << text;
  // Each schedule's times on one and on two threads.
  EXPECT_TRUE(std::regex_search(text, std::regex(R"(tune k0_conv: default [0-9.]+/[0-9.]+ ms, .* \(threads 1/2\))")))
      << text;
  EXPECT_EQ(codegen::parallelThreads(), threadsBefore) << "the parallel pool not restored after timing";
  EXPECT_NE(text.find("1x1 as a matrix product "), std::string::npos) << text;
  EXPECT_NE(text.find("tune k1_conv: default "), std::string::npos) << text;
  EXPECT_NE(text.find("depthwise 4x2 "), std::string::npos) << text;
  EXPECT_EQ(text.find("1x1 direct"), std::string::npos) << "the default 1x1 schedule timed twice\n" << text;
}

// GlobalAveragePool as lane sums then their sum: images whose pixels are a whole
// number of vectors or not (the last block guarded), small images on the one-stage
// path, a fused Relu after it, and batch 2.
TEST(Pooling, GlobalAveragePoolLaneSums) {
  for (const Shape &input : std::vector<Shape>{{1, 40, 13, 13}, {1, 24, 8, 8}, {2, 12, 7, 7}, {1, 8, 3, 5}}) {
    SCOPED_TRACE(shapeToString(input));
    graph::Graph g;
    g.inputs = {"x"};
    g.setValue("x", graph::TensorType(DType::F32, input));
    addNode(g, "GlobalAveragePool", {"x"}, "p");
    addNode(g, "Relu", {"p"}, "y");
    g.outputs = {"y"};
    inferTypes(g);
    Compiled c = expectMatchesInterpreter(g, {{"x", scaledTensor(input, 13, 1, 0.2f)}});
    EXPECT_EQ(c.kernels, 1) << c.ir;
    bool twoStages = input[2] * input[3] >= 2 * hostScheduleParams().vectorWidth;
    EXPECT_EQ(c.ir.find("lane_sums") != std::string::npos, twoStages) << c.ir;
  }
}

} // namespace
} // namespace tessera::exec
