//===- sweep_plan.cpp - A sweep spec expanded into points and models -----------------===//
#include "sweep/sweep_plan.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "isa/config_derive.h"
#include "support/file_io.h"
#include "support/strings.h"

namespace tessera::sweep {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

/// The spec's keys; any other is an error (a typo is never silently ignored).
const std::set<std::string> kSpecKeys = {"base", "points", "grid", "models", "calibrate", "backend", "mappings", "records", "energy", "input_seed"};

/// A spec-relative path made absolute.
std::string resolvePath(const std::string &path, const std::string &specPath) {
  fs::path p(path);
  if (p.is_absolute()) return p.lexically_normal().string();
  return fs::absolute(fs::path(specPath).parent_path() / p).lexically_normal().string();
}

Status specError(const std::string &specPath, const std::string &key, const std::string &message) {
  return invalidInput("%s: '%s': %s", specPath, key, message);
}

/// The text of a grid value in point names and CSV cells: 8, 0.5, 200.
std::string valueText(const json &value) {
  if (value.is_number_float() && value.get<double>() == double(int64_t(value.get<double>())))
    return std::to_string(int64_t(value.get<double>()));
  return value.dump();
}

/// A point before the grid: a label, its swept columns and a config (or the error).
struct BasePoint {
  std::string label;
  std::vector<std::pair<std::string, std::string>> columns;
  StatusOr<isa::HardwareConfig> config = absl::UnknownError("unset");
};

StatusOr<BasePoint> derivePoint(const json &entry, const std::string &specPath, const std::string &key) {
  const json &derive = entry["derive"];
  if (!derive.is_object()) return specError(specPath, key + ".derive", "expected an object {\"block\": N, \"scale_buffers\": F}");
  isa::DeriveOptions options;
  for (const auto &[name, value] : derive.items()) {
    if (name == "block" && value.is_number_integer()) options.block = value.get<int64_t>();
    else if (name == "scale_buffers" && value.is_number()) options.scaleBuffers = value.get<double>();
    else return specError(specPath, key + ".derive." + name, "expected block (an integer) or scale_buffers (a number)");
  }
  BasePoint point;
  point.label = strCat("block", options.block);
  if (options.scaleBuffers != 1.0) point.label += absl::StrFormat("-x%g", options.scaleBuffers);
  point.columns = {{"block", std::to_string(options.block)}, {"scale_buffers", absl::StrFormat("%g", options.scaleBuffers)}};
  point.config = isa::deriveConfig(options);
  return point;
}

StatusOr<BasePoint> filePoint(const std::string &path, const std::string &specPath, const std::string &key) {
  std::string resolved = resolvePath(path, specPath);
  if (!fs::is_regular_file(resolved)) return specError(specPath, key, strCat("no config file '", resolved, "'"));
  BasePoint point;
  point.label = fs::path(resolved).stem().string();
  point.columns = {{"config", path}};
  point.config = isa::loadConfigFile(resolved);
  return point;
}

StatusOr<std::vector<BasePoint>> basePoints(const json &spec, const std::string &specPath) {
  std::vector<BasePoint> points;
  if (!spec.contains("points")) {
    if (!spec.contains("base") || !spec["base"].is_string())
      return specError(specPath, "base", "a spec without 'points' needs a base config path");
    TS_ASSIGN_OR_RETURN(BasePoint point, filePoint(spec["base"].get<std::string>(), specPath, "base"));
    point.columns.clear();
    points.push_back(std::move(point));
    return points;
  }
  if (!spec["points"].is_array() || spec["points"].empty())
    return specError(specPath, "points", "expected a non-empty list of config paths or {\"derive\": {...}} entries");
  for (size_t i = 0; i < spec["points"].size(); ++i) {
    const json &entry = spec["points"][i];
    std::string key = strCat("points[", i, "]");
    if (entry.is_string()) {
      TS_ASSIGN_OR_RETURN(BasePoint point, filePoint(entry.get<std::string>(), specPath, key));
      points.push_back(std::move(point));
    } else if (entry.is_object() && entry.size() == 1 && entry.contains("derive")) {
      TS_ASSIGN_OR_RETURN(BasePoint point, derivePoint(entry, specPath, key));
      points.push_back(std::move(point));
    } else {
      return specError(specPath, key, "expected a config path or {\"derive\": {\"block\": N, \"scale_buffers\": F}}");
    }
  }
  return points;
}

using Grid = std::vector<std::pair<std::string, std::vector<json>>>;

StatusOr<Grid> readGrid(const json &spec, const std::string &specPath) {
  Grid grid;
  if (!spec.contains("grid")) return grid;
  if (!spec["grid"].is_object()) return specError(specPath, "grid", "expected an object: config key -> list of values");
  const json known = isa::HardwareConfig().toJson();
  for (const auto &[key, values] : spec["grid"].items()) {
    if (key == "name" || !known.contains(key)) return specError(specPath, "grid." + key, "not a config key (docs/config.md)");
    if (!values.is_array() || values.empty()) return specError(specPath, "grid." + key, "expected a non-empty list of values");
    for (const json &value : values)
      if (!value.is_number()) return specError(specPath, "grid." + key, strCat("expected numbers, got ", value.dump()));
    grid.emplace_back(key, std::vector<json>(values.begin(), values.end()));
  }
  return grid;
}

/// `base` with the grid values of combination `index` (mixed radix over the grid keys).
SweepPoint gridPoint(const BasePoint &base, const Grid &grid, size_t index) {
  SweepPoint point;
  point.name = base.label;
  point.columns = base.columns;
  json object = base.config.ok() ? base.config->toJson() : json();
  for (auto it = grid.rbegin(); it != grid.rend(); ++it) {
    const json &value = it->second[index % it->second.size()];
    index /= it->second.size();
    object[it->first] = value;
  }
  for (const auto &[key, values] : grid) {
    point.name += strCat("+", key, "=", valueText(object[key]));
    point.columns.emplace_back(key, valueText(object[key]));
  }
  if (!base.config.ok()) {
    point.error = std::string(base.config.status().message());
    return point;
  }
  if (!grid.empty()) object["name"] = point.name; // a config file alone keeps its name (and hash)
  auto config = isa::parseConfig(object);
  if (config.ok()) point.config = *config;
  else point.error = std::string(config.status().message());
  return point;
}

std::vector<std::string> columnsOf(const std::vector<SweepPoint> &points) {
  std::vector<std::string> columns;
  for (const SweepPoint &point : points)
    for (const auto &[column, value] : point.columns)
      if (std::find(columns.begin(), columns.end(), column) == columns.end()) columns.push_back(column);
  return columns;
}

StatusOr<std::vector<SweepPoint>> expandPoints(const json &spec, const std::string &specPath) {
  TS_ASSIGN_OR_RETURN(std::vector<BasePoint> bases, basePoints(spec, specPath));
  TS_ASSIGN_OR_RETURN(Grid grid, readGrid(spec, specPath));
  size_t combinations = 1;
  for (const auto &[key, values] : grid) combinations *= values.size();
  std::vector<SweepPoint> points;
  std::set<std::string> names;
  for (const BasePoint &base : bases) {
    for (size_t i = 0; i < combinations; ++i) {
      SweepPoint point = gridPoint(base, grid, i);
      if (!names.insert(point.name).second) return specError(specPath, "points", strCat("point '", point.name, "' appears twice"));
      points.push_back(std::move(point));
    }
  }
  return points;
}

StatusOr<std::vector<SweepModel>> readModels(const json &spec, const std::string &specPath) {
  if (!spec.contains("models") || !spec["models"].is_array() || spec["models"].empty())
    return specError(specPath, "models", "expected a non-empty list of model paths (.onnx or graph IR .tg)");
  std::vector<SweepModel> models;
  std::set<std::string> names;
  for (size_t i = 0; i < spec["models"].size(); ++i) {
    const json &entry = spec["models"][i];
    std::string key = strCat("models[", i, "]");
    if (!entry.is_string()) return specError(specPath, key, "expected a model path");
    SweepModel model{fs::path(entry.get<std::string>()).stem().string(), resolvePath(entry.get<std::string>(), specPath)};
    if (!fs::is_regular_file(model.source)) return specError(specPath, key, strCat("no model file '", model.source, "'"));
    if (!names.insert(model.name).second) return specError(specPath, key, strCat("a second model named '", model.name, "'"));
    models.push_back(std::move(model));
  }
  return models;
}

Status readOptions(const json &spec, const std::string &specPath, SweepPlan &plan) {
  for (const auto &[key, value] : spec.items())
    if (!kSpecKeys.count(key))
      return specError(specPath, key, strCat("unknown key (expected one of: ", joinStrings(std::vector<std::string>(kSpecKeys.begin(), kSpecKeys.end()), ", "), ")"));
  if (spec.contains("backend")) {
    if (!spec["backend"].is_string()) return specError(specPath, "backend", "expected a string");
    plan.backend = spec["backend"].get<std::string>();
    const auto &backends = sweepBackends();
    if (std::find(backends.begin(), backends.end(), plan.backend) == backends.end())
      return specError(specPath, "backend", strCat("'", plan.backend, "' is not one of ", joinStrings(backends, ", ")));
  }
  if (spec.contains("calibrate")) {
    if (!spec["calibrate"].is_string()) return specError(specPath, "calibrate", "expected a folder of .npy files or random:N");
    std::string calibrate = spec["calibrate"].get<std::string>();
    plan.calibrate = calibrate.starts_with("random:") ? calibrate : resolvePath(calibrate, specPath);
  }
  if (spec.contains("mappings")) {
    if (!spec["mappings"].is_string()) return specError(specPath, "mappings", "expected a mappings file path");
    plan.mappingsPath = resolvePath(spec["mappings"].get<std::string>(), specPath);
  }
  if (spec.contains("records")) {
    if (!spec["records"].is_string()) return specError(specPath, "records", "expected a tuning records file (tessera tune --records)");
    plan.recordsPath = resolvePath(spec["records"].get<std::string>(), specPath);
    if (!fs::is_regular_file(plan.recordsPath)) return specError(specPath, "records", strCat("no records file '", plan.recordsPath, "'"));
  }
  if (spec.contains("energy")) {
    if (!spec["energy"].is_string()) return specError(specPath, "energy", "expected an energy table path");
    plan.energyPath = resolvePath(spec["energy"].get<std::string>(), specPath);
  }
  if (spec.contains("input_seed")) {
    if (!spec["input_seed"].is_number_unsigned()) return specError(specPath, "input_seed", "expected a non-negative integer");
    plan.inputSeed = spec["input_seed"].get<uint64_t>();
  }
  return absl::OkStatus();
}

} // namespace

