//===- model_compiler_test.cpp - Whole models on the accelerator ----------------------===//
//
// Models compiled by compileForAccelerator run through the host model (host regions on
// the cpu executor, packing, each accelerator region on the device, unpacking) on every
// backend, and must give outputs identical to the reference interpreter running the
// quantized graph.
//
//===----------------------------------------------------------------------===//
#include <cmath>
#include <filesystem>
#include <iostream>
#include <limits>

#include <gtest/gtest.h>

#include "compiler/accel/host_model.h"
#include "compiler/accel/host_model_check.h"
#include "compiler/accel/model_compiler.h"
#include "compiler/accel/model_test_util.h"
#include "compiler/graph/parser.h"
#include "compiler/graph/shape_inference.h"
#include "compiler/graph/verifier.h"
#include "compiler/interp/interpreter.h"
#include "compiler/onnx/importer.h"
#include "compiler/quant/quantize_model.h"
#include "isa/binary.h"
#include "isa/test_util.h"
#include "support/npy.h"

namespace tessera::accel {
namespace {

const std::string kModels = std::string(TESSERA_SOURCE_DIR) + "/examples/models/";

using namespace model_testing;

graph::Graph quantizedDigits() {
  auto graph = onnx_import::importOnnxFile(kModels + "digits_cnn.onnx");
  EXPECT_TRUE(graph.ok()) << graph.status();
  quant::QuantizeModelOptions options;
  options.calibrate = kModels + "digits_calib";
  auto report = quant::quantizeModel(*graph, options);
  EXPECT_TRUE(report.ok()) << report.status();
  return *graph;
}

TEST(ModelCompiler, DigitsCnnRunsEntirelyOnTheAcceleratorOnEveryBackend) {
  isa::HardwareConfig config = isa::testing::loadTestConfig("default");
  graph::Graph graph = quantizedDigits();
  auto model = compileForAccelerator(graph, config);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ(model->cpuOps, (std::map<std::string, int>{{"DequantizeLinear", 1}, {"QuantizeLinear", 1}}));
  EXPECT_EQ(model->layers.size(), 7u); // 3 conv, maxpool, add, 2 fully connected
  EXPECT_EQ(model->program.segments.size(), model->layers.size());
  isa::Program program = throughBinary(model->program, config);
  for (const auto &entry : std::filesystem::directory_iterator(kModels + "digits_samples")) {
    auto image = readNpyFile(entry.path().string());
    ASSERT_TRUE(image.ok()) << image.status();
    TensorMap inputs{{graph.inputs[0], *image}};
    auto want = interp::runGraph(graph, inputs);
    ASSERT_TRUE(want.ok()) << want.status();
    for (const std::string &backend : backends())
      expectIdentical(runOn(backend, program, config, inputs).first, *want, backend + " " + entry.path().filename().string());
  }
}

TEST(ModelCompiler, HostMetadataCarriesEachLayersEstimate) {
  isa::HardwareConfig config = isa::testing::loadTestConfig("default");
  auto model = compileForAccelerator(quantizedDigits(), config);
  ASSERT_TRUE(model.ok()) << model.status();
  auto host = HostModel::fromJson(model->program.host);
  ASSERT_TRUE(host.ok()) << host.status();
  ASSERT_EQ(host->estimatedCycles.size(), model->layers.size());
  for (const LayerSummary &layer : model->layers) {
    ASSERT_TRUE(host->estimatedCycles.count(layer.name)) << layer.name;
    EXPECT_EQ(host->estimatedCycles.at(layer.name), layer.estimatedCycles) << layer.name;
  }
  // Every segment is named after its layer, so the report can attach the estimate.
  for (const isa::Segment &segment : model->program.segments)
    EXPECT_TRUE(host->estimatedCycles.count(segment.name)) << segment.name;
}

TEST(ModelCompiler, SystemcAndRtlAgreeOnCycles) {
  isa::HardwareConfig config = isa::testing::loadTestConfig("default");
  auto model = compileForAccelerator(quantizedDigits(), config);
  ASSERT_TRUE(model.ok()) << model.status();
  auto image = readNpyFile(kModels + "digits_samples/00_d7.npy");
  ASSERT_TRUE(image.ok());
  TensorMap inputs{{"input", *image}};
  uint64_t systemc = runOn("systemc", model->program, config, inputs).second;
  EXPECT_GT(systemc, 0u);
#ifdef TESSERA_HAVE_RTL
  EXPECT_EQ(runOn("rtl", model->program, config, inputs).second, systemc);
#endif
}

/// The digits CNN with its input retyped to two images: convs, the maxpool, the residual
/// add and both fully connected layers run the batch on the accelerator; every backend
/// gives the interpreter's result for two different samples at once, and RTL takes
/// SystemC's cycles.
TEST(ModelCompiler, DigitsCnnAtBatchTwoOnEveryBackend) {
  auto graph = onnx_import::importOnnxFile(kModels + "digits_cnn.onnx");
  ASSERT_TRUE(graph.ok()) << graph.status();
  graph->setValue(graph->inputs[0], graph::TensorType(DType::F32, {2, 1, 8, 8}));
  ASSERT_TRUE(graph::inferGraphTypes(*graph).ok());
  quant::QuantizeModelOptions options;
  options.calibrate = "random:4";
  ASSERT_TRUE(quant::quantizeModel(*graph, options).ok());
  isa::HardwareConfig config = isa::testing::loadTestConfig("default");
  auto model = compileForAccelerator(*graph, config);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ(model->cpuOps, (std::map<std::string, int>{{"DequantizeLinear", 1}, {"QuantizeLinear", 1}}));
  EXPECT_EQ(model->coverage.accelMacs, model->coverage.totalMacs);
  auto first = readNpyFile(kModels + "digits_samples/00_d7.npy"), second = readNpyFile(kModels + "digits_samples/01_d6.npy");
  ASSERT_TRUE(first.ok() && second.ok());
  Tensor pair(DType::F32, {2, 1, 8, 8});
  std::memcpy(pair.bytes(), first->bytes(), first->byteSize());
  std::memcpy(pair.bytes() + first->byteSize(), second->bytes(), second->byteSize());
  TensorMap inputs{{graph->inputs[0], pair}};
  auto want = interp::runGraph(*graph, inputs);
  ASSERT_TRUE(want.ok()) << want.status();
  const Tensor &logits = want->at(graph->outputs[0]);
  ASSERT_EQ(logits.shape(), (Shape{2, 10}));
  EXPECT_NE(std::memcmp(logits.bytes(), logits.bytes() + logits.byteSize() / 2, logits.byteSize() / 2), 0);
  isa::Program program = throughBinary(model->program, config);
  std::map<std::string, uint64_t> cycles;
  for (const std::string &backend : backends()) {
    auto [outputs, total] = runOn(backend, program, config, inputs);
    expectIdentical(outputs, *want, backend);
    cycles[backend] = total;
  }
  EXPECT_GT(cycles["systemc"], 0u);
  if (cycles.count("rtl")) {
    EXPECT_EQ(cycles["rtl"], cycles["systemc"]);
  }
}

TEST(ModelCompiler, OneAndTwoVirtualThreadsGiveTheSameOutputs) {
  isa::HardwareConfig config = isa::testing::loadTestConfig("default");
  graph::Graph graph = quantizedDigits();
  auto image = readNpyFile(kModels + "digits_samples/01_d6.npy");
  ASSERT_TRUE(image.ok());
  TensorMap inputs{{"input", *image}};
  auto want = interp::runGraph(graph, inputs);
  ASSERT_TRUE(want.ok());
  for (int64_t threads : {1, 2}) {
    LoweringOptions options;
    options.virtualThreads = threads;
    auto model = compileForAccelerator(graph, config, options);
    ASSERT_TRUE(model.ok()) << model.status();
    expectIdentical(runOn("functional", model->program, config, inputs).first, *want,
                    absl::StrFormat("%d virtual threads", threads));
  }
}

/// Conv -> Softsign -> Conv: Softsign has no int8 form (PTQ makes tables of Sigmoid,
/// Tanh, HardSigmoid, HardSwish and SiLU only) and runs on the host; the second conv (288
/// MACs) would be an accelerator region of its own, whose launch and transfers cost more
/// than running it on the host, so the cost model keeps it there.
TEST(ModelCompiler, ASmallConvAfterAHostOpStaysOnTheHost) {
  auto graph = graph::parseGraph(R"(graph @main(%x: f32[1,3,6,6]) {
  %w1 = const f32[4,3,3,3] dense<[-0.625, 0.25, -0.25, 0.625, 0.125, -0.375, 0.5, 0.0, -0.5, 0.375, -0.125, -0.625, 0.25, -0.25, 0.625, 0.125, -0.375, 0.5, 0.0, -0.5, 0.375, -0.125, -0.625, 0.25, -0.25, 0.625, 0.125, -0.375, 0.5, 0.0, -0.5, 0.375, -0.125, -0.625, 0.25, -0.25, 0.625, 0.125, -0.375, 0.5, 0.0, -0.5, 0.375, -0.125, -0.625, 0.25, -0.25, 0.625, 0.125, -0.375, 0.5, 0.0, -0.5, 0.375, -0.125, -0.625, 0.25, -0.25, 0.625, 0.125, -0.375, 0.5, 0.0, -0.5, 0.375, -0.125, -0.625, 0.25, -0.25, 0.625, 0.125, -0.375, 0.5, 0.0, -0.5, 0.375, -0.125, -0.625, 0.25, -0.25, 0.625, 0.125, -0.375, 0.5, 0.0, -0.5, 0.375, -0.125, -0.625, 0.25, -0.25, 0.625, 0.125, -0.375, 0.5, 0.0, -0.5, 0.375, -0.125, -0.625, 0.25, -0.25, 0.625, 0.125, -0.375, 0.5, 0.0, -0.5]>
  %w2 = const f32[2,4,1,1] dense<[0.5, -0.25, 1.0, 0.75, -1.0, 0.5, 0.25, 0.5]>
  %c1 = Conv(%x, %w1) {pads = [1, 1, 1, 1]} : f32[1,4,6,6]
  %s = Softsign(%c1) : f32[1,4,6,6]
  %c2 = Conv(%s, %w2) : f32[1,2,6,6]
  return %c2
}
)");
  ASSERT_TRUE(graph.ok()) << graph.status();
  quant::QuantizeModelOptions options;
  options.calibrate = "random:2";
  ASSERT_TRUE(quant::quantizeModel(*graph, options).ok());
  isa::HardwareConfig config = isa::testing::loadTestConfig("default");
  auto model = compileForAccelerator(*graph, config);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ(model->acceleratorOps, (std::map<std::string, int>{{"QConv", 1}}));
  EXPECT_EQ(model->cpuOps.at("QConv"), 1);
  EXPECT_EQ(model->cpuOps.at("Softsign"), 1);
  EXPECT_EQ(model->coverage.accelRegions, 1);
  bool costReason = false;
  for (const std::string &reason : model->cpuReasons)
    costReason |= reason.starts_with("QConv") && reason.find("the cost model keeps") != std::string::npos;
  EXPECT_TRUE(costReason) << joinStrings(model->cpuReasons, "\n");
  TensorMap inputs{{"x", Tensor(DType::F32, {1, 3, 6, 6})}};
  for (int64_t i = 0; i < 108; ++i) inputs["x"].data<float>()[i] = float(i % 13) / 6.5f - 1.0f;
  auto want = interp::runGraph(*graph, inputs);
  ASSERT_TRUE(want.ok()) << want.status();
  expectIdentical(runOn("systemc", throughBinary(model->program, config), config, inputs).first, *want, "systemc");
}

/// Fills each named weight with a fixed pattern ((i * stride) % period - period / 2,
/// divided by scale), sets the graph's inputs to `x` and quantizes it on two random
/// calibration inputs.
void fillWeightsAndQuantize(graph::Graph &graph, std::initializer_list<const char *> weights, int64_t stride,
                            int64_t period, float scale) {
  for (const char *name : weights) {
    Tensor values(DType::F32, graph.typeOf(name).shape);
    for (int64_t i = 0; i < values.elementCount(); ++i)
      values.data<float>()[i] = float((i * stride) % period - period / 2) / scale;
    graph.findValue(name)->constant = std::move(values);
  }
  graph.inputs = {"x"};
  quant::QuantizeModelOptions options;
  options.calibrate = "random:2";
  auto report = quant::quantizeModel(graph, options);
  EXPECT_TRUE(report.ok()) << report.status();
}

/// Conv -> Softmax over channels -> Conv, quantized: the Softmax stays in float on the
/// host, so the accelerator runs two regions (each conv) with host regions before,
/// between and after them. Weights follow a fixed pattern.
graph::Graph quantizedConvSoftmaxConv() {
  auto graph = graph::parseGraph(R"(graph @main(%x: f32[1,3,12,12], %w1: f32[16,3,3,3], %w2: f32[16,16,3,3]) {
  %c1 = Conv(%x, %w1) {pads = [1, 1, 1, 1]} : f32[1,16,12,12]
  %s = Softmax(%c1) {axis = 1} : f32[1,16,12,12]
  %c2 = Conv(%s, %w2) {pads = [1, 1, 1, 1]} : f32[1,16,12,12]
  %y = Relu(%c2) : f32[1,16,12,12]
  return %y
}
)");
  EXPECT_TRUE(graph.ok()) << graph.status();
  fillWeightsAndQuantize(*graph, {"w1", "w2"}, 37, 17, 16.0f);
  return *graph;
}

