//===- resnet_test.cpp - ResNet-18 compiled for the accelerator, on every backend -----===//
//
// The torchvision export (the tessera_models ctest fixture) quantized with random
// calibration and compiled for configs/default.json: every backend gives the
// interpreter's int8 result bit for bit, and the logits stay close to fp32.
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
