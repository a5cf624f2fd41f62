//===- alu_lowering_test.cpp - Compiled int8 ALU layers equal the reference interpreter -===//
//
// Each case builds a small graph of int8 nodes (QAdd, QMax, QMin, QClip, QMaxPool,
// QAveragePool, QGlobalAveragePool, chained after a QConv or each other) with random
// int8 data, evaluates it node by node with the reference interpreter (the int8
// golden), lowers every node to accelerator instructions in one program, runs it on the
// functional executor with the race checker on, and compares every output element.
//
//===----------------------------------------------------------------------===//
#include <algorithm>
#include <map>
#include <random>
#include <set>

#include <gtest/gtest.h>

#include "compiler/accel/eltwise_emitter.h"
#include "compiler/accel/layouts.h"
#include "compiler/accel/mapping_space.h"
#include "compiler/accel/pool_emitter.h"
#include "compiler/accel/model_test_util.h"
#include "compiler/interp/interpreter.h"
#include "isa/test_util.h"
#include "runtime/device.h"
#include "simulator/golden/functional_executor.h"

namespace tessera::accel {
namespace {

isa::HardwareConfig loadConfig(const std::string &name) { return isa::testing::loadTestConfig(name); }
using model_testing::randomInt8;

/// Sets a per-tensor requant whose real scale is about 2^-log2Scale.
void setRequant(graph::Node &node, int64_t log2Scale, std::mt19937_64 &rng) {
  node.attrs.set("requant_multiplier", graph::Ints{int64_t((1 << 23) + rng() % (1 << 23))});
  node.attrs.set("requant_shift", graph::Ints{24 + log2Scale});
}

/// Tilings forced on the layers instead of the chosen ones (the threads always apply).
struct Forced {
  std::optional<EltwiseTiling> eltwise;
  std::optional<PoolTiling> pool;
  std::optional<GlobalPoolTiling> global;
};

/// A graph of nodes applied in order, with its random inputs.
struct Case {
  graph::Graph graph;
  std::map<std::string, Tensor> inputs;