TEST(ModelCompiler, TwoAcceleratorRegionsAroundAHostOpRunOnEveryBackend) {
  isa::HardwareConfig config = isa::testing::loadTestConfig("default");
  graph::Graph graph = quantizedConvSoftmaxConv();
  auto model = compileForAccelerator(graph, config);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ(model->acceleratorOps.at("QConv"), 2);
  EXPECT_EQ(model->coverage.accelRegions, 2);
  EXPECT_EQ(model->coverage.hostRegions, 3);
  auto host = HostModel::fromJson(model->program.host);
  ASSERT_TRUE(host.ok()) << host.status();
  std::vector<int> regions;
  for (const HostRegion &region : host->regions) regions.push_back(region.region);
  EXPECT_EQ(regions, (std::vector<int>{0, 1, 2, 3, 4}));
  // The first region's range ends at the sync closing it; the second ends at FINISH.
  EXPECT_EQ(model->program.instructions[host->regions[1].endInstruction].opcode, isa::Opcode::gemm);
  EXPECT_EQ(host->regions[3].endInstruction, model->program.instructions.size() - 1);

  TensorMap inputs{{"x", Tensor(DType::F32, {1, 3, 12, 12})}};
  for (int64_t i = 0; i < inputs["x"].elementCount(); ++i) inputs["x"].data<float>()[i] = float(i % 29) / 14.5f - 1.0f;
  auto want = interp::runGraph(graph, inputs);
  ASSERT_TRUE(want.ok()) << want.status();
  isa::Program program = throughBinary(model->program, config);
  std::map<std::string, uint64_t> cycles;
  for (const std::string &backend : backends()) {
    auto [outputs, total] = runOn(backend, program, config, inputs);
    expectIdentical(outputs, *want, backend);
    cycles[backend] = total;
  }
  EXPECT_GT(cycles["systemc"], 0u);
#ifdef TESSERA_HAVE_RTL
  EXPECT_EQ(cycles["rtl"], cycles["systemc"]);
#endif
}

