//===- cpu_calibration_test.cpp - Calibration on LLVM code equals the interpreter's -----===//
#include "compiler/driver/cpu_calibration.h"

#include <gtest/gtest.h>

#include "compiler/driver/model_import.h"
#include "compiler/passes/pass_manager.h"
#include "compiler/quant/quantize_model.h"

namespace tessera::driver {
namespace {

// The digits CNN prepared for quantization, over its calibration folder: every f32
// result gets statistics on both runners; the ranges agree to 1e-4 (the generated code
// sums in another order than the interpreter), the 99.99th percentiles (read from a
// 2048-bin histogram) to 1e-3.
TEST(CpuCalibration, SameStatisticsAsTheInterpreter) {
  auto graph = readGraphFile(std::string(TESSERA_SOURCE_DIR) + "/examples/models/digits_cnn.onnx");
  ASSERT_TRUE(graph.ok()) << graph.status();
  passes::PassManager prepare;
  ASSERT_TRUE(prepare.addPipeline(quant::kPrepareForQuantizationPipeline).ok());
  ASSERT_TRUE(prepare.run(*graph).ok());
  auto samples = quant::samplesFromSpec(*graph, std::string(TESSERA_SOURCE_DIR) + "/examples/models/digits_calib", 0);
  ASSERT_TRUE(samples.ok()) << samples.status();
  auto reference = quant::calibrate(*graph, *samples);
  auto generated = quant::calibrate(*graph, *samples, runSamplesOnCpu);
  ASSERT_TRUE(reference.ok()) << reference.status();
  ASSERT_TRUE(generated.ok()) << generated.status();
  ASSERT_EQ(reference->size(), generated->size());
  EXPECT_GT(reference->size(), 8u);
  for (const auto &[name, stats] : *reference) {
    ASSERT_TRUE(generated->count(name)) << name;
    for (auto method : {quant::CalibrationMethod::MinMax, quant::CalibrationMethod::Percentile}) {
      double want = stats.threshold(method, 99.99), got = generated->at(name).threshold(method, 99.99);
      double tolerance = method == quant::CalibrationMethod::MinMax ? 1e-4 : 1e-3;
      EXPECT_NEAR(got, want, tolerance * std::max(1.0, std::abs(want))) << name;
    }
  }
}

} // namespace
} // namespace tessera::driver
