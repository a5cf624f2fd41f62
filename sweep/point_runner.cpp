//===- point_runner.cpp - Compile and run the models of one sweep point --------------===//
#include "sweep/point_runner.h"

#include <chrono>
#include <cmath>
#include <filesystem>

#include "compiler/accel/model_compiler.h"
#include "compiler/driver/model_import.h"
#include "isa/binary.h"
#include "runtime/energy_report.h"
#include "runtime/model/accel_model_runner.h"
#include "simulator/golden/static_counts.h"
#include "support/file_io.h"
#include "support/hash.h"
#include "support/random_tensor.h"
#include "support/strings.h"
#include "support/version.h"

namespace tessera::sweep {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

/// The estimate backend's report: the cost model's cycles per layer, the program's counters.
json estimateReport(const accel::CompiledModel &compiled, const isa::HardwareConfig &config) {
  sim::Counters counters = sim::staticCounters(compiled.program, config);
  json segments = json::array();
  double total = 0;
  for (const accel::LayerSummary &layer : compiled.layers) {
    uint64_t cycles = uint64_t(std::llround(layer.estimatedCycles));
    total += layer.estimatedCycles;
    double utilization = cycles ? double(layer.macs) / (double(cycles) * double(config.macsPerCycle())) : 0.0;
    segments.push_back({{"name", layer.name}, {"op", layer.op}, {"cycles", cycles}, {"macs", layer.macs},
                        {"estimated_cycles", layer.estimatedCycles}, {"gemm_utilization", utilization}});
  }
  uint64_t totalCycles = uint64_t(std::llround(total));
  json report = {{"backend", "estimate"}, {"tool", "tessera"}, {"tool_version", kVersion},
                 {"config", config.toJson()}, {"config_hash", hashToHex(config.hash())},
                 {"counters", counters.toJson()}, {"total_cycles", totalCycles},
                 {"time_us", double(totalCycles) / config.clock_mhz}, {"segments", segments},
                 {"coverage", compiled.coverage.toJson()}};
  report["gemm_utilization"] =
      totalCycles ? double(counters.gemmMacs) / (double(totalCycles) * double(config.macsPerCycle())) : 0.0;
  return report;
}

/// The model on a simulator backend, with seeded random inputs.
StatusOr<json> simulatedReport(const accel::CompiledModel &compiled, const isa::HardwareConfig &config,
                               const std::string &backend, uint64_t seed) {
  TS_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, isa::writeBinary(compiled.program, config));
  TS_ASSIGN_OR_RETURN(isa::LoadedBinary binary, isa::readBinary(bytes));
  TS_ASSIGN_OR_RETURN(auto runner, runtime::AccelModelRunner::open(std::move(binary), backend));
  accel::TensorMap inputs;
  uint64_t index = 0;
  for (const accel::HostInput &input : runner.model().inputs)
    inputs[input.name] = seededRandomTensor(input.dtype, input.shape, seed + index++);
  TS_RETURN_IF_ERROR(runner.run(inputs, runtime::RunOptions{}).status());
  return runner.report();
}

json errorRow(const std::string &model, const std::string &error) {
  return {{"model", model}, {"status", "error"}, {"error", error}};
}

} // namespace

std::string pointDir(const std::string &dir, const SweepPoint &point) {
  return (fs::path(dir) / "points" / point.name).string();
}

std::string pointResultPath(const std::string &dir, const SweepPoint &point) {
  return (fs::path(pointDir(dir, point)) / "result.json").string();
}

bool pointFinished(const std::string &dir, const SweepPoint &point) {
  return fs::is_regular_file(pointResultPath(dir, point));
}

json modelRow(const std::string &model, const json &report) {
  json row = {{"model", model}, {"status", "ok"}, {"error", ""}};
  const json &config = report["config"];
  if (report.contains("total_cycles")) {
    uint64_t cycles = report["total_cycles"].get<uint64_t>();
    row["total_cycles"] = cycles;
    row["latency_ms"] = double(cycles) / config["clock_mhz"].get<double>() / 1000.0;
  }
  if (report.contains("gemm_utilization")) row["gemm_utilization"] = report["gemm_utilization"];
  row["energy_uj"] = report["energy"]["total_uj"];
  row["pj_per_mac"] = report["energy"]["pj_per_mac"];
  if (report.contains("coverage")) row["accel_mac_fraction"] = report["coverage"]["accel_mac_fraction"];
  if (report.contains("records_applied")) row["records_applied"] = report["records_applied"];
  return row;
}