const std::vector<std::string> &sweepBackends() {
  static const std::vector<std::string> backends = {"estimate", "functional", "systemc", "rtl"};
  return backends;
}

StatusOr<SweepPlan> expandSweepSpec(const json &spec, const std::string &specPath) {
  if (!spec.is_object()) return invalidInput("%s: a sweep spec is a JSON object (docs/sweeps.md)", specPath);
  SweepPlan plan;
  plan.specPath = fs::absolute(specPath).lexically_normal().string();
  TS_RETURN_IF_ERROR(readOptions(spec, plan.specPath, plan));
  TS_ASSIGN_OR_RETURN(plan.points, expandPoints(spec, plan.specPath));
  TS_ASSIGN_OR_RETURN(plan.models, readModels(spec, plan.specPath));
  plan.columns = columnsOf(plan.points);
  return plan;
}

StatusOr<SweepPlan> loadSweepSpec(const std::string &specPath) {
  TS_ASSIGN_OR_RETURN(std::string text, readTextFile(specPath));
  json spec = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (spec.is_discarded()) return invalidInput("%s: not valid JSON", specPath);
  return expandSweepSpec(spec, specPath);
}

json planToJson(const SweepPlan &plan) {
  json points = json::array();
  for (const SweepPoint &point : plan.points) {
    json entry = {{"name", point.name}, {"columns", point.columns}};
    if (point.config) entry["config"] = point.config->toJson();
    else entry["error"] = point.error;
    points.push_back(entry);
  }
  json models = json::array();
  for (const SweepModel &model : plan.models) models.push_back({{"name", model.name}, {"source", model.source}});
  json out = {{"spec", plan.specPath}, {"columns", plan.columns}, {"points", points}, {"models", models},
              {"backend", plan.backend}, {"mappings", plan.mappingsPath}, {"energy", plan.energyPath}, {"records", plan.recordsPath}, {"input_seed", plan.inputSeed}};
  if (plan.calibrate) out["calibrate"] = *plan.calibrate;
  return out;
}

