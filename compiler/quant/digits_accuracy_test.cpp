//===- digits_accuracy_test.cpp - fp32 vs int8 top-1 of the digits CNN ----------===//
//
// The accuracy target of post-training quantization (docs/quantization.md): the
// digits CNN (scripts/train_digits.py), calibrated on its 32 committed calibration
// images, must lose at most one point of top-1 on the 360 held-out images when run in
// int8 on the reference interpreter. The int8 graph also goes through the text form,
// so what is measured is what `tessera quantize` writes.
//
//===----------------------------------------------------------------------===//
#include <gtest/gtest.h>

#include "compiler/graph/parser.h"
#include "compiler/graph/printer.h"
#include "compiler/interp/kernel_util.h"
#include "compiler/onnx/importer.h"
#include "compiler/quant/quantize_model.h"
#include "support/npy.h"

namespace tessera::quant {
namespace {

const std::string kModels = std::string(TESSERA_SOURCE_DIR) + "/examples/models/";

/// Top-1 accuracy of `graph` over the held-out images.
double topOne(const graph::Graph &graph, const Tensor &images, const std::vector<int64_t> &labels) {
  int64_t correct = 0, per = images.elementCount() / images.shape()[0];
  for (size_t n = 0; n < labels.size(); ++n) {
    Tensor image(DType::F32, graph.typeOf(graph.inputs[0]).shape);
    std::copy_n(images.data<float>() + n * per, per, image.data<float>());
    auto outputs = interp::runGraph(graph, {{graph.inputs[0], image}});
    EXPECT_TRUE(outputs.ok()) << outputs.status();
    if (!outputs.ok()) return 0;
    std::vector<float> logits = interp::toFloats(outputs->at(graph.outputs[0]));
    correct += std::max_element(logits.begin(), logits.end()) - logits.begin() == labels[n];
  }
  return double(correct) / double(labels.size());
}

std::string methodName(const ::testing::TestParamInfo<CalibrationMethod> &info) {
  switch (info.param) {
  case CalibrationMethod::MinMax: return "minmax";
  case CalibrationMethod::Percentile: return "percentile";
  case CalibrationMethod::Entropy: return "entropy";
  }
  return "unknown";
}

class DigitsAccuracy : public ::testing::TestWithParam<CalibrationMethod> {};

TEST_P(DigitsAccuracy, Int8LosesAtMostOnePoint) {
  auto fp32 = onnx_import::importOnnxFile(kModels + "digits_cnn.onnx");
  ASSERT_TRUE(fp32.ok()) << fp32.status();
  auto images = readNpyFile(kModels + "digits_test_x.npy");
  auto labels = readNpyFile(kModels + "digits_test_y.npy");
  ASSERT_TRUE(images.ok() && labels.ok());
  graph::Graph int8 = *fp32;
  QuantizeModelOptions options;
  options.calibrate = kModels + "digits_calib";
  options.quant.method = GetParam();
  auto report = quantizeModel(int8, options);
  ASSERT_TRUE(report.ok()) << report.status();
  std::cout << report->summary();
  auto reparsed = graph::parseGraph(graph::printGraph(int8));
  ASSERT_TRUE(reparsed.ok()) << reparsed.status();
  // Every conv, gemm, pool and the residual add run in int8.
  EXPECT_EQ(report->leftFloat.size(), 0u) << report->summary();
  double fp32Top1 = topOne(*fp32, *images, interp::toInts(*labels));
  double int8Top1 = topOne(*reparsed, *images, interp::toInts(*labels));
  std::cout << absl::StrFormat("digits held-out top-1 (%d images): fp32 %.2f%%, int8 %.2f%%\n",
                               labels->elementCount(), 100 * fp32Top1, 100 * int8Top1);
  EXPECT_GE(int8Top1, fp32Top1 - 0.01);
}

INSTANTIATE_TEST_SUITE_P(Methods, DigitsAccuracy,
                         ::testing::Values(CalibrationMethod::MinMax, CalibrationMethod::Percentile,
                                           CalibrationMethod::Entropy),
                         methodName);

} // namespace
} // namespace tessera::quant