/// The error of checkHostModel on `model` after `edit` changed its metadata, or "".
template <class Edit>
std::string hostModelError(const CompiledModel &model, const isa::HardwareConfig &config, Edit edit) {
  auto host = HostModel::fromJson(model.program.host);
  EXPECT_TRUE(host.ok()) << host.status();
  edit(*host);
  Status status = checkHostModel(*host, model.program, config);
  return status.ok() ? "" : std::string(status.message());
}

// Metadata that parses but does not fit the program is refused, naming what is wrong: a
// transfer to a tensor the program lacks or of the wrong kind, an image whose layout
// needs another DRAM shape, a region past the program's end, a value nothing provides.
TEST(HostModel, MetadataThatDoesNotFitTheProgramIsRefused) {
  isa::HardwareConfig config = isa::testing::loadTestConfig("default");
  auto model = compileForAccelerator(quantizedConvSoftmaxConv(), config);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ(hostModelError(*model, config, [](HostModel &) {}), "");
  auto has = [](const std::string &error, const std::string &part) { return error.find(part) != std::string::npos; };
  std::string missing = hostModelError(*model, config, [](HostModel &h) { h.regions[1].toDevice[0].tensor = "nope"; });
  EXPECT_TRUE(has(missing, "region 1 (accelerator): to_device transfer of") && has(missing, "no tensor 'nope'")) << missing;
  std::string kind = hostModelError(*model, config, [](HostModel &h) {
    h.regions[1].toDevice[0].tensor = h.regions[1].fromDevice[0].tensor;
  });
  EXPECT_TRUE(has(kind, "expected an int8 input tensor")) << kind;
  std::string shape = hostModelError(*model, config, [](HostModel &h) {
    HostTransfer &t = h.regions[3].toDevice[0];
    t.window.reset();
    t.nchw[1] *= 2, t.shape = t.nchw;
  });
  EXPECT_TRUE(has(shape, "its layout needs a DRAM tensor of shape")) << shape;
  std::string range = hostModelError(*model, config, [&](HostModel &h) {
    h.regions[3].endInstruction = uint32_t(model->program.instructions.size() + 5);
  });
  EXPECT_TRUE(has(range, "region 3 (accelerator): instructions")) << range;
  std::string dataflow = hostModelError(*model, config, [](HostModel &h) { h.outputs.push_back("ghost"); });
  EXPECT_EQ(dataflow, "host metadata: model output 'ghost' is produced by no region");
}

