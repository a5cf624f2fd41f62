//===- gpu_model_test.cpp - Whole models' GPU kernels against the CPU target ---------===//
#include "compiler/driver/gpu_model.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "compiler/driver/cpu_model.h"
#include "compiler/exec/execution_plan.h"
#include "compiler/graph/parser.h"
#include "support/random_tensor.h"

namespace tessera::driver {
namespace {

const std::string kSource = TESSERA_SOURCE_DIR;

/// The GPU plan of `graph`, and the graph's inputs as seeded random tensors.
struct Planned {
  graph::Graph graph;
  GpuPlan plan;
  std::map<std::string, Tensor> inputs;
};

Planned plan(graph::Graph graph) {
  auto cleaned = cleanGraphForCpu(std::move(graph));
  EXPECT_TRUE(cleaned.ok()) << cleaned.status();
  auto cpuPlan = exec::planGraph(*cleaned);
  EXPECT_TRUE(cpuPlan.ok()) << cpuPlan.status();
  auto gpuPlan = planForGpu(*cleaned, *cpuPlan, 64);
  EXPECT_TRUE(gpuPlan.ok()) << gpuPlan.status();
  Planned p{*cleaned, *gpuPlan, {}};
  uint64_t seed = 1;
  for (const std::string &name : p.graph.inputs)
    if (!p.graph.constantOf(name)) {
      const graph::TensorType &type = p.graph.typeOf(name);
      p.inputs.emplace(name, seededRandomTensor(type.dtype, type.shape, seed++));
    }
  return p;
}

/// The GPU plan of graph IR `text`.
Planned planText(const char *text) {
  auto graph = graph::parseGraph(text);
  EXPECT_TRUE(graph.ok()) << graph.status();
  return plan(graph.ok() ? *graph : graph::Graph{});
}

std::map<std::string, Tensor> runOn(KernelDevice &device, const Planned &p) {
  auto model = GpuModel::create(p.graph, p.plan, device);
  EXPECT_TRUE(model.ok()) << model.status();
  if (!model.ok()) return {};
  EXPECT_TRUE((*model)->setInputs(p.inputs).ok());
  EXPECT_TRUE((*model)->run().ok());
  auto out = (*model)->outputs();
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? *out : std::map<std::string, Tensor>{};
}

void expectMatchesCpu(const Planned &p, const std::map<std::string, Tensor> &got, double tolerance) {
  auto compiled = exec::compileForCpu(p.graph);
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  auto want = compiled->executor->run(p.inputs);
  ASSERT_TRUE(want.ok()) << want.status();
  ASSERT_EQ(got.size(), want->size());
  for (const auto &[name, tensor] : *want) {
    ASSERT_TRUE(got.count(name)) << name;
    const float *g = got.at(name).data<float>(), *w = tensor.data<float>();
    for (int64_t e = 0; e < tensor.elementCount(); ++e)
      ASSERT_NEAR(g[e], w[e], tolerance * (1 + std::fabs(w[e]))) << name << " element " << e;
  }
}

graph::Graph digits() {
  auto graph = cpuGraph(ModelSource(kSource + "/examples/models/digits_cnn.onnx"));
  EXPECT_TRUE(graph.ok()) << graph.status();
  return *graph;
}

/// Aliases of aliases (Unsqueeze of a Flatten), a Concat of a Concat, a graph output
/// that is an alias, a step with temporaries (the padded Conv) and one with constants
/// the description derives (a BatchNormalization no Conv absorbs: scale and shift).
graph::Graph aliasesAndConcats() {
  auto graph = graph::parseGraph(R"(graph @g(%x: f32[1,2,4,4], %w: f32[3,2,3,3]) {
  %gamma = const f32[2] dense<[2.0, 0.5]>
  %beta = const f32[2] dense<[0.5, -0.5]>
  %mean = const f32[2] dense<[0.25, 0.0]>
  %var = const f32[2] dense<[3.0, 0.5]>
  %n = BatchNormalization(%x, %gamma, %beta, %mean, %var) : f32[1,2,4,4]
  %c = Conv(%x, %w) {pads = [1,1,1,1]} : f32[1,3,4,4]
  %r = Relu(%c) : f32[1,3,4,4]
  %a = Concat(%r, %n) {axis = 1} : f32[1,5,4,4]
  %b = Concat(%a, %r) {axis = 1} : f32[1,8,4,4]
  %f = Flatten(%b) {axis = 1} : f32[1,128]
  %u = Unsqueeze(%f) {axes = [0]} : f32[1,1,128]
  %e = Sigmoid(%u) : f32[1,1,128]
  return %e, %f
})");
  EXPECT_TRUE(graph.ok()) << graph.status();
  return graph.ok() ? *graph : graph::Graph{};
}

TEST(GpuModel, EmulatedKernelsOfAModelMatchTheCpu) {
  for (graph::Graph graph : {digits(), aliasesAndConcats()}) {
    Planned p = plan(std::move(graph));
    ASSERT_FALSE(p.plan.aliases.empty());
    auto device = openEmulatedDevice(p.plan.module);
    ASSERT_TRUE(device.ok()) << device.status();
    expectMatchesCpu(p, runOn(**device, p), 1e-5);
  }
  Planned p = plan(aliasesAndConcats());
  EXPECT_TRUE(std::any_of(p.plan.steps.begin(), p.plan.steps.end(), [](const GpuStep &s) { return !s.constants.empty(); }));
}

// Outputs no kernel writes: an alias of a graph input.
TEST(GpuModel, AnOutputThatIsAnAliasOfAnInput) {
  Planned p = planText(R"(graph @g(%x: f32[2,3,4]) {
  %f = Flatten(%x) {axis = 1} : f32[2,12]
  %r = Relu(%x) : f32[2,3,4]
  return %f, %r
})");
  auto device = openEmulatedDevice(p.plan.module);
  ASSERT_TRUE(device.ok()) << device.status();
  expectMatchesCpu(p, runOn(**device, p), 0);
}

