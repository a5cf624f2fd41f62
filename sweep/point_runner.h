//===- point_runner.h - One sweep point: compile and run every model, save the result ---===//
//
// A point's folder DIR/points/<name>/ holds, per model, the run report (<model>.json,
// the same form as `tessera run --report`, so `tessera diff` compares two points), and
// last result.json, written atomically: its presence marks the point finished, so a
// rerun after a kill skips it and redoes only points without one. A model that fails
// (its config cannot map a layer, a backend error) is recorded with its error; the
// point still finishes.
//
// With `records` in the spec, each point compiles with the best `tessera tune` record of
// each layer's workload for that point's config (records of other configs do not apply;
// the report's `records_applied` counts the layers that took one).
//
// The `estimate` backend runs nothing: cycles are the cost model's per-layer estimates
// (the compiler's choice of mapping), energy comes from the program's exact work
// counts (simulator/golden/static_counts.h) and the estimated cycles.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "compiler/accel/model_compiler.h"
#include "compiler/graph/graph.h"
#include "compiler/tune/records.h"
#include "isa/energy_table.h"
#include "sweep/sweep_plan.h"

namespace tessera::sweep {

/// DIR/points/<point>.
std::string pointDir(const std::string &dir, const SweepPoint &point);
/// DIR/points/<point>/result.json.
std::string pointResultPath(const std::string &dir, const SweepPoint &point);
bool pointFinished(const std::string &dir, const SweepPoint &point);

/// The row values of one model at one point (results.csv), from its run report.
nlohmann::json modelRow(const std::string &model, const nlohmann::json &report);

/// Records that `point` failed as a whole (its worker crashed or was killed): every
/// model's row gets `message` as its error.
Status writePointError(const SweepPlan &plan, const SweepPoint &point, const std::string &dir, const std::string &message);

/// Runs points of one plan in this process; each model's int8 graph is read once and
/// kept for the next point (reading ResNet-18's takes longer than compiling it).
class PointRunner {
public:
  PointRunner(const SweepPlan &plan, std::string dir, isa::EnergyTable energy)
      : plan_(plan), dir_(std::move(dir)), energy_(std::move(energy)) {}

  /// Runs `point` for every model (their int8 graphs under DIR/models) and writes its
  /// folder. An error is returned only when the folder cannot be written.
  Status run(const SweepPoint &point);

private:
  StatusOr<nlohmann::json> runModel(const SweepPoint &point, const SweepModel &model);
  StatusOr<const graph::Graph *> int8Graph(const SweepModel &model);
  /// The lowering options of `config`: the spec's mappings, and the best tuning record of
  /// each layer recorded for this config (a mappings line wins).
  StatusOr<accel::LoweringOptions> loweringFor(const isa::HardwareConfig &config);

  const SweepPlan &plan_;
  std::string dir_;
  isa::EnergyTable energy_;
  std::map<std::string, graph::Graph> graphs_;
  std::optional<std::vector<tune::TuneRecord>> records_; ///< the records file, read once
  std::optional<tune::BestRecords> best_;               ///< of the point being run
};

} // namespace tessera::sweep