// A NaN in a float input has no int8 value: the run stops at the quantization
// boundary with an error naming the input and the element.
TEST(ModelCompiler, ANaNInputIsAnErrorAtTheQuantizationBoundary) {
  isa::HardwareConfig config = isa::testing::loadTestConfig("default");
  auto model = compileForAccelerator(quantizedConvSoftmaxConv(), config);
  ASSERT_TRUE(model.ok()) << model.status();
  auto host = HostModel::fromJson(model->program.host);
  ASSERT_TRUE(host.ok()) << host.status();
  auto device = runtime::Device::open("functional", config);
  ASSERT_TRUE(device.ok()) << device.status();
  ASSERT_TRUE((*device)->load(model->program).ok());
  auto executors = runtime::HostRegionExecutors::compile(*host);
  ASSERT_TRUE(executors.ok()) << executors.status();
  TensorMap inputs{{"x", Tensor(DType::F32, {1, 3, 12, 12})}};
  inputs["x"].data<float>()[7] = std::numeric_limits<float>::quiet_NaN();
  runtime::ModelRun run;
  auto outputs = runtime::runHostModel(*host, *executors, **device, inputs, {}, run);
  ASSERT_FALSE(outputs.ok());
  EXPECT_EQ(outputs.status().message(), "model input 'x': element 7 is NaN, which the int8 model cannot represent");
}

