//===- conv_lowering_test.cpp - Compiled convolutions equal the reference interpreter ---===//
//
// Each case builds a QConv node with random int8 data, evaluates it with the reference
// interpreter (the int8 golden), compiles it for the accelerator, runs the program on
// the functional executor with the race checker on, and compares every output element.
//
//===----------------------------------------------------------------------===//
#include <random>
#include <set>

#include <gtest/gtest.h>

#include "compiler/accel/conv_emitter.h"
#include "compiler/accel/mapping_space.h"
#include "compiler/accel/layouts.h"
#include "compiler/accel/model_test_util.h"
#include "compiler/interp/interpreter.h"
#include "isa/test_util.h"
#include "runtime/device.h"
#include "simulator/golden/functional_executor.h"

namespace tessera::accel {
namespace {

struct ConvCase {
  int64_t channels, height, width, outChannels, kernel, stride, pad, dilation;
  bool relu;
  int64_t group = 1;
  int64_t batch = 1;
};

isa::HardwareConfig loadConfig(const std::string &name) { return isa::testing::loadTestConfig(name); }
using model_testing::randomInt8;

/// A graph holding one QConv node for `c` with random weights, bias and requant.
graph::Graph makeConvGraph(const ConvCase &c, std::mt19937_64 &rng) {
  graph::Graph g;
  g.setValue("x", graph::TensorType(DType::I8, {c.batch, c.channels, c.height, c.width}));
  std::string w = g.addConstant("w", randomInt8({c.outChannels, c.channels / c.group, c.kernel, c.kernel}, rng));
  Tensor bias(DType::I32, {c.outChannels});
  for (int64_t i = 0; i < c.outChannels; ++i) bias.data<int32_t>()[i] = int32_t(rng() % 20001) - 10000;
  std::string b = g.addConstant("b", bias);
  graph::Node node;
  node.op = "QConv";
  node.name = "conv";
  node.inputs = {"x", w, b};
  node.outputs = {"y"};
  node.attrs.set("strides", graph::Ints{c.stride, c.stride});
  node.attrs.set("pads", graph::Ints{c.pad, c.pad, c.pad, c.pad});
  node.attrs.set("dilations", graph::Ints{c.dilation, c.dilation});
  if (c.group != 1) node.attrs.set("group", c.group);
  // Scale about 1 / (64 * sqrt(fan-in)): outputs spread over int8 with some saturation.
  graph::Ints multipliers, shifts;
  int64_t fanIn = c.channels / c.group * c.kernel * c.kernel;
  int64_t shift = 22 + 6 + int64_t(std::ceil(std::log2(std::sqrt(double(fanIn)))));
  for (int64_t i = 0; i < c.outChannels; ++i) {
    multipliers.push_back(int64_t((1 << 22) + rng() % (1 << 22)));
    shifts.push_back(shift);
  }
  node.attrs.set("requant_multiplier", multipliers);
  node.attrs.set("requant_shift", shifts);
  if (c.relu) node.attrs.set("clip", graph::Ints{0, 127});
  g.inputs = {"x"};
  g.outputs = {"y"};
  g.nodes.push_back(node);
  return g;
}

/// Where the compiled layer writes: a blocked tensor of `blocks` channel blocks (0: just
/// the layer's), from channel block `offset`.
struct OutputPlacement {
  int64_t blocks = 0, offset = 0;
};

/// Runs the compiled layer on the functional executor (race checker on) with a blocked
/// input; returns the blocked output tensor.
StatusOr<Tensor> runCompiledBlocked(const ConvLayer &layer, const ConvTiling &tiling, const Tensor &packed,
                                    const isa::HardwareConfig &config, OutputPlacement placement = {}) {
  ProgramBuilder builder(config);
  builder.addTensor("x", isa::TensorKind::input, packed.dtype(), packed.shape());
  int64_t blocks = placement.blocks ? placement.blocks : ceilDiv(layer.outChannels, config.block_out);
  Shape outShape = {layer.batch * blocks, layer.outHeight, layer.outWidth, config.block_out};
  builder.addTensor("y", isa::TensorKind::output, DType::I8, outShape);
  TS_RETURN_IF_ERROR(emitConv(builder, layer, tiling, "x", "y", LayerPosition::first, placement.offset));
  TS_ASSIGN_OR_RETURN(isa::Program program, builder.finish(/*popStore=*/true));
  TS_ASSIGN_OR_RETURN(std::vector<uint8_t> dram, sim::buildDramImage(program, config));
  std::memcpy(dram.data() + program.findTensor("x")->dramOffset, packed.bytes(), packed.byteSize());
  TS_RETURN_IF_ERROR(sim::runFunctional(program, config, dram).status());
  Tensor y(DType::I8, outShape);
  std::memcpy(y.bytes(), dram.data() + program.findTensor("y")->dramOffset, y.byteSize());
  return y;
}

/// Runs the compiled layer on an NCHW input; returns the NCHW output.
StatusOr<Tensor> runCompiled(const ConvLayer &layer, const ConvTiling &tiling, const Tensor &x,
                             const isa::HardwareConfig &config) {
  TS_ASSIGN_OR_RETURN(Tensor packed, packActivation(x, config.block_in));
  TS_ASSIGN_OR_RETURN(Tensor y, runCompiledBlocked(layer, tiling, packed, config));
  return unpackActivation(y, layer.outChannels);
}

/// Element mismatches between two int8 tensors of one shape, and a check that the values
/// are spread enough to prove something.
int countMismatches(const Tensor &got, const Tensor &expected) {
  EXPECT_EQ(got.shape(), expected.shape());
  if (got.shape() != expected.shape()) return -1;
  int mismatches = 0;
  for (int64_t i = 0; i < got.elementCount(); ++i) mismatches += got.data<int8_t>()[i] != expected.data<int8_t>()[i];
  std::set<int8_t> distinct(got.data<int8_t>(), got.data<int8_t>() + got.elementCount());
  EXPECT_GT(distinct.size(), 8u) << "outputs too uniform to prove anything";
  return mismatches;
}

/// The reference interpreter's output of the graph's only node on `x`.
Tensor interpret(const graph::Graph &g, const Tensor &x) {
  const graph::Node &node = g.nodes[0];
  std::vector<const Tensor *> inputs = {&x, g.constantOf(node.input(1))};
  if (node.hasInput(2)) inputs.push_back(g.constantOf(node.input(2)));
  auto expected = interp::evaluateNode(node, inputs);
  EXPECT_TRUE(expected.ok()) << expected.status();
  return expected.ok() ? (*expected)[0] : Tensor();
}

void checkCase(const ConvCase &c, const std::string &configName, std::optional<ConvTiling> forced = std::nullopt) {
  SCOPED_TRACE(absl::StrFormat("N=%d C=%d %dx%d O=%d k=%d s=%d p=%d d=%d relu=%d group=%d on %s", c.batch, c.channels,
                               c.height, c.width, c.outChannels, c.kernel, c.stride, c.pad, c.dilation, c.relu, c.group,
                               configName));
  std::mt19937_64 rng(uint64_t(c.channels * 131 + c.height * 17 + c.outChannels * 7 + c.kernel + c.group * 3));
  isa::HardwareConfig config = loadConfig(configName);
  graph::Graph g = makeConvGraph(c, rng);
  Tensor x = randomInt8({c.batch, c.channels, c.height, c.width}, rng);
  Tensor expected = interpret(g, x);
  auto layer = convLayerFromNode(g, g.nodes[0]);
  ASSERT_TRUE(layer.ok()) << layer.status();
  EXPECT_EQ(layer->batch, c.batch);
  for (int64_t threads : {1, 2}) {
    auto tiling = forced ? StatusOr<ConvTiling>(*forced) : chooseConvTiling(*layer, config, threads);
    ASSERT_TRUE(tiling.ok()) << tiling.status();
    if (forced) tiling->virtualThreads = threads;
    auto got = runCompiled(*layer, *tiling, x, config);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(countMismatches(*got, expected), 0)
        << "threads=" << threads << " tile " << tiling->outBlocks << " blocks x " << tiling->outRows << " rows";
  }
}

TEST(ConvLowering, Pointwise) { checkCase({16, 5, 5, 16, 1, 1, 0, 1, false}, "default"); }
TEST(ConvLowering, ThreeByThreeSamePadding) { checkCase({32, 8, 8, 32, 3, 1, 1, 1, true}, "default"); }
TEST(ConvLowering, StrideTwo) { checkCase({16, 9, 9, 32, 3, 2, 1, 1, false}, "default"); }
TEST(ConvLowering, Dilation) { checkCase({16, 9, 7, 16, 3, 1, 2, 2, true}, "default"); }
TEST(ConvLowering, ChannelsNotMultipleOfBlock) { checkCase({3, 10, 10, 20, 3, 1, 1, 1, false}, "default"); }
TEST(ConvLowering, SevenBySevenStrideTwo) { checkCase({3, 20, 20, 16, 7, 2, 3, 1, true}, "default"); }
TEST(ConvLowering, SmallConfigManyTiles) { checkCase({8, 12, 12, 12, 3, 1, 1, 1, true}, "small"); }

// A batch runs as an outer loop inside each channel tile: every image's rows are tiles of
// the same channel tile, reading and writing that image's slice of the tensors.
TEST(ConvLowering, Batch) {
  checkCase({16, 9, 9, 32, 3, 2, 1, 1, false, 1, 3}, "default");
  checkCase({3, 10, 10, 20, 3, 1, 1, 1, true, 1, 2}, "default");
  checkCase({8, 12, 12, 12, 3, 1, 1, 1, true, 1, 4}, "small");
  checkCase({48, 11, 11, 48, 3, 2, 1, 1, false, 48, 2}, "default");
  // {blocks, rows, threads, weight slots, row-major, cols, input blocks per step, stream}
  checkCase({32, 6, 6, 64, 3, 1, 1, 1, true, 1, 2}, "default", ConvTiling{1, 4, 2, 2});
  checkCase({32, 7, 6, 48, 3, 1, 1, 1, false, 1, 3}, "default", ConvTiling{2, 3, 2, 2, true});
  checkCase({48, 7, 9, 40, 3, 1, 1, 1, false, 1, 2}, "default", ConvTiling{2, 3, 2, 2, true, 5, 2, true});
  checkCase({32, 8, 8, 32, 3, 1, 1, 1, true, 1, 2}, "default", ConvTiling{1, 2, 2, 2, false, 3, 1, false});
}

TEST(ConvLowering, ForcedSmallTilesExerciseWeightDoubleBuffering) {
  checkCase({32, 6, 6, 64, 3, 1, 1, 1, true}, "default", ConvTiling{1, 2, 2, 2});
  checkCase({32, 7, 6, 48, 3, 1, 1, 1, false}, "default", ConvTiling{2, 3, 2, 2});
}

TEST(ConvLowering, RowMajorInputSlots) {
  checkCase({32, 6, 6, 64, 3, 1, 1, 1, true}, "default", ConvTiling{1, 2, 2, 2, /*rowMajorInput=*/true});
  checkCase({16, 9, 9, 32, 3, 2, 1, 1, false}, "default", ConvTiling{2, 2, 2, 1, /*rowMajorInput=*/true});
  checkCase({16, 9, 7, 16, 3, 1, 2, 2, true}, "default", ConvTiling{1, 3, 2, 1, /*rowMajorInput=*/true});
  checkCase({3, 20, 20, 16, 7, 2, 3, 1, true}, "default", ConvTiling{1, 3, 2, 1, /*rowMajorInput=*/true});
  checkCase({48, 11, 11, 48, 3, 2, 1, 1, false, 48}, "default", ConvTiling{2, 2, 2, 2, /*rowMajorInput=*/true});
  checkCase({60, 5, 5, 80, 3, 1, 1, 1, true, 5}, "default", ConvTiling{2, 2, 2, 2, /*rowMajorInput=*/true});
}

TEST(ConvLowering, ColumnTilesInputChannelStepsAndStreamedWeights) {
  // {blocks, rows, threads, weight slots, row-major, cols, input blocks per step, stream}
  checkCase({32, 8, 8, 32, 3, 1, 1, 1, true}, "default", ConvTiling{1, 2, 2, 2, false, 3, 1, false});
  checkCase({32, 8, 8, 32, 3, 1, 1, 1, true}, "default", ConvTiling{2, 8, 2, 1, false, 8, 1, false});
  checkCase({48, 7, 9, 40, 3, 1, 1, 1, false}, "default", ConvTiling{2, 3, 2, 2, true, 5, 2, true});
  checkCase({16, 9, 9, 32, 3, 2, 1, 1, false}, "default", ConvTiling{1, 2, 2, 2, false, 2, 1, true});
  checkCase({16, 9, 7, 16, 3, 1, 2, 2, true}, "default", ConvTiling{1, 3, 2, 1, true, 4, 1, false});
  checkCase({3, 20, 20, 16, 7, 2, 3, 1, true}, "default", ConvTiling{1, 3, 2, 1, false, 3, 1, false});
  checkCase({3, 20, 20, 16, 7, 2, 3, 1, true}, "default", ConvTiling{1, 1, 2, 2, true, 4, 1, true});
  checkCase({48, 11, 11, 48, 3, 2, 1, 1, false, 48}, "default", ConvTiling{2, 2, 2, 2, false, 2, 1, true});
  checkCase({60, 5, 5, 80, 3, 1, 1, 1, true, 5}, "default", ConvTiling{2, 2, 2, 2, true, 3, 0, true});
}

TEST(ConvLowering, ConstantsPerChannelTileWhenTheTableDoesNotFit) {
  // small.json's accumulator has 512 rows: 96 output blocks of bias and requant rows
  // (192) beside two threads' slots of 4 blocks x 6 x 8 (384) do not fit, so each
  // channel tile loads its own rows (with one thread they fit); 383 channels leave a
  // short last channel tile.
  ConvCase c{8, 8, 8, 383, 1, 1, 0, 1, true};
  ConvTiling tiling{4, 6, 2, 2, false, 8, 0, false};
  std::mt19937_64 rng(1);
  graph::Graph g = makeConvGraph(c, rng);
  auto layer = convLayerFromNode(g, g.nodes[0]);
  ASSERT_TRUE(layer.ok()) << layer.status();
  isa::HardwareConfig config = loadConfig("small");
  EXPECT_TRUE(convFootprint(*layer, tiling, config).constantsPerChannelTile);
  tiling.virtualThreads = 1;
  EXPECT_FALSE(convFootprint(*layer, tiling, config).constantsPerChannelTile);
  checkCase(c, "small", tiling);
}

TEST(ConvLowering, ImmediateEpilogueForUniformBiasAndShiftOnlyRequant) {
  ConvCase c{32, 7, 7, 32, 3, 1, 1, 1, false};
  std::mt19937_64 rng(7);
  isa::HardwareConfig config = loadConfig("default");
  graph::Graph g = makeConvGraph(c, rng);
  Tensor bias(DType::I32, {c.outChannels});
  for (int64_t i = 0; i < c.outChannels; ++i) bias.data<int32_t>()[i] = -1234;
  g.nodes[0].inputs[2] = g.addConstant("uniform_bias", bias);
  g.nodes[0].attrs.set("requant_multiplier", graph::Ints{1});
  g.nodes[0].attrs.set("requant_shift", graph::Ints{11});
  Tensor x = randomInt8({1, c.channels, c.height, c.width}, rng);
  Tensor expected = interpret(g, x);
  auto layer = convLayerFromNode(g, g.nodes[0]);
  ASSERT_TRUE(layer.ok()) << layer.status();
  ConvEpilogue epilogue = convEpilogue(*layer);
  EXPECT_EQ(epilogue.biasImmediate, -1234);
  EXPECT_EQ(epilogue.requantImmediate, 11);
  EXPECT_FALSE(epilogue.clip);
  EXPECT_EQ(epilogue.cyclesPerRow(config), 2);
  isa::HardwareConfig onePort = config;
  onePort.alu_read_ports = 1;
  EXPECT_EQ(epilogue.cyclesPerRow(onePort), 2) << "immediates take one cycle per row with either port count";
  ConvEpilogue registers = convEpilogue(*layer);
  registers.biasImmediate.reset();
  registers.requantImmediate.reset();
  registers.clip = true;
  EXPECT_EQ(registers.cyclesPerRow(onePort), 5);
  onePort.alu_read_ports = 2;
  EXPECT_EQ(registers.cyclesPerRow(onePort), 3);
  auto tiling = chooseConvTiling(*layer, config, 2);
  ASSERT_TRUE(tiling.ok());
  auto got = runCompiled(*layer, *tiling, x, config);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(countMismatches(*got, expected), 0);
}

TEST(ConvTiling, RejectsTilingsThatOverflowNamingTheScratchpad) {
  std::mt19937_64 rng(1);
  isa::HardwareConfig config = loadConfig("small");
  graph::Graph g = makeConvGraph({64, 16, 16, 64, 3, 1, 1, 1, false}, rng);
  auto layer = convLayerFromNode(g, g.nodes[0]);
  ASSERT_TRUE(layer.ok());
  Status status = checkConvTiling(*layer, ConvTiling{16, 16, 2, 1}, config);
  EXPECT_NE(status.message().find("the input tile needs"), std::string::npos) << status;
}

TEST(ConvTiling, RejectsInconsistentLayersNamingWhat) {
  std::mt19937_64 rng(9);
  isa::HardwareConfig config = loadConfig("default");
  graph::Graph g = makeConvGraph({16, 6, 6, 16, 3, 1, 1, 1, false}, rng);
  auto layer = convLayerFromNode(g, g.nodes[0]);
  ASSERT_TRUE(layer.ok());
  ConvLayer wrongWeights = *layer;
  wrongWeights.weights = Tensor(DType::I8, {16, 16, 1, 1});
  auto tiling = chooseConvTiling(wrongWeights, config, 2);
  ASSERT_FALSE(tiling.ok());
  EXPECT_NE(tiling.status().message().find("expected i8 16x16x3x3"), std::string::npos) << tiling.status();
  ConvLayer empty = *layer;
  empty.outChannels = 0;
  Status status = checkConvTiling(empty, ConvTiling{}, config);
  EXPECT_NE(status.message().find("must be positive"), std::string::npos) << status;
  ConvLayer shortBias = *layer;
  shortBias.bias.pop_back();
  ProgramBuilder builder(config);
  builder.addTensor("x", isa::TensorKind::input, DType::I8, {1, 6, 6, 16});
  builder.addTensor("y", isa::TensorKind::output, DType::I8, {1, 6, 6, 16});
  status = emitConv(builder, shortBias, ConvTiling{}, "x", "y", LayerPosition::first);
  EXPECT_NE(status.message().find("15 bias and 16 requant values"), std::string::npos) << status;
}

TEST(ConvTiling, CostModelPrefersOverlapWithTwoThreads) {
  std::mt19937_64 rng(2);
  isa::HardwareConfig config = loadConfig("default");
  graph::Graph g = makeConvGraph({64, 28, 28, 64, 3, 1, 1, 1, false}, rng);
  auto layer = convLayerFromNode(g, g.nodes[0]);
  ASSERT_TRUE(layer.ok());
  auto one = chooseConvTiling(*layer, config, 1), two = chooseConvTiling(*layer, config, 2);
  ASSERT_TRUE(one.ok() && two.ok());
  EXPECT_LT(estimateConvCycles(*layer, *two, config), estimateConvCycles(*layer, *one, config));
}

// --- Grouped and depthwise convolutions -------------------------------------------------

TEST(ConvLowering, DepthwiseMobileNetShapes) {
  checkCase({32, 10, 10, 32, 3, 1, 1, 1, true, 32}, "default");
  checkCase({48, 11, 11, 48, 3, 2, 1, 1, false, 48}, "default");
  checkCase({960, 7, 7, 960, 3, 1, 1, 1, true, 960}, "default");
}

TEST(ConvLowering, DepthwiseWithChannelMultiplier) { checkCase({16, 6, 6, 32, 3, 1, 1, 1, false, 16}, "default"); }

TEST(ConvLowering, GroupsOfWholeBlocks) { checkCase({64, 8, 8, 64, 3, 1, 1, 1, false, 2}, "default"); }

TEST(ConvLowering, ArbitraryGroups) {
  checkCase({24, 6, 6, 24, 3, 1, 1, 1, false, 3}, "default");
  checkCase({48, 6, 6, 24, 1, 1, 0, 1, true, 3}, "default");
  checkCase({12, 7, 7, 18, 3, 1, 1, 1, false, 6}, "default");
  checkCase({8, 9, 9, 12, 3, 2, 1, 1, true, 4}, "small");
}

TEST(ConvLowering, GroupsWhoseChannelTilesReadDifferentOffsets) {
  // 24 -> 72 in 3 groups: output blocks read input blocks 0,0,0,1,1, so with two blocks per
  // tile the second tile's slot offsets differ from the first's (a micro-op set per tile).
  checkCase({24, 6, 6, 72, 3, 1, 1, 1, false, 3}, "default", ConvTiling{2, 2, 2, 2});
  checkCase({60, 5, 5, 80, 3, 1, 1, 1, true, 5}, "default", ConvTiling{2, 3, 2, 2});
}

TEST(ConvLayer, GroupBlocksOfDepthwiseAndGroupOne) {
  GroupBlocks depthwise = groupBlocks(64, 64, 64, 16, 16);
  EXPECT_EQ(depthwise.perOutBlock, 1);
  EXPECT_EQ(depthwise.first, (std::vector<int64_t>{0, 1, 2, 3}));
  GroupBlocks dense = groupBlocks(40, 32, 1, 16, 16);
  EXPECT_EQ(dense.perOutBlock, 3);
  EXPECT_EQ(dense.first, (std::vector<int64_t>{0, 0}));
}

TEST(ConvLayer, RejectsGroupThatDoesNotSplitTheChannels) {
  std::mt19937_64 rng(3);
  graph::Graph g = makeConvGraph({16, 6, 6, 16, 3, 1, 1, 1, false, 4}, rng);
  g.nodes[0].attrs.set("group", int64_t(3));
  auto layer = convLayerFromNode(g, g.nodes[0]);
  ASSERT_FALSE(layer.ok());
  EXPECT_NE(layer.status().message().find("group 3"), std::string::npos) << layer.status();
}

// --- QGemm as a convolution ---------------------------------------------------------------

/// A graph with one QGemm y = x[1,K] * w[N,K]^T + b.
graph::Graph makeGemmGraph(int64_t k, int64_t n, std::mt19937_64 &rng) {
  graph::Graph g;
  g.setValue("x", graph::TensorType(DType::I8, {1, k}));
  std::string w = g.addConstant("w", randomInt8({n, k}, rng));
  Tensor bias(DType::I32, {n});
  for (int64_t i = 0; i < n; ++i) bias.data<int32_t>()[i] = int32_t(rng() % 20001) - 10000;
  std::string b = g.addConstant("b", bias);
  graph::Node node;
  node.op = "QGemm";
  node.name = "fc";
  node.inputs = {"x", w, b};
  node.outputs = {"y"};
  graph::Ints multipliers, shifts;
  for (int64_t i = 0; i < n; ++i) {
    multipliers.push_back(int64_t((1 << 22) + rng() % (1 << 22)));
    shifts.push_back(22 + 6 + int64_t(std::ceil(std::log2(std::sqrt(double(k))))));
  }
  node.attrs.set("requant_multiplier", multipliers);
  node.attrs.set("requant_shift", shifts);
  g.inputs = {"x"};
  g.outputs = {"y"};
  g.nodes.push_back(node);
  return g;
}

/// Compiles the QGemm of `g` as a conv on `image` ([N,K] or the [N,C,H,W] it was flattened
/// from) and compares it with the interpreter's QGemm on the flattened input.
void checkGemm(const Shape &image, int64_t n) {
  SCOPED_TRACE(shapeToString(image));
  std::mt19937_64 rng(uint64_t(shapeElementCount(image) * 7 + n));
  isa::HardwareConfig config = loadConfig("default");
  int64_t batch = image[0], k = shapeElementCount(image) / batch;
  graph::Graph g = makeGemmGraph(k, n, rng);
  Tensor flat = randomInt8({batch, k}, rng);
  Tensor expected = interpret(g, flat);
  auto layer = gemmLayerFromNode(g, g.nodes[0], image);
  ASSERT_TRUE(layer.ok()) << layer.status();
  EXPECT_EQ(layer->batch, batch);
  Shape nchw = image.size() == 4 ? image : Shape{batch, k, 1, 1};
  Tensor x(DType::I8, nchw);
  std::memcpy(x.bytes(), flat.bytes(), flat.byteSize());
  for (int64_t threads : {1, 2}) {
    auto tiling = chooseConvTiling(*layer, config, threads);
    ASSERT_TRUE(tiling.ok()) << tiling.status();
    auto got = runCompiled(*layer, *tiling, x, config);
    ASSERT_TRUE(got.ok()) << got.status();
    Tensor y(DType::I8, {batch, n});
    std::memcpy(y.bytes(), got->bytes(), y.byteSize());
    EXPECT_EQ(countMismatches(y, expected), 0) << "threads=" << threads;
  }
}

TEST(GemmLowering, FullyConnectedOnAVector) { checkGemm({1, 100}, 40); }
TEST(GemmLowering, FlattenedImageIsAConvWithTheImageAsKernel) { checkGemm({1, 32, 3, 3}, 20); }
TEST(GemmLowering, ResNetClassifierShape) { checkGemm({1, 512}, 1000); }
TEST(GemmLowering, BatchOfVectors) { checkGemm({4, 100}, 40); }
TEST(GemmLowering, BatchOfFlattenedImages) { checkGemm({3, 32, 3, 3}, 20); }

TEST(GemmLowering, RejectsWhatIsNotLowered) {
  std::mt19937_64 rng(4);
  graph::Graph g = makeGemmGraph(32, 8, rng);
  auto rank3 = gemmLayerFromNode(g, g.nodes[0], {2, 4, 4});
  ASSERT_FALSE(rank3.ok());
  EXPECT_NE(rank3.status().message().find("handles [N,K]"), std::string::npos) << rank3.status();
  auto mismatch = gemmLayerFromNode(g, g.nodes[0], {1, 16, 3, 3});
  EXPECT_NE(mismatch.status().message().find("do not match 144 inputs"), std::string::npos) << mismatch.status();
  g.nodes[0].attrs.set("transA", int64_t(1));
  auto transA = gemmLayerFromNode(g, g.nodes[0], {1, 32});
  EXPECT_NE(transA.status().message().find("transA"), std::string::npos) << transA.status();
  g.nodes[0].attrs.set("transA", int64_t(0));
  g.setValue("w2", graph::TensorType(DType::I8, {8, 32}));
  g.nodes[0].inputs[1] = "w2";
  auto dynamic = gemmLayerFromNode(g, g.nodes[0], {1, 32});
  EXPECT_NE(dynamic.status().message().find("weights must be constant"), std::string::npos) << dynamic.status();
}

// --- First-layer window packing --------------------------------------------------------------

void checkWindowPacked(const ConvCase &c) {
  SCOPED_TRACE(absl::StrFormat("C=%d %dx%d O=%d k=%d s=%d p=%d", c.channels, c.height, c.width, c.outChannels, c.kernel,
                               c.stride, c.pad));
  std::mt19937_64 rng(uint64_t(c.height * 31 + c.kernel));
  isa::HardwareConfig config = loadConfig("default");
  graph::Graph g = makeConvGraph(c, rng);
  Tensor x = randomInt8({c.batch, c.channels, c.height, c.width}, rng);
  Tensor expected = interpret(g, x);
  auto layer = convLayerFromNode(g, g.nodes[0]);
  ASSERT_TRUE(layer.ok()) << layer.status();
  auto packedLayer = windowPackedLayer(*layer);
  ASSERT_TRUE(packedLayer.ok()) << packedLayer.status();
  EXPECT_EQ(packedLayer->kernelH * packedLayer->strideH * packedLayer->outHeight * packedLayer->outWidth,
            layer->outHeight * layer->outWidth);
  auto packed = packWindowedInput(x, *layer, config.block_in);
  ASSERT_TRUE(packed.ok()) << packed.status();
  EXPECT_EQ(packed->shape()[0], c.batch * ceilDiv(c.channels * c.kernel * c.kernel, config.block_in));
  for (int64_t threads : {1, 2}) {
    auto tiling = chooseConvTiling(*packedLayer, config, threads);
    ASSERT_TRUE(tiling.ok()) << tiling.status();
    auto blocked = runCompiledBlocked(*packedLayer, *tiling, *packed, config);
    ASSERT_TRUE(blocked.ok()) << blocked.status();
    auto y = unpackActivation(*blocked, c.outChannels);
    ASSERT_TRUE(y.ok()) << y.status();
    Tensor got(DType::I8, expected.shape());
    ASSERT_EQ(got.byteSize(), y->byteSize());
    std::memcpy(got.bytes(), y->bytes(), got.byteSize());
    EXPECT_EQ(countMismatches(got, expected), 0) << "threads=" << threads;
  }
}

TEST(WindowPacking, ResNetStem) { checkWindowPacked({3, 30, 30, 64, 7, 2, 3, 1, true}); }
TEST(WindowPacking, DigitsFirstConv) { checkWindowPacked({1, 28, 28, 8, 5, 1, 2, 1, true}); }
TEST(WindowPacking, DilatedThreeByThree) { checkWindowPacked({4, 11, 9, 20, 3, 1, 2, 2, false}); }
TEST(WindowPacking, ResNetStemBatchThree) { checkWindowPacked({3, 30, 30, 64, 7, 2, 3, 1, true, 1, 3}); }

/// Whether the cost model's mapping of a first layer (input from the host) packs it.
bool chosenMappingPacks(const ConvLayer &layer, const isa::HardwareConfig &config) {
  AccelLayer accel{layer.name, "conv2d", layer, /*inputFromHost=*/true};
  auto mapping = chooseMapping(accel, config, MappingSpace{{2}, true});
  EXPECT_TRUE(mapping.ok()) << mapping.status();
  return mapping.ok() && std::get<ConvMapping>(*mapping).windowPacked;
}

TEST(WindowPacking, PaysForFewChannelsOnly) {
  std::mt19937_64 rng(5);
  isa::HardwareConfig config = loadConfig("default");
  graph::Graph stem = makeConvGraph({3, 224, 224, 64, 7, 2, 3, 1, true}, rng);
  auto stemLayer = convLayerFromNode(stem, stem.nodes[0]);
  ASSERT_TRUE(stemLayer.ok());
  EXPECT_TRUE(chosenMappingPacks(*stemLayer, config));
  graph::Graph body = makeConvGraph({64, 14, 14, 64, 3, 1, 1, 1, true}, rng);
  auto bodyLayer = convLayerFromNode(body, body.nodes[0]);
  ASSERT_TRUE(bodyLayer.ok());
  EXPECT_FALSE(chosenMappingPacks(*bodyLayer, config));
}

TEST(WindowPacking, OnlyForALayerWhoseInputTheHostWrites) {
  std::mt19937_64 rng(5);
  isa::HardwareConfig config = loadConfig("default");
  graph::Graph stem = makeConvGraph({3, 224, 224, 64, 7, 2, 3, 1, true}, rng);
  auto layer = convLayerFromNode(stem, stem.nodes[0]);
  ASSERT_TRUE(layer.ok());
  AccelLayer inner{layer->name, "conv2d", *layer, /*inputFromHost=*/false};
  ConvMapping packed{ConvTiling{4, 8, 2, 1, false}, /*windowPacked=*/true};
  Status status = checkMapping(inner, packed, config);
  EXPECT_NE(status.message().find("window packing needs a first layer"), std::string::npos) << status;
}

// --- Output at a channel-block offset (Concat in place) ----------------------------------------

TEST(ConvLowering, WritesIntoALargerTensorAtAChannelBlock) {
  ConvCase c{16, 6, 6, 20, 3, 1, 1, 1, false};
  std::mt19937_64 rng(6);
  isa::HardwareConfig config = loadConfig("default");
  graph::Graph g = makeConvGraph(c, rng);
  Tensor x = randomInt8({1, c.channels, c.height, c.width}, rng);
  Tensor expected = interpret(g, x);
  auto layer = convLayerFromNode(g, g.nodes[0]);
  ASSERT_TRUE(layer.ok());
  auto tiling = chooseConvTiling(*layer, config, 2);
  ASSERT_TRUE(tiling.ok());
  auto packed = packActivation(x, config.block_in);
  ASSERT_TRUE(packed.ok());
  auto blocked = runCompiledBlocked(*layer, *tiling, *packed, config, OutputPlacement{5, 2});
  ASSERT_TRUE(blocked.ok()) << blocked.status();
  auto all = unpackActivation(*blocked, 5 * config.block_out);
  ASSERT_TRUE(all.ok());
  int64_t plane = c.height * c.width, first = 2 * config.block_out;
  Tensor mine(DType::I8, expected.shape());
  std::memcpy(mine.bytes(), all->bytes() + first * plane, mine.byteSize());
  EXPECT_EQ(countMismatches(mine, expected), 0);
  int64_t untouched = 0;
  for (int64_t i = 0; i < all->elementCount(); ++i) {
    bool inside = i >= first * plane && i < (first + c.outChannels) * plane;
    untouched += !inside && all->data<int8_t>()[i] == 0;
  }
  EXPECT_EQ(untouched, all->elementCount() - c.outChannels * plane) << "wrote outside its channel blocks";
  auto overflow = runCompiledBlocked(*layer, *tiling, *packed, config, OutputPlacement{3, 2});
  ASSERT_FALSE(overflow.ok());
  EXPECT_NE(overflow.status().message().find("cannot hold 2 channel blocks"), std::string::npos) << overflow.status();
}

// --- Layers back to back -------------------------------------------------------------------------

/// Two convolutions in one program (the second after the first: the layer sync, the
/// micro-op LOAD ahead of it), on the functional executor with the race checker, for
/// every pair of thread counts.
TEST(ConvLowering, TwoLayersBackToBack) {
  std::mt19937_64 rng(10);
  isa::HardwareConfig config = loadConfig("default");
  ConvCase a{16, 8, 8, 32, 3, 1, 1, 1, true}, b{32, 8, 8, 16, 3, 2, 1, 1, false};
  graph::Graph ga = makeConvGraph(a, rng), gb = makeConvGraph(b, rng);
  Tensor x = randomInt8({1, a.channels, a.height, a.width}, rng);
  Tensor expected = interpret(gb, interpret(ga, x));
  auto la = convLayerFromNode(ga, ga.nodes[0]), lb = convLayerFromNode(gb, gb.nodes[0]);
  ASSERT_TRUE(la.ok() && lb.ok());
  lb->name = "conv2";
  auto packed = packActivation(x, config.block_in);
  ASSERT_TRUE(packed.ok());
  for (int64_t va : {1, 2})
    for (int64_t vb : {1, 2}) {
      SCOPED_TRACE(absl::StrFormat("threads %d then %d", va, vb));
      auto ta = chooseConvTiling(*la, config, va), tb = chooseConvTiling(*lb, config, vb);
      ASSERT_TRUE(ta.ok() && tb.ok());
      ProgramBuilder builder(config);
      builder.addTensor("x", isa::TensorKind::input, packed->dtype(), packed->shape());
      builder.addTensor("mid", isa::TensorKind::scratch, DType::I8, {2, 8, 8, config.block_out});
      builder.addTensor("y", isa::TensorKind::output, DType::I8, {1, 4, 4, config.block_out});
      ASSERT_TRUE(emitConv(builder, *la, *ta, "x", "mid", LayerPosition::first).ok());
      Status second = emitConv(builder, *lb, *tb, "mid", "y", LayerPosition::afterLayer);
      ASSERT_TRUE(second.ok()) << second;
      auto program = builder.finish(/*popStore=*/true);
      ASSERT_TRUE(program.ok()) << program.status();
      auto dram = sim::buildDramImage(*program, config);
      ASSERT_TRUE(dram.ok());
      std::memcpy(dram->data() + program->findTensor("x")->dramOffset, packed->bytes(), packed->byteSize());
      auto run = sim::runFunctional(*program, config, *dram);
      ASSERT_TRUE(run.ok()) << run.status();
      Tensor y(DType::I8, {1, 4, 4, config.block_out});
      std::memcpy(y.bytes(), dram->data() + program->findTensor("y")->dramOffset, y.byteSize());
      auto got = unpackActivation(y, b.outChannels);
      ASSERT_TRUE(got.ok());
      EXPECT_EQ(countMismatches(*got, expected), 0);
    }
}

// --- Random layers and tilings ------------------------------------------------------------

/// A random valid tiling of `layer` (column and input-channel splits, weight buffering,
/// 1-4 threads), or none.
std::optional<ConvTiling> randomTiling(const ConvLayer &layer, const isa::HardwareConfig &config,
                                       std::mt19937_64 &rng) {
  int64_t blocks = ceilDiv(layer.outChannels, config.block_out);
  int64_t inBlocks = layer.group == 1 ? ceilDiv(layer.inChannels, config.block_in) : 0;
  for (int attempt = 0; attempt < 50; ++attempt) {
    ConvTiling tiling{int64_t(1 + rng() % uint64_t(blocks)), int64_t(1 + rng() % uint64_t(layer.outHeight)),
                      int64_t(1 + rng() % 4), 1, rng() % 2 == 1};
    tiling.weightSlots = tiling.outBlocks == blocks ? 1 : 2;
    tiling.streamWeights = rng() % 3 == 0;
    tiling.outCols = rng() % 2 ? layer.outWidth : int64_t(1 + rng() % uint64_t(layer.outWidth));
    tiling.inBlocks = inBlocks > 0 && rng() % 2 ? int64_t(1 + rng() % uint64_t(inBlocks)) : 0;
    if (checkConvTiling(layer, tiling, config).ok()) return tiling;
  }
  return std::nullopt;
}

/// `count` random layers (groups, depthwise, stride, padding, dilation, ReLU), each with a
/// random tiling that fits `configName`, against the interpreter.
void checkRandomLayers(const std::string &configName, int count, int64_t maxBlocks, uint64_t seed) {
  std::mt19937_64 rng(seed);
  isa::HardwareConfig config = loadConfig(configName);
  int checked = 0;
  for (int i = 0; i < count; ++i) {
    int64_t group = std::vector<int64_t>{1, 1, 2, 3, 4}[rng() % 5], block = config.block_in;
    ConvCase c{group * int64_t(1 + rng() % 12),
               int64_t(3 + rng() % 9),
               int64_t(3 + rng() % 9),
               group * int64_t(1 + rng() % 12),
               int64_t(1 + rng() % 3),
               int64_t(1 + rng() % 2),
               int64_t(rng() % 2),
               int64_t(1 + rng() % 2),
               rng() % 2 == 1,
               group};
    if (rng() % 4 == 0)
      c.group = c.channels = c.outChannels = block * int64_t(1 + rng() % uint64_t(maxBlocks)); // depthwise
    SCOPED_TRACE(absl::StrFormat("%s case %d: C=%d %dx%d O=%d k=%d s=%d p=%d d=%d relu=%d group=%d", configName, i,
                                 c.channels, c.height, c.width, c.outChannels, c.kernel, c.stride, c.pad, c.dilation,
                                 c.relu, c.group));
    graph::Graph g = makeConvGraph(c, rng);
    Tensor x = randomInt8({1, c.channels, c.height, c.width}, rng);
    const graph::Node &node = g.nodes[0];
    auto expected = interp::evaluateNode(node, {&x, g.constantOf(node.input(1)), g.constantOf(node.input(2))});
    if (!expected.ok()) continue; // a kernel larger than the padded image
    auto layer = convLayerFromNode(g, node);
    ASSERT_TRUE(layer.ok()) << layer.status();
    std::optional<ConvTiling> tiling = randomTiling(*layer, config, rng);
    if (!tiling) continue;
    SCOPED_TRACE(absl::StrFormat("tile %d blocks x %d rows x %d cols, %d in blocks, V=%d, %d weight slots, stream %d, "
                                 "row-major %d",
                                 tiling->outBlocks, tiling->outRows, tiling->outCols, tiling->inBlocks,
                                 tiling->virtualThreads, tiling->weightSlots, tiling->streamWeights,
                                 tiling->rowMajorInput));
    auto got = runCompiled(*layer, *tiling, x, config);
    ASSERT_TRUE(got.ok()) << got.status();
    int mismatches = 0;
    for (int64_t e = 0; e < got->elementCount(); ++e)
      mismatches += got->data<int8_t>()[e] != (*expected)[0].data<int8_t>()[e];
    EXPECT_EQ(mismatches, 0);
    ++checked;
  }
  EXPECT_GE(checked, count / 2);
}

TEST(ConvLowering, RandomLayersAndTilingsMatchTheInterpreter) {
  checkRandomLayers("default", 40, 4, 2026);
  checkRandomLayers("small", 40, 3, 2027);
  checkRandomLayers("small", 60, 3, 2028);
}

// --- Cycle-level: the SystemC model ------------------------------------------------------------

/// ResNet-18's layer2 3x3 conv (128 channels, 28x28, ReLU) on the SystemC model: the
/// output equals the interpreter's and the layer keeps >= 90% GEMM utilization
/// (docs/performance.md, "Accelerator: ResNet-18 conv layers").
TEST(ConvCycles, ResNetLayer2ConvReachesNinetyPercentOnSystemc) {
  ConvCase c{128, 28, 28, 128, 3, 1, 1, 1, true};
  std::mt19937_64 rng(8);
  isa::HardwareConfig config = loadConfig("default");
  graph::Graph g = makeConvGraph(c, rng);
  Tensor x = randomInt8({1, c.channels, c.height, c.width}, rng);
  Tensor expected = interpret(g, x);
  auto layer = convLayerFromNode(g, g.nodes[0]);
  ASSERT_TRUE(layer.ok());
  auto tiling = chooseConvTiling(*layer, config, 2);
  ASSERT_TRUE(tiling.ok());
  ProgramBuilder builder(config);
  auto packed = packActivation(x, config.block_in);
  ASSERT_TRUE(packed.ok());
  builder.addTensor("x", isa::TensorKind::input, packed->dtype(), packed->shape());
  builder.addTensor("y", isa::TensorKind::output, DType::I8, {8, 28, 28, config.block_out});
  ASSERT_TRUE(emitConv(builder, *layer, *tiling, "x", "y", LayerPosition::first).ok());
  auto program = builder.finish(/*popStore=*/true);
  ASSERT_TRUE(program.ok()) << program.status();
  auto device = runtime::Device::open("systemc", config);
  ASSERT_TRUE(device.ok()) << device.status();
  ASSERT_TRUE((*device)->load(*program).ok());
  ASSERT_TRUE((*device)->writeTensor("x", *packed).ok());
  auto result = (*device)->run({});
  ASSERT_TRUE(result.ok()) << result.status();
  auto y = (*device)->readTensor("y");
  ASSERT_TRUE(y.ok());
  auto got = unpackActivation(*y, c.outChannels);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(countMismatches(*got, expected), 0);
  nlohmann::json report = (*device)->report(*result);
  const nlohmann::json &segment = report.at("segments").at(0);
  double estimate = estimateConvCycles(*layer, *tiling, config), cycles = segment.at("cycles").get<double>();
  EXPECT_GE(segment.at("gemm_utilization").get<double>(), 0.90);
  EXPECT_NEAR(estimate / cycles, 1.0, 0.03) << "the cost model drifted from the timing contract";
}

} // namespace
} // namespace tessera::accel
