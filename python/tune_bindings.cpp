//===- tune_bindings.cpp - tessera.tune: auto-tune a model's accelerator mappings ----===//
//
//   _tune(path, config, calibrate, input_shapes, trials, cost_model, records, jobs, resume,
//         seed) -> {"cost_model", "trials", "workloads", "resumed", "untuned_total",
//                   "tuned_total", "layers": [{"name", "op", "untuned", "tuned", "mapping",
//                   "space", "priced"}, ...]}
//
// What `tessera tune model --target accel` does (compiler/tune, docs/tuning.md): the
// driver's accel pipeline up to the compiled model, then tuneModel. `tessera.compile`
// with the records file is not offered yet: `tessera compile --records` applies it. The
// GIL is released while it runs.
//
//===----------------------------------------------------------------------===//
#include <iostream>
#include <optional>

#include <pybind11/stl.h>

#include "compiler/driver/driver.h"
#include "compiler/tune/tuner.h"
#include "python/bindings.h"
#include "python/convert.h"

namespace tessera::python {
namespace {

struct TuneArgs {
  std::string path;
  isa::HardwareConfig config;
  std::optional<std::string> calibrate;
  std::vector<std::string> inputShapes;
  tune::TuneOptions options;
};

StatusOr<tune::TuneResult> runTune(const TuneArgs &args) {
  driver::CompileOptions compile;
  compile.target = "accel";
  compile.accel.config = args.config;
  compile.accel.calibrate = args.calibrate;
  compile.accel.seed = args.options.seed;
  TS_ASSIGN_OR_RETURN(accel::CompiledModel model,
                      driver::compileAccelModel(driver::ModelSource(args.path, args.inputShapes), compile));
  return tune::tuneModel(model, args.config, args.options);
}

nlohmann::json resultJson(const tune::TuneResult &result) {
  nlohmann::json layers = nlohmann::json::array();
  for (const tune::LayerResult &layer : result.layers)
    layers.push_back({{"name", layer.name}, {"op", layer.op}, {"untuned", layer.untuned}, {"tuned", layer.tuned},
                      {"mapping", layer.mapping}, {"space", layer.space}, {"priced", layer.priced}});
  return {{"cost_model", result.costModel}, {"trials", result.trials},       {"workloads", result.workloads},
          {"resumed", result.resumed},      {"untuned_total", result.untunedTotal()},
          {"tuned_total", result.tunedTotal()}, {"layers", layers}};
}

py::object tuneModel(const TuneArgs &args) {
  StatusOr<tune::TuneResult> result;
  {
    py::gil_scoped_release release;
    result = runTune(args);
  }
  return pythonFromJson(resultJson(unwrap(std::move(result))));
}

} // namespace

void bindTune(py::module_ &module) {
  module.def(
      "_tune",
      [](std::string path, isa::HardwareConfig config, std::optional<std::string> calibrate,
         std::vector<std::string> inputShapes, int64_t trials, std::string costModel, std::string records, int jobs,
         bool resume, uint64_t seed) {
        TuneArgs args{path, config, calibrate, inputShapes, {}};
        args.options.trials = trials;
        args.options.costModel = costModel;
        args.options.recordsPath = records;
        args.options.jobs = jobs;
        args.options.resume = resume;
        args.options.seed = seed;
        return tuneModel(args);
      },
      py::arg("path"), py::arg("config"), py::arg("calibrate"), py::arg("input_shapes"), py::arg("trials"),
      py::arg("cost_model"), py::arg("records"), py::arg("jobs"), py::arg("resume"), py::arg("seed"));
}

} // namespace tessera::python
