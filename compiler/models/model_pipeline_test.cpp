//===- model_pipeline_test.cpp - Real models through import and the pipeline --===//
//
// For each torchvision export written by scripts/export_models.py (the ctest fixture
// runs it into <build>/models): the imported graph reproduces torch's output, the
// default pipeline folds every BatchNorm, fuses conv+bias+ReLU(+residual add), leaves
// no Identity or Dropout, plans memory below the naive sum, and its outputs stay
// within 1e-4 of the unoptimized graph's.
//
//===----------------------------------------------------------------------===//
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "compiler/interp/interpreter.h"
#include "compiler/onnx/importer.h"
#include "compiler/passes/memory_planning.h"
#include "compiler/passes/pass_manager.h"
#include "support/npy.h"

namespace tessera {
namespace {

std::string modelDir() { return std::string(TESSERA_BINARY_DIR) + "/models/"; }

/// max |a - b| / max(1, max |b|).
double relativeDifference(const Tensor &a, const Tensor &b) {
  double worst = 0, scale = 1;
  for (int64_t i = 0; i < b.elementCount(); ++i) scale = std::max(scale, double(std::fabs(b.data<float>()[i])));
  for (int64_t i = 0; i < b.elementCount(); ++i)
    worst = std::max(worst, double(std::fabs(a.data<float>()[i] - b.data<float>()[i])));
  return worst / scale;
}

int countOps(const graph::Graph &graph, const std::string &op) {
  int n = 0;
  for (const graph::Node &node : graph.nodes) n += node.op == op;
  return n;
}

class ModelPipeline : public testing::TestWithParam<std::string> {};

TEST_P(ModelPipeline, ImportsOptimizesAndKeepsOutputs) {
  std::string name = GetParam(), path = modelDir() + name + ".onnx";
  if (!std::filesystem::exists(path)) GTEST_FAIL() << path << " missing: run scripts/export_models.py --out " << modelDir();
  auto graph = onnx_import::importOnnxFile(path);
  ASSERT_TRUE(graph.ok()) << graph.status();
  auto input = readNpyFile(modelDir() + name + ".input.npy");
  auto torchOutput = readNpyFile(modelDir() + name + ".output.npy");
  ASSERT_TRUE(input.ok() && torchOutput.ok());
  interp::TensorMap inputs = {{"input", *input}};
  auto reference = interp::runGraph(*graph, inputs);
  ASSERT_TRUE(reference.ok()) << reference.status();
  double importError = relativeDifference(reference->at("logits"), *torchOutput);
  EXPECT_LT(importError, 1e-4) << "imported graph vs torch";

  int batchNorms = countOps(*graph, "BatchNormalization");
  passes::PassManager manager;
  ASSERT_TRUE(manager.addPipeline(passes::kDefaultPipeline).ok());
  ASSERT_TRUE(manager.run(*graph).ok());
  EXPECT_EQ(countOps(*graph, "BatchNormalization"), 0) << "of " << batchNorms;
  EXPECT_EQ(countOps(*graph, "Identity") + countOps(*graph, "Dropout"), 0);
  passes::MemoryPlan plan = passes::planMemory(*graph);
  EXPECT_GT(plan.peakBytes, 0);
  EXPECT_LT(plan.peakBytes, plan.naiveBytes);

  auto optimized = interp::runGraph(*graph, inputs);
  ASSERT_TRUE(optimized.ok()) << optimized.status();
  double pipelineError = relativeDifference(optimized->at("logits"), reference->at("logits"));
  EXPECT_LT(pipelineError, 1e-4) << "optimized vs unoptimized";
  std::cout << name << ": " << batchNorms << " BatchNorms folded, import vs torch " << importError << ", optimized vs unoptimized " << pipelineError
            << ", peak " << plan.peakBytes << " B vs naive " << plan.naiveBytes << " B\n";
}

INSTANTIATE_TEST_SUITE_P(Torchvision, ModelPipeline, testing::Values("resnet18", "mobilenet_v2", "squeezenet1_1"),
                         [](const testing::TestParamInfo<std::string> &info) { return info.param; });

} // namespace
} // namespace tessera
