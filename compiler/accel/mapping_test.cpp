//===- mapping_test.cpp - Mappings as values: text form, legal space, cost, overrides ----===//
#include "compiler/accel/mapping_space.h"

#include <gtest/gtest.h>

#include "compiler/accel/model_compiler.h"
#include "compiler/onnx/importer.h"
#include "compiler/quant/quantize_model.h"
#include "isa/binary.h"
#include "isa/test_util.h"

namespace tessera::accel {
namespace {

const std::string kModels = std::string(TESSERA_SOURCE_DIR) + "/examples/models/";

TEST(MappingText, EveryKindRoundTrips) {
  std::vector<Mapping> mappings = {
      ConvMapping{ConvTiling{4, 7, 2, 1, false, 56, 4, false}, false},
      ConvMapping{ConvTiling{1, 3, 1, 2, true, 10, 2, false}, true},
      ConvMapping{ConvTiling{2, 1, 3, 2, false, 7, 3, true}, false},
      EltwiseTiling{784, 2},
      PoolTiling{2, 14, 3},
      GlobalPoolTiling{32, 4},
  };
  for (const Mapping &mapping : mappings) {
    std::string text = printMapping(mapping);
    auto parsed = parseMapping(text);
    ASSERT_TRUE(parsed.ok()) << text << ": " << parsed.status();
    EXPECT_EQ(printMapping(*parsed), text);
    EXPECT_EQ(*parsed, mapping) << text;
  }
  EXPECT_EQ(printMapping(mappings[0]), "conv blocks=4 rows=7 cols=56 in_blocks=4 threads=2 weights=resident input=block window=none");
  EXPECT_EQ(printMapping(mappings[1]), "conv blocks=1 rows=3 cols=10 in_blocks=2 threads=1 weights=double input=row window=packed");
  EXPECT_EQ(printMapping(mappings[2]), "conv blocks=2 rows=1 cols=7 in_blocks=3 threads=3 weights=stream input=block window=none");
}

TEST(MappingText, ErrorsNameTheKey) {
  auto error = [](std::string_view text) { return std::string(parseMapping(text).status().message()); };
  EXPECT_EQ(error(""), "empty mapping");
  EXPECT_EQ(error("matmul blocks=1"), "unknown mapping kind 'matmul' (conv, eltwise, pool, global_pool)");
  EXPECT_EQ(error("eltwise entries=4"), "eltwise mapping lacks key 'threads'");
  EXPECT_EQ(error("eltwise entries=4 threads=2 rows=1"), "eltwise mapping has no key 'rows'");
  EXPECT_EQ(error("eltwise entries=4 entries=5 threads=2"), "key 'entries' given twice");
  EXPECT_EQ(error("eltwise entries=x threads=2"), "entries=x: not an integer");
  EXPECT_EQ(error("eltwise entries=0 threads=2"), "entries=0: out of range [1, 1073741824]");
  EXPECT_EQ(error("global_pool blocks=2 threads=9"), "threads=9: out of range [1, 8]");
  EXPECT_EQ(error("conv blocks=1 rows=1 cols=1 in_blocks=1 threads=1 weights=resident input=column window=none"),
            "input=column: expected one of block, row");
  EXPECT_EQ(error("conv blocks=1 rows=1 cols=1 in_blocks=1 threads=1 weights=twice input=row window=none"),
            "weights=twice: expected one of resident, double, stream");
  EXPECT_EQ(error("pool blocks"), "'blocks': expected KEY=VALUE");
}

/// A QConv layer with random weights: in channels, size, out channels, kernel, stride, pad.
ConvLayer convLayer(int64_t in, int64_t size, int64_t out, int64_t kernel, int64_t stride, int64_t pad) {
  ConvLayer layer;
  layer.name = "conv";
  layer.inChannels = in, layer.height = size, layer.width = size, layer.outChannels = out;
  layer.kernelH = layer.kernelW = kernel, layer.strideH = layer.strideW = stride, layer.padTop = layer.padLeft = pad;
  layer.outHeight = layer.outWidth = (size + 2 * pad - kernel) / stride + 1;
  layer.weights = Tensor(DType::I8, {out, in, kernel, kernel});
  layer.bias.assign(size_t(out), 3);
  layer.requantOperands.assign(size_t(out), (1 << 8) | 7);
  return layer;
}

TEST(MappingSpace, TheChoiceIsTheCheapestLegalMapping) {
  isa::HardwareConfig config = isa::testing::loadTestConfig("default");
  AccelLayer layer{"conv", "conv2d", convLayer(64, 14, 128, 3, 1, 1), false};
  MappingSpace space{{1, 2}, true};
  auto legal = legalMappings(layer, config, space);
  ASSERT_TRUE(legal.ok()) << legal.status();
  ASSERT_GT(legal->size(), 10u);
  auto chosen = chooseMapping(layer, config, space);
  ASSERT_TRUE(chosen.ok()) << chosen.status();
  double best = estimateCycles(layer, *chosen, config);
  for (const Mapping &mapping : *legal) {
    EXPECT_TRUE(checkMapping(layer, mapping, config).ok()) << printMapping(mapping);
    EXPECT_GE(estimateCycles(layer, mapping, config), best) << printMapping(mapping);
  }
}

TEST(MappingSpace, NoLegalMappingNamesWhatOverflows) {
  isa::HardwareConfig config = isa::testing::loadTestConfig("default");
  config.weight_buffer_bytes = 4 * config.entryBytes(isa::Buffer::wgt); // four weight entries
  AccelLayer layer{"big", "conv2d", convLayer(256, 7, 256, 3, 1, 1), false};
  auto legal = legalMappings(layer, config);
  ASSERT_FALSE(legal.ok());
  EXPECT_NE(legal.status().message().find("big: no mapping fits config"), std::string::npos) << legal.status();
  EXPECT_NE(legal.status().message().find("the weight tile needs"), std::string::npos) << legal.status();
}

TEST(MappingSpace, AMappingOfAnotherKindIsRejected) {
  isa::HardwareConfig config = isa::testing::loadTestConfig("default");
  AccelLayer layer{"conv", "conv2d", convLayer(16, 8, 16, 3, 1, 1), false};
  Status status = checkMapping(layer, EltwiseTiling{4, 2}, config);
  EXPECT_EQ(status.message(), "a eltwise mapping does not apply to a conv2d layer");
}

graph::Graph quantizedDigits() {
  auto graph = onnx_import::importOnnxFile(kModels + "digits_cnn.onnx");
  EXPECT_TRUE(graph.ok()) << graph.status();
  quant::QuantizeModelOptions options;
  options.calibrate = kModels + "digits_calib";
  EXPECT_TRUE(quant::quantizeModel(*graph, options).ok());
  return *graph;
}

StatusOr<std::vector<uint8_t>> binaryOf(const graph::Graph &graph, const isa::HardwareConfig &config,
                                        const LoweringOptions &options, std::string *mappings = nullptr) {
  TS_ASSIGN_OR_RETURN(CompiledModel model, compileForAccelerator(graph, config, options));
  if (mappings) *mappings = printLayerMappings(model);
  return isa::writeBinary(model.program, config);
}

TEST(LayerMappings, DumpedMappingsGiveTheSameBinary) {
  isa::HardwareConfig config = isa::testing::loadTestConfig("default");
  graph::Graph graph = quantizedDigits();
  std::string text;
  auto chosen = binaryOf(graph, config, {}, &text);
  ASSERT_TRUE(chosen.ok()) << chosen.status();
  auto parsed = parseLayerMappings(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->size(), 7u) << text;
  LoweringOptions options;
  options.mappings = *parsed;
  auto replayed = binaryOf(graph, config, options);
  ASSERT_TRUE(replayed.ok()) << replayed.status();
  EXPECT_EQ(*replayed, *chosen);
}

TEST(LayerMappings, AGivenMappingReplacesTheCostModelsChoice) {
  isa::HardwareConfig config = isa::testing::loadTestConfig("default");
  graph::Graph graph = quantizedDigits();
  std::string text;
  auto chosen = binaryOf(graph, config, {}, &text);
  ASSERT_TRUE(chosen.ok()) << chosen.status();
  auto mappings = parseLayerMappings(text);
  ASSERT_TRUE(mappings.ok());
  LoweringOptions options;
  for (auto &[name, mapping] : *mappings)
    if (auto *conv = std::get_if<ConvMapping>(&mapping); conv && !conv->windowPacked && conv->tiling.outRows > 1) {
      conv->tiling.outRows = 1;
      options.mappings.emplace(name, mapping);
      break;
    }
  ASSERT_EQ(options.mappings.size(), 1u) << text;
  auto changed = binaryOf(graph, config, options);
  ASSERT_TRUE(changed.ok()) << changed.status();
  EXPECT_NE(*changed, *chosen);
}

TEST(LayerMappings, StaleAndIllegalLinesAreErrors) {
  isa::HardwareConfig config = isa::testing::loadTestConfig("default");
  graph::Graph graph = quantizedDigits();
  LoweringOptions stale;
  stale.mappings.emplace("no_such_layer", EltwiseTiling{4, 2});
  auto status = binaryOf(graph, config, stale).status();
  EXPECT_NE(status.message().find("mapping given for 'no_such_layer', which is no accelerator layer"), std::string::npos)
      << status;

  std::string text;
  ASSERT_TRUE(binaryOf(graph, config, {}, &text).ok());
  auto mappings = parseLayerMappings(text);
  ASSERT_TRUE(mappings.ok());
  LoweringOptions illegal;
  for (const auto &[name, mapping] : *mappings)
    if (std::holds_alternative<ConvMapping>(mapping)) {
      ConvMapping huge = std::get<ConvMapping>(mapping);
      huge.tiling.outRows = 1000;
      illegal.mappings.emplace(name, huge);
      break;
    }
  status = binaryOf(graph, config, illegal).status();
  EXPECT_NE(status.message().find("does not fit config 'default'"), std::string::npos) << status;
  EXPECT_NE(status.message().find(illegal.mappings.begin()->first), std::string::npos) << status;
}

TEST(LayerMappings, FileErrorsNameTheLine) {
  EXPECT_EQ(parseLayerMappings("# comment\n\nconv1: eltwise entries=4\n").status().message(),
            "line 3 (layer 'conv1'): eltwise mapping lacks key 'threads'");
  EXPECT_EQ(parseLayerMappings("conv1 eltwise\n").status().message(), "line 1: expected 'LAYER: MAPPING'");
  EXPECT_EQ(parseLayerMappings("a: global_pool blocks=1 threads=1\na: global_pool blocks=2 threads=1\n").status().message(),
            "line 2: layer 'a' mapped twice");
  auto names = parseLayerMappings("/layer1/conv:1: global_pool blocks=1 threads=1\n");
  ASSERT_TRUE(names.ok()) << names.status();
  EXPECT_EQ(names->begin()->first, "/layer1/conv:1");
}

} // namespace
} // namespace tessera::accel
