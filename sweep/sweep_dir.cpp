//===- sweep_dir.cpp - Preparing and reading a sweep's output folder -----------------===//
#include "sweep/sweep_dir.h"

#include <filesystem>

#include "compiler/driver/driver.h"
#include "compiler/graph/printer.h"
#include "support/file_io.h"
#include "support/strings.h"
#include "sweep/point_runner.h"

namespace tessera::sweep {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

/// The first top-level key whose value differs between two plans.
std::string firstDifference(const json &a, const json &b) {
  for (const auto &item : a.items())
    if (!b.contains(item.key()) || b[item.key()] != item.value()) return item.key();
  return "(keys)";
}

Status writeOrCheckPlan(const SweepPlan &plan, const std::string &dir) {
  json wanted = planToJson(plan);
  std::string path = planPath(dir);
  if (fs::exists(path)) {
    TS_ASSIGN_OR_RETURN(std::string text, readTextFile(path));
    json existing = json::parse(text, nullptr, false);
    // The same sweep, whatever the spec file is called now.
    if (existing.is_object() && existing.contains("spec")) existing["spec"] = wanted["spec"];
    if (existing == wanted) return absl::OkStatus();
    return invalidInput("%s holds a different sweep ('%s' differs from this spec's): choose another -o, or pass --fresh "
                        "to discard its results",
                        dir, existing.is_discarded() ? std::string("plan.json") : firstDifference(wanted, existing));
  }
  return writeTextFileAtomically(path, wanted.dump(2) + "\n");
}

Status quantizeModel(const SweepPlan &plan, const SweepModel &model, const std::string &dir, std::ostream &log) {
  std::string path = int8ModelPath(dir, model);
  if (fs::exists(path)) return absl::OkStatus();
  log << "sweep: quantizing " << model.name << (plan.calibrate ? " (calibrate " + *plan.calibrate + ")" : "") << "\n";
  driver::CompileOptions options;
  options.target = "accel";
  options.accel.calibrate = plan.calibrate;
  auto graph = driver::int8GraphForAccel(driver::ModelSource(model.source), options);
  if (!graph.ok()) return annotate(graph.status(), strCat("model '", model.source, "'"));
  return writeTextFileAtomically(path, graph::printGraph(*graph));
}

} // namespace

std::string planPath(const std::string &dir) { return (fs::path(dir) / "plan.json").string(); }

Status prepareSweepDir(const SweepPlan &plan, const std::string &dir, bool fresh, std::ostream &log) {
  std::error_code error;
  if (fresh) {
    for (const char *entry : {"points", "models", "plan.json", "slurm", "k8s"}) fs::remove_all(fs::path(dir) / entry, error);
  }
  fs::create_directories(fs::path(dir) / "models", error);
  if (error) return invalidInput("cannot create '%s': %s", dir, error.message());
  TS_RETURN_IF_ERROR(writeOrCheckPlan(plan, dir));
  for (const SweepModel &model : plan.models) TS_RETURN_IF_ERROR(quantizeModel(plan, model, dir, log));
  return absl::OkStatus();
}

StatusOr<SweepPlan> loadPlan(const std::string &dir) {
  std::string path = planPath(dir);
  TS_ASSIGN_OR_RETURN(std::string text, readTextFile(path));
  json plan = json::parse(text, nullptr, false);
  if (plan.is_discarded()) return invalidInput("%s: not valid JSON", path);
  return planFromJson(plan, path);
}

std::vector<const SweepPoint *> pendingPoints(const SweepPlan &plan, const std::string &dir) {
  std::vector<const SweepPoint *> pending;
  for (const SweepPoint &point : plan.points)
    if (!pointFinished(dir, point)) pending.push_back(&point);
  return pending;
}

StatusOr<const SweepPoint *> findPoint(const SweepPlan &plan, const std::string &name, const std::string &dir) {
  for (const SweepPoint &point : plan.points)
    if (point.name == name) return &point;
  return invalidInput("%s: no point named '%s'", planPath(dir), name);
}

} // namespace tessera::sweep
