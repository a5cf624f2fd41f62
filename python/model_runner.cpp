//===- model_runner.cpp - Accelerator and cpu runners of a compiled artifact ------------===//
#include "python/model_runner.h"

#include <chrono>
#include <filesystem>
#include <unistd.h>

#include "isa/binary.h"
#include "isa/energy_table.h"
#include "runtime/energy_report.h"
#include "runtime/model/accel_model_runner.h"
#include "runtime/model/cpu_model_runner.h"
#include "support/file_io.h"
#include "support/strings.h"

namespace tessera::python {
namespace {

/// A .tsb on a device; reports as `tessera run` writes them (with energy and area).
class AccelRunner : public ModelRunner {
public:
  AccelRunner(runtime::AccelModelRunner runner, isa::HardwareConfig config)
      : runner_(std::move(runner)), config_(std::move(config)) {}

  StatusOr<TensorMap> run(const TensorMap &inputs, const runtime::RunOptions &options, nlohmann::json *report) override {
    TS_ASSIGN_OR_RETURN(TensorMap outputs, runner_.run(inputs, options));
    if (!report) return outputs;
    *report = runner_.report();
    TS_RETURN_IF_ERROR(runtime::addEnergyToReport(*report, isa::defaultEnergyTable(), config_));
    return outputs;
  }
  std::vector<std::string> inputNames() const override {
    std::vector<std::string> names;
    for (const accel::HostInput &input : runner_.model().inputs) names.push_back(input.name);
    return names;
  }

private:
  runtime::AccelModelRunner runner_;
  isa::HardwareConfig config_;
};

/// A cpu target's library, loaded from a temporary copy of its bytes.
class CpuRunner : public ModelRunner {
public:
  explicit CpuRunner(std::unique_ptr<runtime::LoadedModel> model) : model_(std::move(model)) {}

  StatusOr<TensorMap> run(const TensorMap &inputs, const runtime::RunOptions &, nlohmann::json *report) override {
    auto start = std::chrono::steady_clock::now();
    runtime::CpuRunOptions options;
    options.warmup = 0;
    TS_ASSIGN_OR_RETURN(TensorMap outputs, runtime::runCpuModel(model_->executor(), inputs, options));
    double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
    if (report) *report = {{"backend", "cpu"}, {"time_us", us}};
    return outputs;
  }
  std::vector<std::string> inputNames() const override {
    const graph::Graph &graph = model_->executor().graph();
    std::vector<std::string> names;
    for (const std::string &name : graph.inputs)
      if (!graph.constantOf(name)) names.push_back(name);
    return names;
  }

private:
  std::unique_ptr<runtime::LoadedModel> model_;
};

StatusOr<std::unique_ptr<ModelRunner>> openAccel(const driver::CompiledArtifact &artifact, const std::string &backend) {
  TS_ASSIGN_OR_RETURN(isa::LoadedBinary binary, isa::readBinary(artifact.bytes));
  if (binary.program.host.empty()) return invalidInput("this .tsb was not compiled from a model: run it with `tessera run`");
  isa::HardwareConfig config = binary.config;
  TS_ASSIGN_OR_RETURN(runtime::AccelModelRunner runner, runtime::AccelModelRunner::open(std::move(binary), backend));
  return std::unique_ptr<ModelRunner>(new AccelRunner(std::move(runner), std::move(config)));
}

/// dlopen needs a file: the bytes go to a temporary one, removed once loaded.
StatusOr<std::unique_ptr<ModelRunner>> openCpu(const driver::CompiledArtifact &artifact) {
  static int counter = 0;
  std::filesystem::path path = std::filesystem::temp_directory_path() /
                               absl::StrFormat("tessera-py-%d-%d.so", int(getpid()), counter++);
  TS_RETURN_IF_ERROR(writeBinaryFile(path.string(), artifact.bytes));
  auto model = runtime::LoadedModel::load(path.string());
  std::error_code ignored;
  std::filesystem::remove(path, ignored);
  if (!model.ok()) return model.status();
  return std::unique_ptr<ModelRunner>(new CpuRunner(std::move(*model)));
}

} // namespace

StatusOr<std::unique_ptr<ModelRunner>> openRunner(const driver::CompiledArtifact &artifact, const std::string &backend) {
  if (artifact.target == "accel") {
    if (backend == "cpu")
      return invalidInput("backend 'cpu' runs artifacts of target cpu; this one is an accelerator binary: use "
                          "functional, systemc or rtl");
    return openAccel(artifact, backend);
  }
  if (artifact.target == "cpu") {
    if (backend != "cpu")
      return invalidInput("backend '%s': an artifact of target cpu runs on backend 'cpu' only", backend);
    return openCpu(artifact);
  }
  return invalidInput("artifacts of target '%s' are not run here (save it and load it with your GPU runtime)", artifact.target);
}

Status checkInputNames(const ModelRunner &runner, const TensorMap &inputs) {
  std::vector<std::string> names = runner.inputNames();
  for (const auto &[name, tensor] : inputs)
    if (std::find(names.begin(), names.end(), name) == names.end())
      return invalidInput("'%s' is not an input of the model; its inputs: %s", name, joinStrings(names, ", "));
  return absl::OkStatus();
}

} // namespace tessera::python
