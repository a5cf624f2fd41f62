//===- sweep_bindings.cpp - tessera.sweep: a co-design sweep, its result rows --------===//
//
//   _sweep(spec_path, spec_text, out_dir, jobs, backend, fresh) -> [row dict, ...]
//
// What `tessera sweep spec.json -o DIR -j N` does with the local executor (sweep/):
// expand the spec, prepare DIR (finished points are kept and skipped), run the pending
// points in N worker processes of the `tessera` executable, merge the results. A spec
// given as text (a Python dict) resolves its relative paths against `spec_path`;
// `backend` replaces the spec's. Each row is results.json's: point, model, pareto and
// the figures. Progress lines go to stderr. The GIL is released while it runs.
//
//===----------------------------------------------------------------------===//
#include <cstdlib>
#include <iostream>
#include <optional>

#include <pybind11/stl.h>

#include "python/bindings.h"
#include "python/convert.h"
#include "support/file_io.h"
#include "sweep/local_executor.h"
#include "sweep/results.h"
#include "sweep/sweep_dir.h"

namespace tessera::python {
namespace {

struct SweepArgs {
  std::string specPath;
  std::optional<std::string> specText;
  std::string dir;
  int jobs = 1;
  std::optional<std::string> backend;
  bool fresh = false;
};

/// The `tessera` executable the workers run: $TESSERA_EXE, else the one built beside this module.
std::string tesseraExecutable() {
  const char *fromEnvironment = std::getenv("TESSERA_EXE");
  return fromEnvironment && *fromEnvironment ? fromEnvironment : TESSERA_CLI_PATH;
}

StatusOr<sweep::SweepPlan> planOf(const SweepArgs &args) {
  std::string text;
  if (args.specText) text = *args.specText;
  else {
    TS_ASSIGN_OR_RETURN(text, readTextFile(args.specPath));
  }
  nlohmann::json spec = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (spec.is_discarded()) return invalidInput("%s: not valid JSON", args.specPath);
  if (args.backend) spec["backend"] = *args.backend;
  return sweep::expandSweepSpec(spec, args.specPath);
}

StatusOr<std::vector<sweep::ResultRow>> runSweep(const SweepArgs &args) {
  if (args.jobs < 1) return invalidInput("jobs must be at least 1, got %d", args.jobs);
  TS_ASSIGN_OR_RETURN(sweep::SweepPlan plan, planOf(args));
  TS_RETURN_IF_ERROR(sweep::prepareSweepDir(plan, args.dir, args.fresh, std::cerr));
  std::vector<const sweep::SweepPoint *> pending = sweep::pendingPoints(plan, args.dir);
  if (!pending.empty()) {
    sweep::LocalOptions local{args.jobs, tesseraExecutable(), /*terminal=*/false};
    TS_RETURN_IF_ERROR(sweep::runLocal(plan, pending, args.dir, local, std::cerr));
  }
  return sweep::writeResults(plan, args.dir);
}

py::list sweep(const SweepArgs &args) {
  StatusOr<std::vector<sweep::ResultRow>> rows;
  {
    py::gil_scoped_release release;
    rows = runSweep(args);
  }
  py::list result;
  for (const sweep::ResultRow &row : unwrap(std::move(rows))) {
    nlohmann::json values = row.values;
    values["point"] = row.point;
    values["model"] = row.model;
    values["pareto"] = row.pareto;
    result.append(pythonFromJson(values));
  }
  return result;
}

} // namespace

void bindSweep(py::module_ &module) {
  module.def(
      "_sweep",
      [](std::string specPath, std::optional<std::string> specText, std::string dir, int jobs,
         std::optional<std::string> backend, bool fresh) {
        return sweep(SweepArgs{specPath, specText, dir, jobs, backend, fresh});
      },
      py::arg("spec_path"), py::arg("spec_text"), py::arg("out_dir"), py::arg("jobs"), py::arg("backend"),
      py::arg("fresh"));
}

} // namespace tessera::python
