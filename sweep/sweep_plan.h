//===- sweep_plan.h - What a sweep runs: points x models, from a spec file -----------===//
//
// `tessera sweep spec.json -o DIR` reads a spec (docs/sweeps.md):
//
//   {"base": "configs/default.json",                  a config, relative to the spec
//    "points": ["a.json", {"derive": {"block": 8, "scale_buffers": 0.5}}],
//    "grid": {"dram_bytes_per_cycle": [8, 16]},        config key -> values (cartesian)
//    "models": ["resnet18.onnx"], "calibrate": "random:4",
//    "backend": "estimate" | "functional" | "systemc" | "rtl",
//    "mappings": "m.txt",                              optional, as `compile --mappings`
//    "records": "r.jsonl",                             optional `tessera tune` records
//    "energy": "configs/energy/x.json",                optional energy/area table
//    "input_seed": 1}                                  random inputs (simulated backends)
//
// and expands it into a plan: every point (each entry of `points`, or `base` alone,
// crossed with every combination of `grid`) with its config, and the models. A point
// whose config is invalid stays in the plan with its error (the sweep records it and
// goes on); a spec error (unknown key, wrong type, missing file) names the spec file
// and the key. The plan is written to DIR/plan.json, which workers read.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "isa/config.h"
#include "support/status.h"

namespace tessera::sweep {

/// One hardware point. `name` is its folder under DIR/points and its label in plots:
/// the point entry's label ("block8-x0.5", a config file's stem, or the base's stem)
/// followed by "+key=value" for each grid key.
struct SweepPoint {
  std::string name;
  std::vector<std::pair<std::string, std::string>> columns; ///< swept column -> value text
  std::optional<isa::HardwareConfig> config;                ///< absent when `error` says why
  std::string error;
};

struct SweepModel {
  std::string name;   ///< the file's stem (unique in a sweep)
  std::string source; ///< the model file as the spec names it, made absolute
};

struct SweepPlan {
  std::string specPath;
  std::vector<std::string> columns; ///< the swept columns of results.csv, in order
  std::vector<SweepPoint> points;
  std::vector<SweepModel> models;
  std::optional<std::string> calibrate;
  std::string backend = "estimate";
  std::string mappingsPath; ///< empty: the cost model's mappings
  std::string energyPath;   ///< empty: the built-in default-45nm table
  std::string recordsPath;  ///< `tessera tune` records: each point uses the best of its config's
  uint64_t inputSeed = 1;   ///< random model inputs (cycle-level backends)
};

/// The backends a sweep runs: estimate (the analytical model only), functional, systemc, rtl.
const std::vector<std::string> &sweepBackends();

/// Reads and expands a spec file.
StatusOr<SweepPlan> loadSweepSpec(const std::string &specPath);
/// Expands a spec's JSON; relative paths are resolved against `specPath`'s folder.
StatusOr<SweepPlan> expandSweepSpec(const nlohmann::json &spec, const std::string &specPath);

/// DIR/plan.json's form, and back (a worker's view of the sweep).
nlohmann::json planToJson(const SweepPlan &plan);
StatusOr<SweepPlan> planFromJson(const nlohmann::json &json, const std::string &path);

/// The int8 graph a point compiles for `model`: DIR/models/<name>.tg.
std::string int8ModelPath(const std::string &dir, const SweepModel &model);

} // namespace tessera::sweep