StatusOr<SweepPlan> planFromJson(const json &json, const std::string &path) {
  SweepPlan plan;
  try {
    plan.specPath = json.at("spec").get<std::string>();
    plan.columns = json.at("columns").get<std::vector<std::string>>();
    plan.backend = json.at("backend").get<std::string>();
    plan.mappingsPath = json.at("mappings").get<std::string>();
    plan.energyPath = json.at("energy").get<std::string>();
    plan.recordsPath = json.value("records", std::string());
    plan.inputSeed = json.at("input_seed").get<uint64_t>();
    if (json.contains("calibrate")) plan.calibrate = json.at("calibrate").get<std::string>();
    for (const auto &model : json.at("models")) plan.models.push_back({model.at("name"), model.at("source")});
    for (const auto &entry : json.at("points")) {
      SweepPoint point;
      point.name = entry.at("name").get<std::string>();
      point.columns = entry.at("columns").get<std::vector<std::pair<std::string, std::string>>>();
      if (entry.contains("config")) {
        TS_ASSIGN_OR_RETURN(point.config, isa::parseConfig(entry.at("config")));
      } else {
        point.error = entry.at("error").get<std::string>();
      }
      plan.points.push_back(std::move(point));
    }
  } catch (const nlohmann::json::exception &error) {
    return invalidInput("%s: not a sweep plan: %s", path, error.what());
  }
  return plan;
}

std::string int8ModelPath(const std::string &dir, const SweepModel &model) {
  return (fs::path(dir) / "models" / (model.name + ".tg")).string();
}

} // namespace tessera::sweep
