//===- driver_test.cpp - compileModel on each target, its stages and its errors ----===//
#include "compiler/driver/driver.h"

#include <gtest/gtest.h>

#include "compiler/driver/int8_source.h"
#include "compiler/driver/model_import.h"
#include "compiler/graph/parser.h"
#include "compiler/accel/host_model.h"
#include "isa/binary.h"
#include "runtime/model/accel_model_runner.h"

namespace tessera::driver {
namespace {

const std::string kSource = TESSERA_SOURCE_DIR;

graph::Graph smallGraph() {
  auto graph = graph::parseGraph(R"(graph @small(%x: f32[4,8], %w: f32[8,16]) {
  %y = MatMul(%x, %w) : f32[4,16]
  %z = Relu(%y) : f32[4,16]
  return %z
})");
  EXPECT_TRUE(graph.ok()) << graph.status();
  return *graph;
}

/// The stages a compile reports, in order, with their text.
struct Recorder {
  std::vector<std::pair<std::string, std::string>> stages;
  StageObserver observer() {
    return [this](const Stage &stage) { stages.emplace_back(stage.name, stage.print()); };
  }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto &[name, text] : stages) out.push_back(name);
    return out;
  }
  const std::string &text(const std::string &name) const {
    for (const auto &stage : stages)
      if (stage.first == name) return stage.second;
    static const std::string none;
    return none;
  }
};

TEST(Driver, CpuTargetReportsEveryStageAndWritesASharedLibrary) {
  Recorder recorder;
  CompileOptions options;
  options.observer = recorder.observer();
  auto artifact = compileModel(ModelSource("small.tg", smallGraph()), options);
  ASSERT_TRUE(artifact.ok()) << artifact.status();
  EXPECT_EQ(recorder.names(), (std::vector<std::string>{"import", "graph-passes", "plan", "loop-ir"}));
  EXPECT_NE(recorder.text("import").find("MatMul"), std::string::npos);
  EXPECT_NE(recorder.text("plan").find("plan: "), std::string::npos);
  ASSERT_GE(artifact->bytes.size(), 4u);
  EXPECT_EQ(std::string(artifact->bytes.begin(), artifact->bytes.begin() + 4), "\x7f" "ELF");
  EXPECT_EQ(artifact->extension, ".so");
  EXPECT_NE(artifact->detail.find("kernels"), std::string::npos);
}

TEST(Driver, UnknownTargetNamesTheTargets) {
  CompileOptions options;
  options.target = "warp";
  auto artifact = compileModel(ModelSource("small.tg", smallGraph()), options);
  ASSERT_FALSE(artifact.ok());
  EXPECT_NE(artifact.status().message().find("unknown target 'warp' (available: cpu, accel, nvptx)"), std::string::npos);
}

CompileOptions accelOptions() {
  CompileOptions options;
  options.target = "accel";
  auto config = isa::loadConfigFile(kSource + "/configs/default.json");
  EXPECT_TRUE(config.ok()) << config.status();
  options.accel.config = *config;
  return options;
}

TEST(Driver, AccelTargetNeedsCalibrationForAnFp32Model) {
  auto artifact = compileModel(ModelSource("small.tg", smallGraph()), accelOptions());
  ASSERT_FALSE(artifact.ok());
  EXPECT_NE(artifact.status().message().find("is an fp32 model: give --calibrate"), std::string::npos);
}

TEST(Driver, QdqModelCompilesForTheAcceleratorWithoutCalibration) {
  const std::string path = kSource + "/examples/models/qdq_conv.onnx";
  auto graph = readGraphFile(path);
  ASSERT_TRUE(graph.ok()) << graph.status();
  auto source = int8SourceOf(*graph, {}, path);
  ASSERT_TRUE(source.ok());
  EXPECT_EQ(*source, Int8Source::qdqImport);

  Recorder recorder;
  CompileOptions options = accelOptions();
  options.observer = recorder.observer();
  auto artifact = compileModel(ModelSource(path), options);
  ASSERT_TRUE(artifact.ok()) << artifact.status();
  EXPECT_EQ(recorder.names(), (std::vector<std::string>{"import", "graph-passes", "quantize", "partition", "layers",
                                                        "mappings", "assembly"}));
  EXPECT_NE(recorder.text("graph-passes").find("QConv("), std::string::npos);
  EXPECT_NE(recorder.text("partition").find("to device:"), std::string::npos);
  auto binary = isa::readBinary(artifact->bytes);
  ASSERT_TRUE(binary.ok()) << binary.status();
  EXPECT_FALSE(binary->program.host.empty());
  EXPECT_NE(artifact->summary.find("target: accel"), std::string::npos);
}

/// Runs the binary's model on the functional backend: its outputs and host code source.
std::pair<accel::TensorMap, std::string> runCompiledModel(const isa::LoadedBinary &binary) {
  auto runner = runtime::AccelModelRunner::open(binary, "functional");
  EXPECT_TRUE(runner.ok()) << runner.status();
  auto host = accel::HostModel::fromJson(binary.program.host);
  accel::TensorMap inputs;
  for (const accel::HostInput &input : host->inputs) {
    Tensor t(DType::F32, input.shape);
    for (int64_t i = 0; i < t.elementCount(); ++i) t.data<float>()[i] = float(i % 19) / 9.5f - 1.0f;
    inputs[input.name] = std::move(t);
  }
  auto outputs = runner->run(inputs, runtime::RunOptions{});
  EXPECT_TRUE(outputs.ok()) << outputs.status();
  return {*outputs, runner->report()["end_to_end"]["host_code"].get<std::string>()};
}

TEST(Driver, AccelBinaryCarriesItsHostRegionsAsCodeAndFallsBackToTheJit) {
  auto artifact = compileModel(ModelSource(kSource + "/examples/models/qdq_conv.onnx"), accelOptions());
  ASSERT_TRUE(artifact.ok()) << artifact.status();
  auto binary = isa::readBinary(artifact->bytes);
  ASSERT_TRUE(binary.ok()) << binary.status();
  ASSERT_FALSE(binary->program.hostCode.empty());
  auto host = accel::HostModel::fromJson(binary->program.host);
  ASSERT_TRUE(host.ok()) << host.status();
  int libraries = 0;
  for (const accel::HostRegion &region : host->regions) libraries += region.library.has_value();
  EXPECT_GE(libraries, 1);
  auto [stored, source] = runCompiledModel(*binary);
  EXPECT_EQ(source, "aot");
  // A library this host cannot load (here: its ELF header zeroed) is compiled from the
  // region's graph instead, to the same outputs.
  for (const accel::HostRegion &region : host->regions)
    if (region.library) std::fill_n(binary->program.hostCode.begin() + long(region.library->offset), 16, 0);
  auto [compiled, fallback] = runCompiledModel(*binary);
  EXPECT_EQ(fallback, "jit");
  for (const auto &[name, tensor] : stored) EXPECT_EQ(tensor.storage(), compiled.at(name).storage()) << name;
}

TEST(Driver, NvptxTargetWritesOnePtxModule) {
  CompileOptions options;
  options.target = "nvptx";
  auto artifact = compileModel(ModelSource("small.tg", smallGraph()), options);
  ASSERT_TRUE(artifact.ok()) << artifact.status();
  std::string ptx(artifact->bytes.begin(), artifact->bytes.end());
  EXPECT_NE(ptx.find(".target sm_80"), std::string::npos);
  EXPECT_EQ(ptx.rfind("// tessera compile small.tg --target nvptx", 0), 0u);
}

} // namespace
} // namespace tessera::driver