// A sequence of tokens [A, B, K] through token-wise linear layers (a transformer's
// projections and feed-forward) is A*B rows of K features: both MatMuls run on the
// accelerator, bit-identical to the interpreter.
TEST(ModelCompiler, TokenSequencesRunAsRowsOnTheAccelerator) {
  auto graph = graph::parseGraph(R"(graph @main(%x: f32[1,6,16], %w1: f32[16,32], %w2: f32[32,8]) {
  %h = MatMul(%x, %w1) : f32[1,6,32]
  %r = Relu(%h) : f32[1,6,32]
  %y = MatMul(%r, %w2) : f32[1,6,8]
  return %y
}
)");
  ASSERT_TRUE(graph.ok()) << graph.status();
  fillWeightsAndQuantize(*graph, {"w1", "w2"}, 29, 13, 8.0f);
  isa::HardwareConfig config = isa::testing::loadTestConfig("default");
  auto model = compileForAccelerator(*graph, config);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ(model->acceleratorOps.at("QGemm"), 2);
  TensorMap inputs{{"x", Tensor(DType::F32, {1, 6, 16})}};
  for (int64_t i = 0; i < 96; ++i) inputs["x"].data<float>()[i] = float(i % 11) / 5.5f - 1.0f;
  auto want = interp::runGraph(*graph, inputs);
  ASSERT_TRUE(want.ok()) << want.status();
  expectIdentical(runOn("functional", throughBinary(model->program, config), config, inputs).first, *want, "functional");
}

TEST(ModelCompiler, AGraphWithNothingForTheAcceleratorIsAnErrorListingWhy) {
  auto graph = graph::parseGraph(R"(graph @main(%x: f32[1,4]) {
  %y = Sigmoid(%x) : f32[1,4]
  return %y
}
)");
  ASSERT_TRUE(graph.ok());
  auto model = compileForAccelerator(*graph, isa::testing::loadTestConfig("default"));
  ASSERT_FALSE(model.ok());
  EXPECT_NE(model.status().message().find("Sigmoid"), std::string::npos) << model.status();
}

