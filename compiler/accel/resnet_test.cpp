//===- resnet_test.cpp - ResNet-18 compiled for the accelerator, on every backend -----===//
//
// The torchvision export (the tessera_models ctest fixture) quantized with random
// calibration and compiled for configs/default.json: every backend gives the
// interpreter's int8 result bit for bit, and the logits stay close to fp32. At batch 4
// the same holds, and SystemC's cycles per image are at most batch 1's (a channel tile's
// weights are loaded once for every image).
//
//===----------------------------------------------------------------------===//
#include <cmath>
#include <filesystem>
#include <iostream>

#include <gtest/gtest.h>

#include "compiler/accel/model_compiler.h"
#include "compiler/accel/model_test_util.h"
#include "compiler/interp/interpreter.h"
#include "compiler/onnx/importer.h"
#include "compiler/quant/quantize_model.h"
#include "isa/test_util.h"
#include "support/npy.h"

namespace tessera::accel {
namespace {

using namespace model_testing;

double centeredCosine(const Tensor &a, const Tensor &b) {
  int64_t n = a.elementCount();
  double meanA = 0, meanB = 0, dot = 0, normA = 0, normB = 0;
  for (int64_t i = 0; i < n; ++i) meanA += a.data<float>()[i] / n, meanB += b.data<float>()[i] / n;
  for (int64_t i = 0; i < n; ++i) {
    double x = a.data<float>()[i] - meanA, y = b.data<float>()[i] - meanB;
    dot += x * y, normA += x * x, normB += y * y;
  }
  return dot / std::sqrt(normA * normB);
}

/// The int8 graph of a torchvision export (random calibration) and its compiled model.
struct Compiled {
  graph::Graph int8;
  CompiledModel model;
};

StatusOr<Compiled> quantizeAndCompile(const std::string &path, const isa::HardwareConfig &config) {
  TS_ASSIGN_OR_RETURN(graph::Graph int8, onnx_import::importOnnxFile(path));
  quant::QuantizeModelOptions options;
  options.calibrate = "random:2";
  TS_RETURN_IF_ERROR(quant::quantizeModel(int8, options).status());
  TS_ASSIGN_OR_RETURN(CompiledModel model, compileForAccelerator(int8, config));
  return Compiled{std::move(int8), std::move(model)};
}

/// Runs a compiled ResNet-18 on `backend` with the input of `inputFile`, checks it against
/// the interpreter and returns the simulated cycles.
uint64_t checkedCycles(const Compiled &compiled, const isa::HardwareConfig &config, const std::string &inputFile,
                       const std::string &backend) {
  auto image = readNpyFile(inputFile);
  EXPECT_TRUE(image.ok()) << image.status();
  if (!image.ok()) return 0;
  TensorMap inputs{{compiled.int8.inputs[0], *image}};
  auto want = interp::runGraph(compiled.int8, inputs);
  EXPECT_TRUE(want.ok()) << want.status();
  if (!want.ok()) return 0;
  auto [outputs, cycles] = runOn(backend, compiled.model.program, config, inputs);
  expectIdentical(outputs, *want, backend);
  return cycles;
}

TEST(ResNet18, BatchFourOnEveryBackendAndNoMoreCyclesPerImage) {
  std::string models = std::string(TESSERA_BINARY_DIR) + "/models/";
  if (!std::filesystem::exists(models + "resnet18_b4.onnx"))
    GTEST_SKIP() << "no " << models << "resnet18_b4.onnx (ctest runs models.export_batch4 first)";
  isa::HardwareConfig config = isa::testing::loadTestConfig("default");
  auto one = quantizeAndCompile(models + "resnet18.onnx", config);
  ASSERT_TRUE(one.ok()) << one.status();
  auto four = quantizeAndCompile(models + "resnet18_b4.onnx", config);
  ASSERT_TRUE(four.ok()) << four.status();
  EXPECT_EQ(four->model.cpuOps, (std::map<std::string, int>{{"DequantizeLinear", 1}, {"QuantizeLinear", 1}}));
  EXPECT_EQ(four->model.coverage.accelMacs, 4 * one->model.coverage.accelMacs);
  checkedCycles(*four, config, models + "resnet18_b4.input.npy", "functional");
  uint64_t cycles1 = checkedCycles(*one, config, models + "resnet18.input.npy", "systemc");
  uint64_t cycles4 = checkedCycles(*four, config, models + "resnet18_b4.input.npy", "systemc");
  std::cout << "systemc: batch 1 " << cycles1 << " cycles, batch 4 " << cycles4 << " cycles (" << cycles4 / 4
            << " per image)\n";
  EXPECT_GT(cycles1, 0u);
  EXPECT_LE(cycles4, 4 * cycles1);
}

/// ResNet-18 (torchvision export, the tessera_models fixture) compiled for the default
/// config: every backend gives the interpreter's int8 result bit for bit, and the logits
/// stay close to fp32.
TEST(ResNet18, BitIdenticalOnEveryBackendAndCloseToFp32) {
  std::string models = std::string(TESSERA_BINARY_DIR) + "/models/";
  if (!std::filesystem::exists(models + "resnet18.onnx")) GTEST_SKIP() << "no " << models << "resnet18.onnx (ctest runs models.export first)";
  auto fp32 = onnx_import::importOnnxFile(models + "resnet18.onnx");
  ASSERT_TRUE(fp32.ok()) << fp32.status();
  graph::Graph int8 = *fp32;
  quant::QuantizeModelOptions options;
  options.calibrate = "random:2";
  ASSERT_TRUE(quant::quantizeModel(int8, options).ok());
  isa::HardwareConfig config = isa::testing::loadTestConfig("default");
  auto model = compileForAccelerator(int8, config);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ(model->cpuOps, (std::map<std::string, int>{{"DequantizeLinear", 1}, {"QuantizeLinear", 1}}));
  auto image = readNpyFile(models + "resnet18.input.npy");
  ASSERT_TRUE(image.ok()) << image.status();
  TensorMap inputs{{int8.inputs[0], *image}};
  auto want = interp::runGraph(int8, inputs);
  ASSERT_TRUE(want.ok()) << want.status();
  for (const std::string &backend : backends()) {
    auto [outputs, cycles] = runOn(backend, model->program, config, inputs);
    expectIdentical(outputs, *want, backend);
    if (cycles) std::cout << backend << ": " << cycles << " cycles\n";
  }
  auto reference = interp::runGraph(*fp32, inputs);
  ASSERT_TRUE(reference.ok()) << reference.status();
  const std::string &logits = int8.outputs[0];
  EXPECT_GT(centeredCosine(want->at(logits), reference->at(logits)), 0.99);
}

} // namespace
} // namespace tessera::accel
