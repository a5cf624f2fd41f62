//===- model_runner.h - An artifact opened on one backend, run many times ---------------===//
//
// What Artifact.run and Artifact.run_batch call: a .tsb opened on functional, systemc
// or rtl (runtime::AccelModelRunner), or a cpu target's .so loaded on `cpu`
// (runtime::LoadedModel). Opened once and kept by the artifact, so a loop of runs
// loads the program once. Reports are those of `tessera run`, energy and area included.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "compiler/driver/driver.h"
#include "runtime/backend_api/backend.h"
#include "support/tensor.h"

namespace tessera::python {

using TensorMap = std::map<std::string, Tensor>;

class ModelRunner {
public:
  virtual ~ModelRunner() = default;
  /// Runs the model on `inputs`; `report` (when not null) receives the run's report.
  virtual StatusOr<TensorMap> run(const TensorMap &inputs, const runtime::RunOptions &options, nlohmann::json *report) = 0;
  /// The model's input names, in order.
  virtual std::vector<std::string> inputNames() const = 0;

  /// Serializes runs of one runner (Python threads may share an artifact).
  std::mutex mutex;
};

/// `artifact` opened on `backend`; errors say which backends run which targets.
StatusOr<std::unique_ptr<ModelRunner>> openRunner(const driver::CompiledArtifact &artifact, const std::string &backend);

/// OK when every name of `inputs` is an input of the model.
Status checkInputNames(const ModelRunner &runner, const TensorMap &inputs);

} // namespace tessera::python