TEST(HostModel, MalformedMetadataIsAnErrorNamingTheField) {
  auto missing = HostModel::fromJson(R"({"inputs": []})");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("outputs"), std::string::npos) << missing.status();
  auto badShape = HostModel::fromJson(
      R"({"inputs": [], "outputs": [], "regions": [{"region": 1, "instructions": [0, 4], "from_device": [],
          "to_device": [{"value": "v", "tensor": "v", "nchw": [1, 2, 3], "shape": [1, 6]}]}]})");
  ASSERT_FALSE(badShape.ok());
  EXPECT_NE(badShape.status().message().find("'v'"), std::string::npos) << badShape.status();
  EXPECT_FALSE(HostModel::fromJson("[1, 2]").ok());
  auto outOfOrder = HostModel::fromJson(R"({"inputs": [], "outputs": [], "regions": [
      {"region": 1, "instructions": [0, 4], "from_device": [], "to_device": []},
      {"region": 1, "instructions": [5, 9], "from_device": [], "to_device": []}]})");
  ASSERT_FALSE(outOfOrder.ok());
  EXPECT_NE(outOfOrder.status().message().find("region 1 follows region 1"), std::string::npos) << outOfOrder.status();
  auto empty = HostModel::fromJson(R"({"inputs": [], "outputs": [], "regions": [
      {"region": 1, "instructions": [4, 4], "from_device": [], "to_device": []}]})");
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.status().message().find("accelerator region 1: empty instruction range"), std::string::npos)
      << empty.status();
}

// A number that does not fit its field -- a float where an integer belongs, an integer
// past the field's range -- is an error naming the field, not a cast.
TEST(HostModel, MetadataNumbersOutOfRangeAreErrors) {
  auto error = [](const std::string &text) {
    auto host = HostModel::fromJson(text);
    return host.ok() ? std::string() : std::string(host.status().message());
  };
  auto region = [](const std::string &fields) {
    return R"({"inputs": [], "outputs": [], "regions": [{)" + fields + "}]}";
  };
  const std::string transfers = R"("from_device": [], "to_device": [])";
  EXPECT_EQ(error(region(R"("region": 1e30, "instructions": [0, 4], )" + transfers)),
            "host metadata: 'region' is 1e+30: out of its type's range, or a float where an integer belongs");
  EXPECT_EQ(error(region(R"("region": 1, "instructions": [0, 4294967296], )" + transfers)),
            "host metadata: 'instructions' is 4294967296: out of its type's range, or a float where an integer belongs");
  const std::string graph = R"("graph": "graph @g(%x: f32[2]) {\n  %y = Relu(%x) : f32[2]\n  return %y\n}\n")";
  EXPECT_EQ(error(region(R"("region": 0, )" + graph + R"(, "library": {"offset": -1, "size": 8})")),
            "host metadata: 'offset' is -1: out of its type's range, or a float where an integer belongs");
  EXPECT_EQ(error(region(R"("region": 1, "instructions": [0, 4], "from_device": [], "to_device": [
                {"value": "v", "tensor": "v", "nchw": [1, 2.5, 3, 4], "shape": [1, 30]}])")),
            "host metadata: transfer: 'nchw' is [1,2.5,3,4]: out of its type's range, or a float where an integer belongs");
  EXPECT_EQ(error(region(R"("region": 1, "instructions": [0, 4], "from_device": [], "to_device": [
                {"value": "v", "tensor": "v", "nchw": [1, 2, 3, 4], "shape": [1, 24], "window": {"in_channels": 2,
                 "height": 3, "width": 4, "out_height": 3, "out_width": 4, "kernel": [3, 1e19], "stride": [1, 1],
                 "dilation": [1, 1], "pad": [1, 1]}}])")),
            "host metadata: window packing: 'kernel' is [3,1e+19]: out of its type's range, or a float where an "
            "integer belongs");
  EXPECT_EQ(error(R"({"inputs": [{"name": "x", "dtype": "f32", "shape": [1, -1e300]}], "outputs": [],
                      "regions": []})"),
            "host metadata: 'shape' is [1,-1e+300]: out of its type's range, or a float where an integer belongs");
}

} // namespace
} // namespace tessera::accel