  void input(const std::string &name, const Shape &shape, std::mt19937_64 &rng) {
    graph.setValue(name, graph::TensorType(DType::I8, shape));
    graph.inputs.push_back(name);
    inputs[name] = randomInt8(shape, rng);
  }
  graph::Node &node(const std::string &op, const std::vector<std::string> &ins, const std::string &out) {
    graph::Node node;
    node.op = op, node.name = out + "_op", node.inputs = ins, node.outputs = {out};
    graph.nodes.push_back(node);
    return graph.nodes.back();
  }
};

/// Evaluates every node with the interpreter, recording the value types; returns all values.
StatusOr<std::map<std::string, Tensor>> evaluateReference(Case &c) {
  std::map<std::string, Tensor> values = c.inputs;
  for (const graph::Node &node : c.graph.nodes) {
    std::vector<const Tensor *> ins;
    for (const std::string &name : node.inputs) ins.push_back(values.count(name) ? &values[name] : c.graph.constantOf(name));
    TS_ASSIGN_OR_RETURN(std::vector<Tensor> outs, interp::evaluateNode(node, ins));
    values[node.outputs[0]] = outs[0];
    c.graph.setValue(node.outputs[0], graph::TensorType(DType::I8, outs[0].shape()));
  }
  return values;
}

Shape blockedShape(const Shape &nchw, const isa::HardwareConfig &config) {
  return {nchw[0] * ceilDiv(nchw[1], config.block_out), nchw[2], nchw[3], config.block_out};
}

Status emitNode(ProgramBuilder &builder, const graph::Graph &g, const graph::Node &node, int64_t threads,
                const Forced &forced, LayerPosition position) {
  const isa::HardwareConfig &config = builder.config();
  const std::string &in = node.inputs[0], &out = node.outputs[0];
  if (node.op == "QConv") {
    TS_ASSIGN_OR_RETURN(ConvLayer layer, convLayerFromNode(g, node));
    TS_ASSIGN_OR_RETURN(ConvTiling tiling, chooseConvTiling(layer, config, threads));
    return emitConv(builder, layer, tiling, in, out, position);
  }
  if (node.op == "QMaxPool" || node.op == "QAveragePool") {
    TS_ASSIGN_OR_RETURN(PoolLayer read, poolLayerFromNode(g, node));
    PoolLayer layer = foldBatch(read, config.block_out);
    TS_ASSIGN_OR_RETURN(PoolTiling tiling, forced.pool ? *forced.pool : choosePoolTiling(layer, config, threads));
    tiling.virtualThreads = threads;
    return emitPool(builder, layer, tiling, in, out, position);
  }
  if (node.op == "QGlobalAveragePool") {
    TS_ASSIGN_OR_RETURN(GlobalPoolLayer read, globalPoolLayerFromNode(g, node));
    GlobalPoolLayer layer = foldBatch(read, config.block_out);
    TS_ASSIGN_OR_RETURN(GlobalPoolTiling tiling,
                        forced.global ? *forced.global : chooseGlobalPoolTiling(layer, config, threads));
    tiling.virtualThreads = threads;
    return emitGlobalPool(builder, layer, tiling, in, out, position);
  }
  TS_ASSIGN_OR_RETURN(EltwiseLayer read, eltwiseLayerFromNode(g, node));
  EltwiseLayer layer = foldBatch(read, config.block_out);
  TS_ASSIGN_OR_RETURN(EltwiseTiling tiling, forced.eltwise ? *forced.eltwise : chooseEltwiseTiling(layer, config, threads));
  tiling.virtualThreads = threads;
  return emitEltwise(builder, layer, tiling, in, node.inputs.size() > 1 ? node.inputs[1] : "", out, position);
}

/// Lowers every node of `c` into one program (the inputs packed beside it).
struct Compiled {
  isa::Program program;
  std::map<std::string, Tensor> packedInputs;
  std::string result;
};

StatusOr<Compiled> compileCase(const Case &c, const isa::HardwareConfig &config, int64_t threads, const Forced &forced) {
  ProgramBuilder builder(config);
  Compiled compiled;
  for (const auto &[name, value] : c.inputs) {
    TS_ASSIGN_OR_RETURN(compiled.packedInputs[name], packActivation(value, config.block_out));
    builder.addTensor(name, isa::TensorKind::input, DType::I8, compiled.packedInputs[name].shape());
  }
  compiled.result = c.graph.nodes.back().outputs[0];
  for (const graph::Node &node : c.graph.nodes) {
    isa::TensorKind kind = node.outputs[0] == compiled.result ? isa::TensorKind::output : isa::TensorKind::scratch;
    builder.addTensor(node.outputs[0], kind, DType::I8, blockedShape(c.graph.typeOf(node.outputs[0]).shape, config));
  }
  for (size_t i = 0; i < c.graph.nodes.size(); ++i)
    TS_RETURN_IF_ERROR(emitNode(builder, c.graph, c.graph.nodes[i], threads, forced,
                                i == 0 ? LayerPosition::first : LayerPosition::afterLayer));
  TS_ASSIGN_OR_RETURN(compiled.program, builder.finish(/*popStore=*/true));
  return compiled;
}

/// Runs `c` compiled on the functional executor (races checked); the last output, NCHW.
StatusOr<Tensor> runCompiled(const Case &c, const isa::HardwareConfig &config, int64_t threads, const Forced &forced) {
  TS_ASSIGN_OR_RETURN(Compiled compiled, compileCase(c, config, threads, forced));
  const isa::Program &program = compiled.program;
  TS_ASSIGN_OR_RETURN(std::vector<uint8_t> dram, sim::buildDramImage(program, config));
  for (const auto &[name, value] : compiled.packedInputs)
    std::memcpy(dram.data() + program.findTensor(name)->dramOffset, value.bytes(), value.byteSize());
  TS_RETURN_IF_ERROR(sim::runFunctional(program, config, dram).status());
  const Shape &shape = c.graph.typeOf(compiled.result).shape;
  Tensor y(DType::I8, blockedShape(shape, config));
  std::memcpy(y.bytes(), dram.data() + program.findTensor(compiled.result)->dramOffset, y.byteSize());
  return unpackActivation(y, shape[1]);
}

/// Compiled == interpreted for every element, with 1 and 2 virtual threads.
void expectBitExact(Case &c, const std::string &configName, const Forced &forced = {}, size_t minDistinct = 8) {
  isa::HardwareConfig config = loadConfig(configName);
  auto values = evaluateReference(c);
  ASSERT_TRUE(values.ok()) << values.status();
  const Tensor &expected = (*values)[c.graph.nodes.back().outputs[0]];
  for (int64_t threads : {1, 2}) {
    SCOPED_TRACE(absl::StrFormat("threads=%d config=%s", threads, configName));
    auto got = runCompiled(c, config, threads, forced);
    ASSERT_TRUE(got.ok()) << got.status();
    ASSERT_EQ(got->shape(), expected.shape());
    int64_t mismatches = 0;
    for (int64_t i = 0; i < got->elementCount(); ++i) mismatches += got->data<int8_t>()[i] != expected.data<int8_t>()[i];
    std::set<int8_t> distinct(got->data<int8_t>(), got->data<int8_t>() + got->elementCount());
    EXPECT_GE(distinct.size(), minDistinct) << "outputs too uniform to prove anything";
    EXPECT_EQ(mismatches, 0) << "of " << got->elementCount();
  }
}

Case addCase(const Shape &shape, bool relu, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Case c;
  c.input("a", shape, rng);
  c.input("b", shape, rng);
  graph::Node &add = c.node("QAdd", {"a", "b"}, "y");
  add.attrs.set("mul_a", int64_t(1 << 14));
  add.attrs.set("mul_b", int64_t(rng() % (1 << 15)) - (1 << 14));
  setRequant(add, 15, rng);
  if (relu) add.attrs.set("clip", graph::Ints{0, 127});
  return c;
}

Case poolCase(const std::string &op, const Shape &shape, int64_t kernel, int64_t stride, int64_t pad, bool ceil,
              uint64_t seed) {
  std::mt19937_64 rng(seed);
  Case c;
  c.input("x", shape, rng);
  graph::Node &pool = c.node(op, {"x"}, "y");
  pool.attrs.set("kernel_shape", graph::Ints{kernel, kernel});
  pool.attrs.set("strides", graph::Ints{stride, stride});
  pool.attrs.set("pads", graph::Ints{pad, pad, pad, pad});
  if (ceil) pool.attrs.set("ceil_mode", int64_t(1));
  if (op == "QAveragePool") setRequant(pool, int64_t(std::ceil(std::log2(double(kernel * kernel)))) - 1, rng);
  return c;
}

Case globalPoolCase(const Shape &shape, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Case c;
  c.input("x", shape, rng);
  setRequant(c.node("QGlobalAveragePool", {"x"}, "y"), int64_t(std::ceil(std::log2(double(shape[2] * shape[3])))) - 3, rng);
  return c;
}

/// A QConv with random weights, bias and requant producing `out` from `in`.
void addConv(Case &c, const std::string &in, const std::string &out, int64_t channels, int64_t outChannels,
             std::mt19937_64 &rng) {
  std::string w = c.graph.addConstant("w", randomInt8({outChannels, channels, 3, 3}, rng));
  graph::Node &conv = c.node("QConv", {in, w}, out);
  conv.attrs.set("pads", graph::Ints{1, 1, 1, 1});
  graph::Ints multipliers(size_t(outChannels), int64_t(3 << 22)), shifts(size_t(outChannels), 22 + 6 + 3);
  conv.attrs.set("requant_multiplier", multipliers);
  conv.attrs.set("requant_shift", shifts);
}

TEST(EltwiseLowering, ResidualAddOddChannels) {
  Case c = addCase({1, 20, 7, 9}, /*relu=*/true, 1);
  expectBitExact(c, "default");
}

TEST(EltwiseLowering, AddManyTilesOnSmallConfig) {
  Case c = addCase({1, 13, 9, 11}, /*relu=*/false, 2);
  expectBitExact(c, "small");
  expectBitExact(c, "default", Forced{EltwiseTiling{37, 2}, {}, {}});
}

TEST(EltwiseLowering, AddWithPowerOfTwoRequantUsesTheImmediate) {
  Case c = addCase({1, 16, 6, 6}, /*relu=*/false, 3);
  c.graph.nodes[0].attrs.set("requant_multiplier", graph::Ints{1 << 20});
  c.graph.nodes[0].attrs.set("requant_shift", graph::Ints{35});
  c.graph.nodes[0].attrs.set("mul_b", int64_t(1 << 14));
  auto layer = eltwiseLayerFromNode(c.graph, c.graph.nodes[0]);
  ASSERT_TRUE(layer.ok()) << layer.status();
  EXPECT_EQ(layer->epilogue.requantImmediate(), std::optional<int32_t>(15));
  expectBitExact(c, "default");
}

TEST(EltwiseLowering, ResNetResidualAdd) {
  Case c = addCase({1, 64, 56, 56}, /*relu=*/true, 4);
  expectBitExact(c, "default");
}

TEST(EltwiseLowering, MaxMinClip) {
  std::mt19937_64 rng(5);
  Case c;
  c.input("a", {1, 24, 5, 7}, rng);
  c.input("b", {1, 24, 5, 7}, rng);
  c.node("QMax", {"a", "b"}, "m");
  c.node("QMin", {"m", "b"}, "n").attrs.set("clip", graph::Ints{-100, 90});
  c.node("QClip", {"n"}, "y").attrs.set("clip", graph::Ints{-20, 60});
  expectBitExact(c, "default");
  expectBitExact(c, "small");
}

graph::Ints randomLutTable(std::mt19937_64 &rng) {
  graph::Ints table;
  for (int i = 0; i < 256; ++i) table.push_back(int64_t(rng() % 256) - 128);
  return table;
}

// Two QLut layers in a row: each loads its own table (acc8 LOAD + lutset) before its
// tiles, so the second lookup reads the second table. small has 4 lanes (64 table rows),
// default 16 (16 rows).
TEST(EltwiseLowering, LutLayersEachLoadTheirTable) {
  std::mt19937_64 rng(11);
  Case c;
  c.input("x", {1, 20, 7, 9}, rng);
  c.node("QLut", {"x"}, "s").attrs.set("table", randomLutTable(rng));
  c.node("QLut", {"s"}, "y").attrs.set("table", randomLutTable(rng));
  expectBitExact(c, "default");
  expectBitExact(c, "small");
  expectBitExact(c, "default", Forced{EltwiseTiling{37, 2}, {}, {}});
}

// The int8 activation between two convolutions, as PTQ writes Conv -> Sigmoid -> Conv.
TEST(EltwiseLowering, ConvLutConv) {
  std::mt19937_64 rng(12);
  Case c;
  c.input("x", {1, 16, 6, 6}, rng);
  addConv(c, "x", "c1", 16, 16, rng);
  c.node("QLut", {"c1"}, "s").attrs.set("table", randomLutTable(rng));
  addConv(c, "s", "y", 16, 16, rng);
  expectBitExact(c, "default");
}

TEST(EltwiseLowering, MaxWithRequant) {
  std::mt19937_64 rng(6);
  Case c;
  c.input("a", {1, 5, 4, 4}, rng);
  c.input("b", {1, 5, 4, 4}, rng);
  setRequant(c.node("QMax", {"a", "b"}, "y"), 1, rng);
  expectBitExact(c, "default");
}

TEST(PoolLowering, MaxPoolWithPaddingAndNegativeValues) {
  Case c = poolCase("QMaxPool", {1, 20, 13, 11}, 3, 2, 1, false, 7);
  expectBitExact(c, "default");
  expectBitExact(c, "small");
  expectBitExact(c, "default", Forced{{}, PoolTiling{1, 2, 2}, {}});
}

TEST(PoolLowering, ResNet18MaxPool) {
  Case c = poolCase("QMaxPool", {1, 64, 112, 112}, 3, 2, 1, false, 8);
  expectBitExact(c, "default");
}

TEST(PoolLowering, SqueezeNetCeilModeMaxPool) {
  Case c = poolCase("QMaxPool", {1, 64, 111, 111}, 3, 2, 0, true, 9);
  EXPECT_EQ(c.graph.nodes.size(), 1u);
  expectBitExact(c, "default");
  Case odd = poolCase("QMaxPool", {1, 19, 14, 14}, 3, 2, 0, true, 10);
  expectBitExact(odd, "default", Forced{{}, PoolTiling{2, 3, 2}, {}});
}

TEST(PoolLowering, MaxPoolStrideOneSamePadding) {
  Case c = poolCase("QMaxPool", {1, 16, 9, 9}, 3, 1, 1, false, 11);
  expectBitExact(c, "default");
}

TEST(PoolLowering, AveragePoolCountsThePadding) {
  Case c = poolCase("QAveragePool", {1, 20, 11, 10}, 3, 2, 1, false, 12);
  expectBitExact(c, "default");
  expectBitExact(c, "small");
  Case ceil = poolCase("QAveragePool", {1, 8, 10, 10}, 3, 2, 0, true, 13);
  expectBitExact(ceil, "default");
}

TEST(PoolLowering, GlobalAveragePool) {
  Case resnet = globalPoolCase({1, 512, 7, 7}, 14);
  expectBitExact(resnet, "default");
  Case odd = globalPoolCase({1, 20, 5, 6}, 15);
  expectBitExact(odd, "small", {}, 4);
  expectBitExact(odd, "default", Forced{{}, {}, GlobalPoolTiling{1, 2}}, 4);
}

// Random window pools: kernel 1-4, stride 1-3, dilation 1-2, padding below the kernel,
// ceil_mode, 1-40 channels, planes 3-20, max and average, default and small configs.
TEST(PoolLowering, RandomWindows) {
  std::mt19937_64 rng(60);
  int compiled = 0;
  for (int i = 0; i < 40; ++i) {
    int64_t kernel = 1 + int64_t(rng() % 4), stride = 1 + int64_t(rng() % 3), dilation = 1 + int64_t(rng() % 2);
    int64_t pad = int64_t(rng() % uint64_t(kernel)), channels = 1 + int64_t(rng() % 40);
    Shape shape = {1, channels, 3 + int64_t(rng() % 18), 3 + int64_t(rng() % 18)};
    bool ceil = rng() % 2 == 0, max = rng() % 2 == 0;
    Case c = poolCase(max ? "QMaxPool" : "QAveragePool", shape, kernel, stride, pad, ceil, 100 + uint64_t(i));
    c.graph.nodes[0].attrs.set("dilations", graph::Ints{dilation, dilation});
    if (!evaluateReference(c).ok()) continue; // a window geometry ONNX rejects
    SCOPED_TRACE(absl::StrFormat("%s %s k=%d s=%d d=%d p=%d ceil=%d", c.graph.nodes[0].op, shapeToString(shape), kernel,
                                 stride, dilation, pad, ceil));
    expectBitExact(c, i % 3 == 0 ? "small" : "default", {}, 1);
    ++compiled;
  }
  EXPECT_GT(compiled, 30);
}

// Random elementwise layers: every op, 1-40 channels, planes 1-20, random multipliers,
// requant (sometimes a power of two) and clip.
TEST(EltwiseLowering, RandomShapesAndAttributes) {
  std::mt19937_64 rng(61);
  const char *ops[] = {"QAdd", "QMax", "QMin", "QClip"};
  for (int i = 0; i < 24; ++i) {
    Shape shape = {1, 1 + int64_t(rng() % 40), 1 + int64_t(rng() % 20), 1 + int64_t(rng() % 20)};
    std::string op = ops[i % 4];
    Case c;
    c.input("a", shape, rng);
    if (op != "QClip") c.input("b", shape, rng);
    graph::Node &node = c.node(op, op == "QClip" ? std::vector<std::string>{"a"} : std::vector<std::string>{"a", "b"}, "y");
    if (op == "QAdd") {
      node.attrs.set("mul_a", int64_t(rng() % 32768) - 16384);
      node.attrs.set("mul_b", int64_t(rng() % 32768) - 16384);
    }
    if (op == "QAdd" || rng() % 2 == 0) setRequant(node, op == "QAdd" ? 15 : 0, rng);
    if (op == "QAdd" && rng() % 3 == 0) node.attrs.set("requant_multiplier", graph::Ints{int64_t(1) << (rng() % 20)});
    int64_t lo = int64_t(rng() % 100) - 100;
    if (op == "QClip" || rng() % 2 == 0) node.attrs.set("clip", graph::Ints{lo, lo + 1 + int64_t(rng() % 120)});
    SCOPED_TRACE(absl::StrFormat("%s %s", op, shapeToString(shape)));
    expectBitExact(c, i % 3 == 0 ? "small" : "default", {}, 1);
  }
}

TEST(ChainedLowering, ConvThenMaxPoolThenResidualAddThenGlobalPool) {
  std::mt19937_64 rng(16);
  Case c;
  c.input("x", {1, 8, 12, 12}, rng);
  c.input("skip", {1, 20, 6, 6}, rng);
  addConv(c, "x", "conv", 8, 20, rng);
  graph::Node &pool = c.node("QMaxPool", {"conv"}, "pool");
  pool.attrs.set("kernel_shape", graph::Ints{3, 3});
  pool.attrs.set("strides", graph::Ints{2, 2});
  pool.attrs.set("pads", graph::Ints{1, 1, 1, 1});
  graph::Node &add = c.node("QAdd", {"pool", "skip"}, "sum");
  add.attrs.set("mul_a", int64_t(9000));
  add.attrs.set("mul_b", int64_t(-16384));
  setRequant(add, 15, rng);
  add.attrs.set("clip", graph::Ints{0, 127});
  setRequant(c.node("QGlobalAveragePool", {"sum"}, "y"), 3, rng);
  expectBitExact(c, "default", {}, 4);
}

// ResNet's stem-to-block pattern: maxpool, a conv after it, the residual add of both.
TEST(ChainedLowering, MaxPoolThenConvThenResidualAdd) {
  std::mt19937_64 rng(18);
  Case c;
  c.input("x", {1, 16, 14, 14}, rng);
  graph::Node &pool = c.node("QMaxPool", {"x"}, "pool");
  pool.attrs.set("kernel_shape", graph::Ints{3, 3});
  pool.attrs.set("strides", graph::Ints{2, 2});
  pool.attrs.set("pads", graph::Ints{1, 1, 1, 1});
  addConv(c, "pool", "conv", 16, 16, rng);
  graph::Node &add = c.node("QAdd", {"conv", "pool"}, "y");
  add.attrs.set("mul_a", int64_t(1 << 14));
  add.attrs.set("mul_b", int64_t(12000));
  setRequant(add, 15, rng);
  add.attrs.set("clip", graph::Ints{0, 127});
  expectBitExact(c, "default");
}

TEST(ChainedLowering, ConvThenAddThenClipOnSmallConfig) {
  std::mt19937_64 rng(17);
  Case c;
  c.input("x", {1, 6, 7, 7}, rng);
  c.input("skip", {1, 10, 7, 7}, rng);
  addConv(c, "x", "conv", 6, 10, rng);
  graph::Node &add = c.node("QAdd", {"skip", "conv"}, "sum");
  setRequant(add, 15, rng);
  add.attrs.set("mul_a", int64_t(1 << 14));
  c.node("QClip", {"sum"}, "y").attrs.set("clip", graph::Ints{-10, 50});
  expectBitExact(c, "small");
}

/// A QMul of x [N,C,H,W] by a per-channel scale [N,C,1,1] (or a same-shape operand).
Case channelMulCase(const Shape &shape, bool perChannel, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Case c;
  c.input("x", shape, rng);
  c.input("s", perChannel ? Shape{shape[0], shape[1], 1, 1} : shape, rng);
  setRequant(c.node("QMul", {"x", "s"}, "y"), 7, rng);
  return c;
}

// Squeeze-and-excitation's scale: every pixel of channel c times s[c], on tiles of whole
// planes and of a part of one, with odd channel counts (a partial last block).
TEST(EltwiseLowering, ChannelScaleMul) {
  Case se = channelMulCase({1, 64, 14, 14}, /*perChannel=*/true, 30);
  expectBitExact(se, "default");
  expectBitExact(se, "default", Forced{EltwiseTiling{3 * 196, 2}, {}, {}});
  expectBitExact(se, "default", Forced{EltwiseTiling{49, 2}, {}, {}});
  Case odd = channelMulCase({1, 20, 7, 9}, /*perChannel=*/true, 31);
  odd.graph.nodes[0].attrs.set("clip", graph::Ints{0, 127});
  expectBitExact(odd, "default");
  expectBitExact(odd, "small");
  expectBitExact(odd, "small", Forced{EltwiseTiling{21, 2}, {}, {}});
}

TEST(EltwiseLowering, SameShapeMul) {
  Case c = channelMulCase({1, 24, 5, 7}, /*perChannel=*/false, 32);
  expectBitExact(c, "default");
  expectBitExact(c, "small", Forced{EltwiseTiling{50, 2}, {}, {}});
}

// GlobalAveragePool -> conv -> per-channel QMul of the block's input: the SE pattern as
// one program.
TEST(ChainedLowering, SqueezeExcitationScale) {
  std::mt19937_64 rng(33);
  Case c;
  c.input("x", {1, 16, 8, 8}, rng);
  setRequant(c.node("QGlobalAveragePool", {"x"}, "squeezed"), 3, rng);
  addConv(c, "squeezed", "excited", 16, 16, rng);
  c.graph.nodes.back().attrs.set("clip", graph::Ints{0, 127});
  setRequant(c.node("QMul", {"x", "excited"}, "y"), 7, rng);
  expectBitExact(c, "default", {}, 4);
}

// A batch folded into channels: every image's channel blocks one after another, so the
// per-tensor ALU layers treat N images as one (the last block of each image padded).
TEST(EltwiseLowering, BatchFoldedIntoChannels) {
  Case add = addCase({3, 20, 5, 7}, /*relu=*/true, 34);
  expectBitExact(add, "default");
  Case se = channelMulCase({2, 20, 6, 6}, /*perChannel=*/true, 35);
  expectBitExact(se, "default");
  expectBitExact(se, "small", Forced{EltwiseTiling{18, 2}, {}, {}});
}

TEST(PoolLowering, BatchFoldedIntoChannels) {
  Case max = poolCase("QMaxPool", {2, 20, 13, 11}, 3, 2, 1, false, 36);
  expectBitExact(max, "default");
  Case global = globalPoolCase({4, 24, 5, 6}, 37);
  expectBitExact(global, "default", {}, 4);
}

TEST(AluTiling, ChannelScaleTilesHoldWholePlanesOrDivideOne) {
  isa::HardwareConfig config = loadConfig("default");
  EltwiseLayer mul{"mul", EltwiseOp::mul, 32, 6, 6, 1, 1, {}, /*channelScale=*/true};
  mul.epilogue.requant = true, mul.epilogue.multiplier = 3 << 22, mul.epilogue.shift = 30;
  EXPECT_TRUE(checkEltwiseTiling(mul, EltwiseTiling{72, 2}, config).ok());
  EXPECT_TRUE(checkEltwiseTiling(mul, EltwiseTiling{12, 2}, config).ok());
  Status odd = checkEltwiseTiling(mul, EltwiseTiling{40, 2}, config);
  EXPECT_EQ(odd.message(), "a per-channel tile of 40 entries neither holds whole 36-entry planes nor divides one");
  EXPECT_EQ(mul.operandBRows(72), 2);
  EXPECT_EQ(mul.operandBRows(12), 1);
}

/// Runs the one-layer case `c` on `backend`; checks its output against the interpreter
/// and returns the simulated cycles.
StatusOr<uint64_t> simulatedCycles(Case &c, const isa::HardwareConfig &config, int64_t threads, const std::string &backend) {
  TS_ASSIGN_OR_RETURN(auto values, evaluateReference(c));
  TS_ASSIGN_OR_RETURN(Compiled compiled, compileCase(c, config, threads, {}));
  TS_ASSIGN_OR_RETURN(auto device, runtime::Device::open(backend, config));
  TS_RETURN_IF_ERROR(device->load(compiled.program));
  for (const auto &[name, value] : compiled.packedInputs) TS_RETURN_IF_ERROR(device->writeTensor(name, value));
  TS_ASSIGN_OR_RETURN(runtime::RunResult result, device->run({}));
  TS_ASSIGN_OR_RETURN(Tensor blocked, device->readTensor(compiled.result));
  const Tensor &expected = values[compiled.result];
  TS_ASSIGN_OR_RETURN(Tensor got, unpackActivation(blocked, expected.shape()[1]));
  if (std::memcmp(got.bytes(), expected.bytes(), got.byteSize()) != 0)
    return absl::InternalError(absl::StrFormat("%s output differs from the interpreter", backend));
  if (!result.totalCycles) return absl::InternalError(absl::StrFormat("%s reports no cycles", backend));
  return *result.totalCycles;
}

/// The cost model's estimate for the one-layer case `c` with the chosen tiling, which
/// `tiling` describes.
double estimatedCycles(const Case &c, const isa::HardwareConfig &config, int64_t threads, std::string &tiling) {
  const graph::Node &node = c.graph.nodes[0];
  if (node.op == "QMaxPool" || node.op == "QAveragePool") {
    PoolLayer layer = *poolLayerFromNode(c.graph, node);
    PoolTiling chosen = *choosePoolTiling(layer, config, threads);
    tiling = absl::StrFormat("%d blocks x %d rows", chosen.blocks, chosen.outRows);
    return estimatePoolCycles(layer, chosen, config);
  }
  if (node.op == "QGlobalAveragePool") {
    GlobalPoolLayer layer = *globalPoolLayerFromNode(c.graph, node);
    GlobalPoolTiling chosen = *chooseGlobalPoolTiling(layer, config, threads);
    tiling = absl::StrFormat("%d blocks", chosen.blocks);
    return estimateGlobalPoolCycles(layer, chosen, config);
  }
  EltwiseLayer layer = *eltwiseLayerFromNode(c.graph, node);
  EltwiseTiling chosen = *chooseEltwiseTiling(layer, config, threads);
  tiling = absl::StrFormat("%d entries", chosen.entries);
  return estimateEltwiseCycles(layer, chosen, config);
}

// The figures of docs/accelerator-backend.md: ResNet-18's ALU layers (and SqueezeNet's
// ceil-mode maxpool) on the cycle-level
// SystemC model, against the cost model (which must stay within 5%).
TEST(SystemcCycles, ResNet18AluLayersMatchTheCostModel) {
  isa::HardwareConfig config = loadConfig("default");
  std::vector<std::pair<std::string, Case>> layers;
  layers.emplace_back("maxpool 3x3/2 pad 1, 64x112x112 -> 56x56", poolCase("QMaxPool", {1, 64, 112, 112}, 3, 2, 1, false, 30));
  layers.emplace_back("residual add + relu, 64x56x56", addCase({1, 64, 56, 56}, /*relu=*/true, 31));
  layers.emplace_back("global avgpool, 512x7x7", globalPoolCase({1, 512, 7, 7}, 32));
  layers.emplace_back("SqueezeNet 1.1 maxpool 3x3/2 ceil, 64x111x111", poolCase("QMaxPool", {1, 64, 111, 111}, 3, 2, 0, true, 33));
  for (auto &[what, c] : layers)
    for (int64_t threads : {1, 2}) {
      auto cycles = simulatedCycles(c, config, threads, "systemc");
      ASSERT_TRUE(cycles.ok()) << what << ": " << cycles.status();
      std::string tiling;
      double estimate = estimatedCycles(c, config, threads, tiling);
      std::printf("%-42s threads=%d  %-20s systemc %8llu cycles  estimate %8.0f\n", what.c_str(), int(threads),
                  tiling.c_str(), static_cast<unsigned long long>(*cycles), estimate);
      EXPECT_NEAR(estimate / double(*cycles), 1.0, 0.05) << what << " threads=" << threads;
    }
}

// The RTL implements the same timing contract as the SystemC model: every layer kind
// (including the in-place row pass of the pools) gives the interpreter's output and the
// same cycle count on both.
TEST(RtlCycles, SmallAluLayersEqualSystemc) {
  std::vector<std::string> backends = runtime::availableBackends();
  if (std::find(backends.begin(), backends.end(), "rtl") == backends.end()) GTEST_SKIP() << "built without the RTL";
  isa::HardwareConfig config = loadConfig("default");
  std::vector<Case> cases;
  cases.push_back(poolCase("QMaxPool", {1, 20, 13, 11}, 3, 2, 1, false, 40));
  cases.push_back(poolCase("QAveragePool", {1, 20, 11, 10}, 3, 2, 1, false, 41));
  cases.push_back(poolCase("QMaxPool", {1, 19, 14, 14}, 3, 2, 0, true, 42));
  cases.push_back(addCase({1, 20, 7, 9}, /*relu=*/true, 43));
  cases.push_back(globalPoolCase({1, 40, 7, 7}, 44));
  for (Case &c : cases) {
    SCOPED_TRACE(c.graph.nodes[0].op);
    auto rtl = simulatedCycles(c, config, 2, "rtl"), systemc = simulatedCycles(c, config, 2, "systemc");
    ASSERT_TRUE(rtl.ok()) << rtl.status();
    ASSERT_TRUE(systemc.ok()) << systemc.status();
    std::printf("%-20s rtl %6llu cycles  systemc %6llu cycles\n", c.graph.nodes[0].op.c_str(),
                static_cast<unsigned long long>(*rtl), static_cast<unsigned long long>(*systemc));
    EXPECT_EQ(*rtl, *systemc);
  }
}

// A Concat written in place: a QClip fills channel block 0 of "cat", a QMaxPool blocks
// 1-2; both slices equal the interpreter's outputs, and a slice past the end is rejected.
TEST(ChainedLowering, LayersWriteChannelSlicesOfAConcat) {
  std::mt19937_64 rng(50);
  isa::HardwareConfig config = loadConfig("default");
  Case clip, pool = poolCase("QMaxPool", {1, 32, 8, 8}, 2, 2, 0, false, 51);
  clip.input("a", {1, 16, 4, 4}, rng);
  clip.node("QClip", {"a"}, "y").attrs.set("clip", graph::Ints{-50, 50});
  auto clipValues = evaluateReference(clip), poolValues = evaluateReference(pool);
  ASSERT_TRUE(clipValues.ok() && poolValues.ok());
  ProgramBuilder builder(config);
  Tensor a = *packActivation(clip.inputs["a"], 16), x = *packActivation(pool.inputs["x"], 16);
  builder.addTensor("a", isa::TensorKind::input, a.dtype(), a.shape());
  builder.addTensor("x", isa::TensorKind::input, x.dtype(), x.shape());
  builder.addTensor("cat", isa::TensorKind::output, DType::I8, {3, 4, 4, 16});
  auto clipLayer = eltwiseLayerFromNode(clip.graph, clip.graph.nodes[0]);
  auto poolLayer = poolLayerFromNode(pool.graph, pool.graph.nodes[0]);
  ASSERT_TRUE(clipLayer.ok() && poolLayer.ok());
  ASSERT_TRUE(emitEltwise(builder, *clipLayer, EltwiseTiling{16, 2}, "a", "", "cat", LayerPosition::first, 0).ok());
  ASSERT_TRUE(emitPool(builder, *poolLayer, PoolTiling{1, 2, 2}, "x", "cat", LayerPosition::afterLayer, 1).ok());
  Status overflow = emitPool(builder, *poolLayer, PoolTiling{1, 2, 2}, "x", "cat", LayerPosition::afterLayer, 2);
  EXPECT_NE(overflow.message().find("cannot hold 2 channel blocks of 4x4 from block 2"), std::string::npos) << overflow;
  auto program = builder.finish(/*popStore=*/true);
  ASSERT_TRUE(program.ok()) << program.status();
  auto dram = sim::buildDramImage(*program, config);
  ASSERT_TRUE(dram.ok());
  std::memcpy(dram->data() + program->findTensor("a")->dramOffset, a.bytes(), a.byteSize());
  std::memcpy(dram->data() + program->findTensor("x")->dramOffset, x.bytes(), x.byteSize());
  ASSERT_TRUE(sim::runFunctional(*program, config, *dram).ok());
  Tensor cat(DType::I8, {3, 4, 4, 16});
  std::memcpy(cat.bytes(), dram->data() + program->findTensor("cat")->dramOffset, cat.byteSize());
  Tensor got = *unpackActivation(cat, 48);
  const Tensor &first = (*clipValues)["y"], &second = (*poolValues)["y"];
  EXPECT_EQ(std::memcmp(got.bytes(), first.bytes(), first.byteSize()), 0);
  EXPECT_EQ(std::memcmp(got.bytes() + first.byteSize(), second.bytes(), second.byteSize()), 0);
}

std::string errorOf(Case &c) {
  for (graph::Node &node : c.graph.nodes) {
    if (node.op == "QMaxPool" || node.op == "QAveragePool") return std::string(poolLayerFromNode(c.graph, node).status().message());
    if (node.op == "QGlobalAveragePool") return std::string(globalPoolLayerFromNode(c.graph, node).status().message());
    return std::string(eltwiseLayerFromNode(c.graph, node).status().message());
  }
  return "";
}

TEST(AluLayers, RejectWhatTheLoweringDoesNotSupportNamingIt) {
  std::mt19937_64 rng(18);
  Case batch = addCase({2, 4, 3, 3}, false, 19);
  auto unfolded = eltwiseLayerFromNode(batch.graph, batch.graph.nodes[0]);
  ASSERT_TRUE(unfolded.ok()) << unfolded.status();
  Status status = checkEltwiseTiling(*unfolded, EltwiseTiling{9, 2}, loadConfig("default"));
  EXPECT_EQ(status.message(), "y_op: batch 2; fold it into the channels first (foldBatch)");
  Case broadcast;
  broadcast.input("a", {1, 4, 3, 3}, rng);
  broadcast.input("b", {1, 4, 1, 1}, rng);
  setRequant(broadcast.node("QAdd", {"a", "b"}, "y"), 15, rng);
  EXPECT_NE(errorOf(broadcast).find("broadcasting"), std::string::npos) << errorOf(broadcast);
  Case exclusive = poolCase("QAveragePool", {1, 4, 6, 6}, 3, 1, 1, false, 20);
  exclusive.graph.nodes[0].attrs.set("count_include_pad", int64_t(0));
  EXPECT_NE(errorOf(exclusive).find("count_include_pad"), std::string::npos) << errorOf(exclusive);
  Case indices = poolCase("QMaxPool", {1, 4, 6, 6}, 2, 2, 0, false, 21);
  indices.graph.nodes[0].outputs.push_back("indices");
  EXPECT_NE(errorOf(indices).find("Indices"), std::string::npos) << errorOf(indices);
  Case threeD;
  threeD.input("x", {1, 4, 6}, rng);
  threeD.node("QMaxPool", {"x"}, "y").attrs.set("kernel_shape", graph::Ints{2});
  EXPECT_NE(errorOf(threeD).find("rank-3"), std::string::npos) << errorOf(threeD);
  Case notEltwise = poolCase("QMaxPool", {1, 4, 6, 6}, 2, 2, 0, false, 22);
  EXPECT_NE(std::string(eltwiseLayerFromNode(notEltwise.graph, notEltwise.graph.nodes[0]).status().message()).find("y_op"),
            std::string::npos);
}

TEST(AluTiling, RejectsTilingsThatOverflowNamingTheScratchpad) {
  isa::HardwareConfig config = loadConfig("small");
  EltwiseLayer add{"add", EltwiseOp::add, 64, 16, 16, 1, 1, {}};
  Status status = checkEltwiseTiling(add, EltwiseTiling{200, 2}, config);
  EXPECT_NE(status.message().find("the accumulator tile needs"), std::string::npos) << status;
  GlobalPoolLayer global{"gap", 16, 32, 32, {}};
  auto tiling = chooseGlobalPoolTiling(global, config, 2);
  ASSERT_FALSE(tiling.ok());
  EXPECT_NE(tiling.status().message().find("gap: no mapping fits"), std::string::npos) << tiling.status();
  PoolLayer pool{"pool", PoolOp::max, 16, 40, 40, 20, 20, 3, 3, 2, 2, 1, 1, 16, 1, {}};
  status = checkPoolTiling(pool, PoolTiling{1, 1, 1}, loadConfig("default"));
  EXPECT_NE(status.message().find("padding of 16"), std::string::npos) << status;
  EXPECT_NE(chooseEltwiseTiling(add, config, 0).status().message().find("0 virtual threads"), std::string::npos);
  EXPECT_FALSE(checkPoolTiling(pool, PoolTiling{1, 1, 0}, config).ok());
  EXPECT_FALSE(checkGlobalPoolTiling(global, GlobalPoolTiling{1, 0}, config).ok());
  PoolLayer zeroStride = pool;
  zeroStride.strideW = 0;
  status = checkPoolTiling(zeroStride, PoolTiling{1, 1, 2}, config);
  EXPECT_NE(status.message().find("pool: sizes, kernel, strides and dilations must be positive"), std::string::npos) << status;
}

TEST(AluTiling, CostModelPrefersOverlapWithTwoThreads) {
  isa::HardwareConfig config = loadConfig("default");
  EltwiseLayer add{"add", EltwiseOp::add, 64, 56, 56, 1 << 14, 3000, {}};
  add.epilogue.requant = true, add.epilogue.multiplier = 12345678, add.epilogue.shift = 38;
  auto one = chooseEltwiseTiling(add, config, 1), two = chooseEltwiseTiling(add, config, 2);
  ASSERT_TRUE(one.ok() && two.ok());
  EXPECT_LT(estimateEltwiseCycles(add, *two, config), estimateEltwiseCycles(add, *one, config));
  PoolLayer pool{"pool", PoolOp::max, 64, 112, 112, 56, 56, 3, 3, 2, 2, 1, 1, 1, 1, {}};
  auto poolOne = choosePoolTiling(pool, config, 1), poolTwo = choosePoolTiling(pool, config, 2);
  ASSERT_TRUE(poolOne.ok() && poolTwo.ok());
  EXPECT_LT(estimatePoolCycles(pool, *poolTwo, config), estimatePoolCycles(pool, *poolOne, config));
}

} // namespace
} // namespace tessera::accel
