//===- cmd_diff.cpp - `tessera diff`: two run reports side by side ----------------===//
//
//   tessera diff a.json b.json [--top N]
//
// Reads two `run --report` files (any backends, any configs) and prints their totals
// (cycles, utilization, DRAM traffic, stalls, energy) and then their layers, matched by
// segment name, largest cycle change first; layers present in one report only are listed
// after. The reports may come from different configs: that is what a co-design
// comparison is.
//
//===----------------------------------------------------------------------===//
#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>

#include <nlohmann/json.hpp>

#include "support/file_io.h"
#include "tools/command.h"

namespace po = boost::program_options;

namespace tessera::cli {
namespace {

using nlohmann::json;

StatusOr<json> readReport(const std::string &path) {
  TS_ASSIGN_OR_RETURN(std::string text, readTextFile(path));
  json report = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (report.is_discarded() || !report.is_object()) return invalidInput("%s: not a JSON run report", path);
  if (!report.contains("total_cycles") || !report["segments"].is_array())
    return invalidInput("%s: no 'total_cycles' or 'segments': not a `tessera run --report` file", path);
  return report;
}

/// The number at `pointer` ("/energy/total_uj"), or NaN when the report lacks it.
double numberAt(const json &report, const std::string &pointer) {
  const json::json_pointer at(pointer);
  if (!report.contains(at) || !report[at].is_number()) return std::nan("");
  return report[at].get<double>();
}

std::string change(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return "-";
  if (a == 0) return b == 0 ? "0%" : "new";
  return absl::StrFormat("%+.1f%%", 100.0 * (b - a) / a);
}

std::string value(double v) {
  if (std::isnan(v)) return "-";
  return v == std::floor(v) && std::abs(v) < 1e15 ? absl::StrFormat("%d", int64_t(v)) : absl::StrFormat("%.4g", v);
}

std::string describe(const json &report, const std::string &path) {
  std::string config = report.contains("config") ? report["config"].value("name", "?") : "?";
  return absl::StrFormat("%s (backend %s, config %s)", path, report.value("backend", "?"), config);
}

void printTotals(const json &a, const json &b) {
  const std::pair<const char *, const char *> rows[] = {
      {"total_cycles", "/total_cycles"},       {"gemm_utilization", "/gemm_utilization"},
      {"alu_utilization", "/alu_utilization"}, {"dram_bytes_read", "/dram/bytes_read"},
      {"dram_bytes_written", "/dram/bytes_written"}, {"dram_bus_utilization", "/dram/bus_utilization"}, {"energy_uj", "/energy/total_uj"},
      {"pj_per_mac", "/energy/pj_per_mac"},    {"avg_power_mw", "/energy/avg_power_mw"},
      {"accel_mac_fraction", "/coverage/accel_mac_fraction"}};
  std::cout << absl::StrFormat("%-20s %16s %16s %10s\n", "total", "a", "b", "change");
  for (const auto &[name, pointer] : rows) {
    double x = numberAt(a, pointer), y = numberAt(b, pointer);
    if (std::isnan(x) && std::isnan(y)) continue;
    std::cout << absl::StrFormat("%-20s %16s %16s %10s\n", name, value(x), value(y), change(x, y));
  }
}

std::map<std::string, const json *> segmentsByName(const json &report) {
  std::map<std::string, const json *> byName;
  for (const json &segment : report["segments"]) byName.emplace(segment.value("name", ""), &segment);
  return byName;
}

void printLayers(const json &a, const json &b, size_t top) {
  auto inA = segmentsByName(a), inB = segmentsByName(b);
  std::vector<std::pair<std::string, double>> both;
  for (const auto &[name, segment] : inA)
    if (inB.count(name)) both.emplace_back(name, std::abs(inB[name]->value("cycles", 0.0) - segment->value("cycles", 0.0)));
  std::stable_sort(both.begin(), both.end(), [](const auto &x, const auto &y) { return x.second > y.second; });
  size_t width = 5;
  for (const auto &[name, delta] : both) width = std::max(width, name.size());
  std::cout << absl::StrFormat("\n%-*s %-14s %12s %12s %9s %7s %7s %12s %12s\n", int(width), "layer", "op", "cycles a",
                               "cycles b", "change", "util a", "util b", "stall_dram a", "stall_dram b");
  for (size_t i = 0; i < both.size() && i < top; ++i) {
    const json &x = *inA[both[i].first], &y = *inB[both[i].first];
    double ca = x.value("cycles", 0.0), cb = y.value("cycles", 0.0);
    std::cout << absl::StrFormat("%-*s %-14s %12s %12s %9s %7.3f %7.3f %12s %12s\n", int(width), both[i].first,
                                 x.value("op", "?"), value(ca), value(cb), change(ca, cb), x.value("gemm_utilization", 0.0),
                                 y.value("gemm_utilization", 0.0), value(x.value("stall_dram_cycles", std::nan(""))),
                                 value(y.value("stall_dram_cycles", std::nan(""))));
  }
  if (both.size() > top) std::cout << "(" << both.size() - top << " more layers; --top N shows more)\n";
  for (const auto &[name, segment] : inA)
    if (!inB.count(name)) std::cout << "only in a: " << name << "\n";
  for (const auto &[name, segment] : inB)
    if (!inA.count(name)) std::cout << "only in b: " << name << "\n";
}

} // namespace

int runDiffCommand(const std::vector<std::string> &args) {
  std::string pathA, pathB;
  size_t top = 20;
  po::options_description options("options");
  options.add_options()("a", po::value(&pathA), "the first run report (tessera run --report)")(
      "b", po::value(&pathB), "the second run report")("top", po::value(&top), "layers to list (default 20)");
  po::positional_options_description positional;
  positional.add("a", 1).add("b", 1);
  po::variables_map vm;
  int exitCode = 0;
  if (!parseCommandLine("diff", "a.json b.json [--top N]", args, options, positional, vm, exitCode)) return exitCode;
  if (pathA.empty() || pathB.empty()) return reportError("diff", invalidInput("give two run reports: a.json b.json"));
  StatusOr<json> a = readReport(pathA);
  if (!a.ok()) return reportError("diff", a.status());
  StatusOr<json> b = readReport(pathB);
  if (!b.ok()) return reportError("diff", b.status());
  std::cout << "a: " << describe(*a, pathA) << "\nb: " << describe(*b, pathB) << "\n\n";
  printTotals(*a, *b);
  printLayers(*a, *b, top);
  return 0;
}

} // namespace tessera::cli