StatusOr<const graph::Graph *> PointRunner::int8Graph(const SweepModel &model) {
  auto it = graphs_.find(model.name);
  if (it == graphs_.end()) {
    TS_ASSIGN_OR_RETURN(graph::Graph graph, driver::readGraphFile(int8ModelPath(dir_, model)));
    it = graphs_.emplace(model.name, std::move(graph)).first;
  }
  return &it->second;
}

StatusOr<accel::LoweringOptions> PointRunner::loweringFor(const isa::HardwareConfig &config) {
  accel::LoweringOptions lowering;
  if (!plan_.mappingsPath.empty()) {
    TS_ASSIGN_OR_RETURN(std::string text, readTextFile(plan_.mappingsPath));
    auto mappings = accel::parseLayerMappings(text);
    if (!mappings.ok()) return annotate(mappings.status(), plan_.mappingsPath);
    lowering.mappings = *mappings;
  }
  if (plan_.recordsPath.empty()) return lowering;
  if (!records_) {
    TS_ASSIGN_OR_RETURN(records_, tune::readRecords(plan_.recordsPath));
  }
  best_.emplace(tune::selectRecords(*records_, "accel", tune::configHashOf(config)), config);
  lowering.mappingOf = [this](const accel::AccelLayer &layer) { return best_->mappingFor(layer); };
  return lowering;
}

StatusOr<json> PointRunner::runModel(const SweepPoint &point, const SweepModel &model) {
  const isa::HardwareConfig &config = *point.config;
  TS_ASSIGN_OR_RETURN(const graph::Graph *graph, int8Graph(model));
  TS_ASSIGN_OR_RETURN(accel::LoweringOptions lowering, loweringFor(config));
  int64_t appliedBefore = best_ ? best_->applied() : 0;
  TS_ASSIGN_OR_RETURN(accel::CompiledModel compiled, accel::compileForAccelerator(*graph, config, lowering));
  json report;
  if (plan_.backend == "estimate") {
    report = estimateReport(compiled, config);
  } else {
    TS_ASSIGN_OR_RETURN(report, simulatedReport(compiled, config, plan_.backend, plan_.inputSeed));
  }
  TS_RETURN_IF_ERROR(runtime::addEnergyToReport(report, energy_, config));
  report["model"] = model.name;
  if (best_) report["records_applied"] = best_->applied() - appliedBefore;
  return report;
}

Status PointRunner::run(const SweepPoint &point) {
  auto start = std::chrono::steady_clock::now();
  std::string folder = pointDir(dir_, point);
  std::error_code error;
  fs::create_directories(folder, error);
  if (error) return invalidInput("cannot create '%s': %s", folder, error.message());
  json result = {{"point", point.name}, {"columns", point.columns}, {"backend", plan_.backend}};
  json rows = json::array();
  if (point.config) {
    result["config_hash"] = hashToHex(point.config->hash());
    result["area_mm2"] = isa::computeArea(energy_, *point.config)["total"];
  }
  for (const SweepModel &model : plan_.models) {
    if (!point.config) {
      rows.push_back(errorRow(model.name, point.error));
      continue;
    }
    StatusOr<json> report = runModel(point, model);
    if (!report.ok()) {
      rows.push_back(errorRow(model.name, std::string(report.status().message())));
      continue;
    }
    std::string reportPath = (fs::path(folder) / (model.name + ".json")).string();
    TS_RETURN_IF_ERROR(writeTextFileAtomically(reportPath, report->dump(2) + "\n"));
    rows.push_back(modelRow(model.name, *report));
  }
  result["models"] = rows;
  result["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return writeTextFileAtomically(pointResultPath(dir_, point), result.dump(2) + "\n");
}

Status writePointError(const SweepPlan &plan, const SweepPoint &point, const std::string &dir, const std::string &message) {
  std::error_code error;
  fs::create_directories(pointDir(dir, point), error);
  json rows = json::array();
  for (const SweepModel &model : plan.models) rows.push_back(errorRow(model.name, message));
  json result = {{"point", point.name}, {"columns", point.columns}, {"backend", plan.backend}, {"models", rows}};
  return writeTextFileAtomically(pointResultPath(dir, point), result.dump(2) + "\n");
}

} // namespace tessera::sweep