TEST(GpuModel, KernelsOfAModelOnTheGpuMatchTheCpu) {
  Planned p = plan(digits());
  auto device = openCudaDevice(p.plan.module);
  if (!device.ok()) {
    ASSERT_EQ(device.status().code(), absl::StatusCode::kUnavailable) << device.status();
    GTEST_SKIP() << device.status().message();
  }
  // The GPU's exp and the other transcendental functions are approximations.
  expectMatchesCpu(p, runOn(**device, p), 1e-4);
}

TEST(GpuModel, ProfileTimesEveryKernel) {
  Planned p = plan(digits());
  auto device = openEmulatedDevice(p.plan.module);
  ASSERT_TRUE(device.ok()) << device.status();
  auto model = GpuModel::create(p.graph, p.plan, **device);
  ASSERT_TRUE(model.ok()) << model.status();
  ASSERT_TRUE((*model)->setInputs(p.inputs).ok());
  std::map<std::string, double> ms;
  ASSERT_TRUE((*model)->run(&ms).ok());
  EXPECT_EQ(ms.size(), p.plan.module.funcs.size());
  for (const auto &[kernel, time] : ms) EXPECT_GE(time, 0) << kernel;
}

TEST(GpuModel, RefusesAModelWithNodesWithoutAKernelAndNamesThem) {
  Planned p = planText(R"(graph @g(%x: f32[4,8], %d: f64[4]) {
  %y = Relu(%x) : f32[4,8]
  %e = Exp(%d) : f64[4]
  return %y, %e
})");
  auto device = openEmulatedDevice(p.plan.module);
  ASSERT_TRUE(device.ok()) << device.status();
  auto model = GpuModel::create(p.graph, p.plan, **device);
  ASSERT_FALSE(model.ok());
  EXPECT_NE(model.status().message().find("not compiled for nvptx: Exp x1"), std::string::npos) << model.status();
}

TEST(GpuModel, InputsAreCheckedAgainstTheGraph) {
  Planned p = plan(digits());
  auto device = openEmulatedDevice(p.plan.module);
  ASSERT_TRUE(device.ok()) << device.status();
  auto model = GpuModel::create(p.graph, p.plan, **device);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_NE((*model)->setInputs({}).message().find("no value for graph input"), std::string::npos);
  std::map<std::string, Tensor> wrong;
  for (const auto &[name, tensor] : p.inputs) wrong.emplace(name, Tensor(DType::F32, {3}));
  EXPECT_NE((*model)->setInputs(wrong).message().find("is f32 3, the model expects f32 1x1x8x8"), std::string::npos)
      << (*model)->setInputs(wrong);
}

} // namespace
} // namespace tessera::driver
