//===- results.cpp - results.csv, results.json, pareto.svg, pareto_layers.csv ---------===//
#include "sweep/results.h"

#include <filesystem>

#include "support/file_io.h"
#include "support/strings.h"
#include "sweep/pareto_plot.h"
#include "sweep/point_runner.h"

namespace tessera::sweep {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const std::vector<std::string> kFigureColumns = {"total_cycles", "latency_ms", "energy_uj", "area_mm2",
                                                 "gemm_utilization", "accel_mac_fraction"};

std::string csvText(const std::string &text) {
  bool quote = text.find_first_of(",\"\n") != std::string::npos;
  if (!quote) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : c == '\n' ? std::string(" ") : std::string(1, c);
  return out + "\"";
}

std::string csvValue(const json &value) {
  if (value.is_null()) return "";
  if (value.is_string()) return csvText(value.get<std::string>());
  if (value.is_number_float()) return absl::StrFormat("%.6g", value.get<double>());
  return value.dump();
}

StatusOr<json> readPointResult(const std::string &path) {
  TS_ASSIGN_OR_RETURN(std::string text, readTextFile(path));
  json result = json::parse(text, nullptr, false);
  if (result.is_discarded() || !result.contains("models")) return invalidInput("%s: not a point result", path);
  return result;
}

std::vector<ResultRow> rowsOf(const SweepPoint &point, const json &result) {
  std::vector<ResultRow> rows;
  for (const json &model : result["models"]) {
    ResultRow row{point.name, model["model"].get<std::string>(), json::object()};
    for (const auto &[column, value] : point.columns) row.values[column] = value;
    row.values["config_hash"] = result.value("config_hash", "");
    row.values["area_mm2"] = result.contains("area_mm2") ? result["area_mm2"] : json();
    for (const auto &item : model.items()) row.values[item.key()] = item.value();
    rows.push_back(std::move(row));
  }
  return rows;
}

bool onFront(const ResultRow &row) {
  return row.values.value("status", "") == "ok" && row.values.contains("latency_ms") && row.values.contains("energy_uj");
}

/// True when `a` is at least as good as `b` in both figures and better in one.
bool dominates(const ResultRow &a, const ResultRow &b) {
  double la = a.values["latency_ms"], ea = a.values["energy_uj"], lb = b.values["latency_ms"], eb = b.values["energy_uj"];
  return la <= lb && ea <= eb && (la < lb || ea < eb);
}

json rowsJson(const std::vector<ResultRow> &rows) {
  json out = json::array();
  for (const ResultRow &row : rows) {
    json entry = row.values;
    entry["point"] = row.point;
    entry["model"] = row.model;
    entry["pareto"] = row.pareto;
    out.push_back(entry);
  }
  return out;
}

/// The segments of each Pareto point's run report, one CSV row per layer.
StatusOr<std::string> paretoLayersCsv(const std::string &dir, const std::vector<ResultRow> &rows) {
  std::string csv = "point,model,layer,op,cycles,macs,gemm_utilization\n";
  for (const ResultRow &row : rows) {
    if (!row.pareto) continue;
    std::string path = (fs::path(dir) / "points" / row.point / (row.model + ".json")).string();
    TS_ASSIGN_OR_RETURN(std::string text, readTextFile(path));
    json report = json::parse(text, nullptr, false);
    if (report.is_discarded()) return invalidInput("%s: not a run report", path);
    for (const json &segment : report.value("segments", json::array()))
      csv += joinStrings(std::vector<std::string>{csvText(row.point), csvText(row.model), csvValue(segment["name"]), csvValue(segment["op"]),
                          csvValue(segment["cycles"]), csvValue(segment["macs"]), csvValue(segment.value("gemm_utilization", json()))},
                         ",") + "\n";
  }
  return csv;
}

} // namespace

StatusOr<std::vector<ResultRow>> readResults(const SweepPlan &plan, const std::string &dir) {
  std::vector<ResultRow> rows;
  std::vector<std::string> missing;
  for (const SweepPoint &point : plan.points) {
    if (!pointFinished(dir, point)) {
      missing.push_back(point.name);
      continue;
    }
    TS_ASSIGN_OR_RETURN(json result, readPointResult(pointResultPath(dir, point)));
    for (ResultRow &row : rowsOf(point, result)) rows.push_back(std::move(row));
  }
  if (!missing.empty())
    return invalidInput("%s: %d of %d points have no result yet (not run, or still running): %s", dir, missing.size(),
                        plan.points.size(), joinStrings(missing, ", "));
  markParetoFront(rows);
  return rows;
}

void markParetoFront(std::vector<ResultRow> &rows) {
  for (ResultRow &row : rows) {
    row.pareto = onFront(row);
    for (const ResultRow &other : rows)
      if (row.pareto && &other != &row && other.model == row.model && onFront(other) && dominates(other, row))
        row.pareto = false;
  }
}

std::string resultsCsv(const SweepPlan &plan, const std::vector<ResultRow> &rows) {
  std::vector<std::string> header = {"point"};
  header.insert(header.end(), plan.columns.begin(), plan.columns.end());
  for (const char *column : {"config_hash", "model", "status", "error"}) header.push_back(column);
  header.insert(header.end(), kFigureColumns.begin(), kFigureColumns.end());
  std::string csv = joinStrings(header, ",") + "\n";
  for (const ResultRow &row : rows) {
    std::vector<std::string> cells = {csvText(row.point)};
    for (size_t i = 1; i < header.size(); ++i) {
      const std::string &column = header[i];
      if (column == "model") cells.push_back(csvText(row.model));
      else cells.push_back(row.values.contains(column) ? csvValue(row.values[column]) : "");
    }
    csv += joinStrings(cells, ",") + "\n";
  }
  return csv;
}

StatusOr<std::vector<ResultRow>> writeResults(const SweepPlan &plan, const std::string &dir) {
  TS_ASSIGN_OR_RETURN(std::vector<ResultRow> rows, readResults(plan, dir));
  auto path = [&](const char *name) { return (fs::path(dir) / name).string(); };
  TS_RETURN_IF_ERROR(writeTextFileAtomically(path("results.csv"), resultsCsv(plan, rows)));
  json results = {{"spec", plan.specPath}, {"backend", plan.backend}, {"columns", plan.columns}, {"rows", rowsJson(rows)}};
  TS_RETURN_IF_ERROR(writeTextFileAtomically(path("results.json"), results.dump(2) + "\n"));
  TS_RETURN_IF_ERROR(writeTextFileAtomically(path("pareto.svg"), paretoSvg(plan, rows)));
  TS_ASSIGN_OR_RETURN(std::string layers, paretoLayersCsv(dir, rows));
  TS_RETURN_IF_ERROR(writeTextFileAtomically(path("pareto_layers.csv"), layers));
  return rows;
}

} // namespace tessera::sweep
