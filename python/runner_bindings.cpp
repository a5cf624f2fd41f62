//===- runner_bindings.cpp - Artifact.run, Artifact.run_batch and the Report ---------===//
//
//   outputs, report = artifact.run({"input": x}, backend="functional", report=True)
//   outputs_list, reports = artifact.run_batch([{"input": x0}, ...], backend=...)
//
// The artifact opens its runner for `backend` once (model_runner.h) and keeps it, so a
// loop of runs or a batch loads the program once. The GIL is released while the model
// runs. Report wraps the JSON report of `tessera run --report` (docs/reports.md).
//
//===----------------------------------------------------------------------===//
#include <pybind11/stl.h>

#include "python/artifact.h"
#include "python/bindings.h"
#include "python/convert.h"

namespace tessera::python {
namespace {

/// A run's report: `tessera run --report`'s JSON.
struct Report {
  nlohmann::json json;

  py::object get(const char *key, py::object otherwise) const {
    return json.contains(key) ? pythonFromJson(json[key]) : otherwise;
  }
};

struct RunArgs {
  std::string backend;
  bool report = true;
  runtime::RunOptions options;
};

/// Runs `batch` on the artifact's runner; fills `reports` (one per input) when asked.
Status runAll(Artifact &artifact, const std::vector<TensorMap> &batch, const RunArgs &args, std::vector<TensorMap> &outputs,
              std::vector<nlohmann::json> &reports) {
  TS_ASSIGN_OR_RETURN(ModelRunner * runner, artifact.runner(args.backend));
  std::lock_guard lock(runner->mutex);
  for (const TensorMap &inputs : batch) {
    TS_RETURN_IF_ERROR(checkInputNames(*runner, inputs));
    nlohmann::json report;
    TS_ASSIGN_OR_RETURN(TensorMap result, runner->run(inputs, args.options, args.report ? &report : nullptr));
    outputs.push_back(std::move(result));
    if (args.report) reports.push_back(std::move(report));
  }
  return absl::OkStatus();
}

/// Converts the inputs, runs them without the GIL, converts the results.
std::pair<std::vector<TensorMap>, std::vector<nlohmann::json>> runBatch(Artifact &artifact, const py::list &batch,
                                                                        const RunArgs &args) {
  std::vector<TensorMap> inputs;
  for (const py::handle &item : batch) {
    if (!py::isinstance<py::dict>(item)) throw Error("run_batch: each item must be a dict of input arrays");
    inputs.push_back(tensorsFromDict(item.cast<py::dict>()));
  }
  std::vector<TensorMap> outputs;
  std::vector<nlohmann::json> reports;
  Status status;
  {
    py::gil_scoped_release release;
    status = runAll(artifact, inputs, args, outputs, reports);
  }
  check(status);
  return {std::move(outputs), std::move(reports)};
}

py::object reportObject(const RunArgs &args, std::vector<nlohmann::json> &reports, size_t index) {
  if (!args.report) return py::none();
  return py::cast(Report{std::move(reports[index])});
}

py::tuple run(Artifact &artifact, const py::dict &inputs, const RunArgs &args) {
  py::list batch;
  batch.append(inputs);
  auto [outputs, reports] = runBatch(artifact, batch, args);
  return py::make_tuple(dictFromTensors(outputs[0]), reportObject(args, reports, 0));
}

py::tuple runMany(Artifact &artifact, const py::list &batch, const RunArgs &args) {
  auto [outputs, reports] = runBatch(artifact, batch, args);
  py::list outputList, reportList;
  for (size_t i = 0; i < outputs.size(); ++i) {
    outputList.append(dictFromTensors(outputs[i]));
    if (args.report) reportList.append(reportObject(args, reports, i));
  }
  return py::make_tuple(outputList, args.report ? py::object(reportList) : py::object(py::none()));
}

RunArgs runArgs(std::string backend, bool report, uint64_t maxCycles, std::string trace) {
  RunArgs args{std::move(backend), report, {}};
  args.options.maxCycles = maxCycles;
  args.options.tracePath = std::move(trace);
  return args;
}

void bindReport(py::module_ &module) {
  py::class_<Report>(module, "Report", "The report of one run (docs/reports.md).")
      .def_property_readonly("backend", [](const Report &r) { return r.get("backend", py::none()); })
      .def_property_readonly("total_cycles", [](const Report &r) { return r.get("total_cycles", py::none()); })
      .def_property_readonly("time_us", [](const Report &r) { return r.get("time_us", py::none()); })
      .def_property_readonly("segments", [](const Report &r) { return r.get("segments", py::list()); })
      .def_property_readonly("energy", [](const Report &r) { return r.get("energy", py::dict()); })
      .def_property_readonly("coverage", [](const Report &r) { return r.get("coverage", py::dict()); })
      .def_property_readonly("counters", [](const Report &r) { return r.get("counters", py::dict()); })
      .def_property_readonly("config_hash", [](const Report &r) { return r.get("config_hash", py::none()); })
      .def("to_dict", [](const Report &r) { return pythonFromJson(r.json); })
      .def("to_json", [](const Report &r, int indent) { return r.json.dump(indent); }, py::arg("indent") = 2)
      .def("__getitem__", [](const Report &r, const std::string &key) {
        if (!r.json.contains(key)) throw py::key_error(key);
        return pythonFromJson(r.json[key]);
      })
      .def("__contains__", [](const Report &r, const std::string &key) { return r.json.contains(key); })
      .def("__repr__", [](const Report &r) {
        return "<tessera.Report " + r.json.value("backend", std::string("?")) +
               (r.json.contains("total_cycles") ? " " + r.json["total_cycles"].dump() + " cycles" : std::string()) + ">";
      });
}

} // namespace

void bindRunner(py::module_ &module, ArtifactClass &artifact) {
  bindReport(module);
  artifact.def(
      "run",
      [](Artifact &a, const py::dict &inputs, std::string backend, bool report, uint64_t maxCycles, std::string trace) {
        return run(a, inputs, runArgs(backend, report, maxCycles, trace));
      },
      py::arg("inputs"), py::arg("backend") = "functional", py::arg("report") = true, py::arg("max_cycles") = 0,
      py::arg("trace") = "", "Runs the model on {name: array}; returns (outputs, Report or None).");
  artifact.def(
      "run_batch",
      [](Artifact &a, const py::list &batch, std::string backend, bool report, uint64_t maxCycles) {
        return runMany(a, batch, runArgs(backend, report, maxCycles, ""));
      },
      py::arg("batch"), py::arg("backend") = "functional", py::arg("report") = false, py::arg("max_cycles") = 0,
      "Runs every {name: array} of `batch` on one opened runner; returns (outputs list, reports list or None).");
}

} // namespace tessera::python
