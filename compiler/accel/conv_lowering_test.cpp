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
#include "compiler/accel/layouts.h"
#include "compiler/interp/interpreter.h"
#include "simulator/golden/functional_executor.h"

namespace tessera::accel {
namespace {

struct ConvCase {
  int64_t channels, height, width, outChannels, kernel, stride, pad, dilation;
  bool relu;
};

isa::HardwareConfig loadConfig(const std::string &name) {
  auto config = isa::loadConfigFile(std::string(TESSERA_SOURCE_DIR) + "/configs/" + name + ".json");
  EXPECT_TRUE(config.ok()) << config.status();
  return *config;
}

Tensor randomInt8(const Shape &shape, std::mt19937_64 &rng) {
  Tensor tensor(DType::I8, shape);
  for (int64_t i = 0; i < tensor.elementCount(); ++i) tensor.data<int8_t>()[i] = int8_t(int(rng() % 256) - 128);
  return tensor;
}

/// A graph holding one QConv node for `c` with random weights, bias and requant.
graph::Graph makeConvGraph(const ConvCase &c, std::mt19937_64 &rng) {
  graph::Graph g;
  g.setValue("x", graph::TensorType(DType::I8, {1, c.channels, c.height, c.width}));
  std::string w = g.addConstant("w", randomInt8({c.outChannels, c.channels, c.kernel, c.kernel}, rng));
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
  // Scale about 1 / (64 * sqrt(fan-in)): outputs spread over int8 with some saturation.
  graph::Ints multipliers, shifts;
  int64_t shift = 22 + 6 + int64_t(std::ceil(std::log2(std::sqrt(double(c.channels * c.kernel * c.kernel)))));
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

/// Runs the compiled layer on the functional executor; returns the NCHW output.
StatusOr<Tensor> runCompiled(const ConvLayer &layer, const ConvTiling &tiling, const Tensor &x,
                             const isa::HardwareConfig &config) {
  ProgramBuilder builder(config);
  TS_ASSIGN_OR_RETURN(Tensor packed, packActivation(x, config.block_in));
  builder.addTensor("x", isa::TensorKind::input, packed.dtype(), packed.shape());
  Shape outShape = {ceilDiv(layer.outChannels, config.block_out), layer.outHeight, layer.outWidth, config.block_out};
  builder.addTensor("y", isa::TensorKind::output, DType::I8, outShape);
  TS_RETURN_IF_ERROR(emitConv(builder, layer, tiling, "x", "y", LayerPosition::first));
  TS_ASSIGN_OR_RETURN(isa::Program program, builder.finish(/*popStore=*/true));
  TS_ASSIGN_OR_RETURN(std::vector<uint8_t> dram, sim::buildDramImage(program, config));
  std::memcpy(dram.data() + program.findTensor("x")->dramOffset, packed.bytes(), packed.byteSize());
  TS_RETURN_IF_ERROR(sim::runFunctional(program, config, dram).status());
  Tensor y(DType::I8, outShape);
  std::memcpy(y.bytes(), dram.data() + program.findTensor("y")->dramOffset, y.byteSize());
  return unpackActivation(y, layer.outChannels);
}

void checkCase(const ConvCase &c, const std::string &configName, std::optional<ConvTiling> forced = std::nullopt) {
  SCOPED_TRACE(absl::StrFormat("C=%d %dx%d O=%d k=%d s=%d p=%d d=%d relu=%d on %s", c.channels, c.height, c.width,
                               c.outChannels, c.kernel, c.stride, c.pad, c.dilation, c.relu, configName));
  std::mt19937_64 rng(uint64_t(c.channels * 131 + c.height * 17 + c.outChannels * 7 + c.kernel));
  isa::HardwareConfig config = loadConfig(configName);
  graph::Graph g = makeConvGraph(c, rng);
  Tensor x = randomInt8({1, c.channels, c.height, c.width}, rng);
  const graph::Node &node = g.nodes[0];
  auto expected = interp::evaluateNode(node, {&x, g.constantOf(node.input(1)), g.constantOf(node.input(2))});
  ASSERT_TRUE(expected.ok()) << expected.status();
  auto layer = convLayerFromNode(g, node);
  ASSERT_TRUE(layer.ok()) << layer.status();
  for (int64_t threads : {1, 2}) {
    auto tiling = forced ? StatusOr<ConvTiling>(*forced) : chooseConvTiling(*layer, config, threads);
    ASSERT_TRUE(tiling.ok()) << tiling.status();
    if (forced) tiling->virtualThreads = threads;
    auto got = runCompiled(*layer, *tiling, x, config);
    ASSERT_TRUE(got.ok()) << got.status();
    ASSERT_EQ(got->shape(), (*expected)[0].shape());
    int mismatches = 0;
    for (int64_t i = 0; i < got->elementCount(); ++i)
      mismatches += got->data<int8_t>()[i] != (*expected)[0].data<int8_t>()[i];
    std::set<int8_t> distinct(got->data<int8_t>(), got->data<int8_t>() + got->elementCount());
    EXPECT_GT(distinct.size(), 8u) << "outputs too uniform to prove anything";
    EXPECT_EQ(mismatches, 0) << "threads=" << threads << " tile " << tiling->outBlocks << " blocks x "
                             << tiling->outRows << " rows";
  }
}

TEST(ConvLowering, Pointwise) { checkCase({16, 5, 5, 16, 1, 1, 0, 1, false}, "default"); }
TEST(ConvLowering, ThreeByThreeSamePadding) { checkCase({32, 8, 8, 32, 3, 1, 1, 1, true}, "default"); }
TEST(ConvLowering, StrideTwo) { checkCase({16, 9, 9, 32, 3, 2, 1, 1, false}, "default"); }
TEST(ConvLowering, Dilation) { checkCase({16, 9, 7, 16, 3, 1, 2, 2, true}, "default"); }
TEST(ConvLowering, ChannelsNotMultipleOfBlock) { checkCase({3, 10, 10, 20, 3, 1, 1, 1, false}, "default"); }
TEST(ConvLowering, SevenBySevenStrideTwo) { checkCase({3, 20, 20, 16, 7, 2, 3, 1, true}, "default"); }
TEST(ConvLowering, SmallConfigManyTiles) { checkCase({8, 12, 12, 12, 3, 1, 1, 1, true}, "small"); }

TEST(ConvLowering, ForcedSmallTilesExerciseWeightDoubleBuffering) {
  checkCase({32, 6, 6, 64, 3, 1, 1, 1, true}, "default", ConvTiling{1, 2, 2, 2});
  checkCase({32, 7, 6, 48, 3, 1, 1, 1, false}, "default", ConvTiling{2, 3, 2, 2});
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

} // namespace
} // namespace tessera::accel
