//===- tune_ranking.cpp - How well the analytical and learned models rank mappings -----===//
//
//   tune_ranking MODEL CONFIG RECORDS [CALIBRATE]
//
// Reads the measured records (`tessera tune --cost-model measure|xgb --records`) of one
// model on one config and, per workload with at least 5 measured mappings, Kendall's tau
// between the measured cycles and
//   analytical  estimateCycles of each mapping;
//   xgb         the XGBoost ranker's scores, trained on the other half of the workloads
//               (two folds by workload: a model never ranks mappings it was trained on).
// Prints the mean tau over workloads for each, and how many mappings each covers
// (docs/tuning.md, "Ranking quality").
//
//===----------------------------------------------------------------------===//
#include <cstdio>
#include <map>

#include "compiler/driver/driver.h"
#include "compiler/tune/features.h"
#include "compiler/tune/records.h"
#include "compiler/tune/workload.h"
#include "compiler/tune/xgb_model.h"

using namespace tessera;

namespace {

struct Measured {
  accel::AccelLayer layer;
  std::vector<accel::Mapping> mappings;
  std::vector<double> cycles;
};

StatusOr<std::map<std::string, Measured>> measuredWorkloads(const accel::CompiledModel &model,
                                                            const std::vector<tune::TuneRecord> &records) {
  std::map<std::string, accel::AccelLayer> layers;
  for (const accel::LayerSummary &summary : model.layers) layers.emplace(tune::workloadKey(summary.layer), summary.layer);
  std::map<std::string, Measured> out;
  std::map<std::string, std::map<std::string, bool>> seen;
  for (const tune::TuneRecord &record : records) {
    auto layer = layers.find(record.workload);
    if (record.costModel == "analytical" || layer == layers.end() || seen[record.workload][record.mapping]) continue;
    seen[record.workload][record.mapping] = true;
    TS_ASSIGN_OR_RETURN(accel::Mapping mapping, accel::parseMapping(record.mapping));
    Measured &m = out.try_emplace(record.workload, Measured{layer->second, {}, {}}).first->second;
    m.mappings.push_back(mapping);
    m.cycles.push_back(record.cost);
  }
  for (auto it = out.begin(); it != out.end();) it = it->second.cycles.size() < 5 ? out.erase(it) : std::next(it);
  return out;
}

tune::RankingData rankingData(const std::vector<const Measured *> &workloads, const isa::HardwareConfig &config) {
  tune::RankingData data;
  for (const Measured *m : workloads) {
    for (size_t i = 0; i < m->mappings.size(); ++i) {
      data.rows.push_back(tune::features(m->layer, m->mappings[i], config));
      data.costs.push_back(m->cycles[i]);
    }
    data.groups.push_back(unsigned(m->mappings.size()));
  }
  return data;
}

/// Mean tau of the xgb ranker over `test`, trained on `train`.
StatusOr<std::vector<double>> xgbTaus(const std::vector<const Measured *> &train, const std::vector<const Measured *> &test,
                                      const isa::HardwareConfig &config) {
  TS_ASSIGN_OR_RETURN(tune::XgbRanker ranker, tune::XgbRanker::train(rankingData(train, config)));
  std::vector<double> taus;
  for (const Measured *m : test) {
    std::vector<std::vector<float>> rows;
    for (const accel::Mapping &mapping : m->mappings) rows.push_back(tune::features(m->layer, mapping, config));
    TS_ASSIGN_OR_RETURN(std::vector<float> scores, ranker.predict(rows));
    std::vector<double> predictedCost;
    for (float s : scores) predictedCost.push_back(-double(s)); // higher score = faster
    taus.push_back(tune::kendallTau(predictedCost, m->cycles));
  }
  return taus;
}

double mean(const std::vector<double> &v) {
  double sum = 0;
  for (double x : v) sum += x;
  return v.empty() ? 0 : sum / double(v.size());
}

Status run(int argc, char **argv) {
  if (argc < 4) return invalidInput("usage: tune_ranking MODEL CONFIG RECORDS [CALIBRATE]");
  TS_ASSIGN_OR_RETURN(isa::HardwareConfig config, isa::loadConfigFile(argv[2]));
  driver::CompileOptions options;
  options.target = "accel";
  options.accel.config = config;
  if (argc > 4) options.accel.calibrate = std::string(argv[4]);
  TS_ASSIGN_OR_RETURN(accel::CompiledModel model, driver::compileAccelModel(driver::ModelSource(argv[1]), options));
  TS_ASSIGN_OR_RETURN(std::vector<tune::TuneRecord> all, tune::readRecords(argv[3]));
  tune::RecordSet set = tune::selectRecords(std::move(all), "accel", tune::configHashOf(config));
  TS_ASSIGN_OR_RETURN(auto workloads, measuredWorkloads(model, set.records));
  std::vector<const Measured *> folds[2];
  std::vector<double> analytical;
  size_t mappings = 0, index = 0;
  for (const auto &[key, m] : workloads) {
    std::vector<double> estimates;
    for (const accel::Mapping &mapping : m.mappings) estimates.push_back(accel::estimateCycles(m.layer, mapping, config));
    analytical.push_back(tune::kendallTau(estimates, m.cycles));
    folds[index++ % 2].push_back(&m);
    mappings += m.mappings.size();
  }
  if (folds[1].empty()) return invalidInput("%s: fewer than two workloads with 5 measured mappings", argv[3]);
  TS_ASSIGN_OR_RETURN(std::vector<double> a, xgbTaus(folds[0], folds[1], config));
  TS_ASSIGN_OR_RETURN(std::vector<double> b, xgbTaus(folds[1], folds[0], config));
  a.insert(a.end(), b.begin(), b.end());
  std::printf("config %s: %zu workloads, %zu measured mappings\n", config.name.c_str(), workloads.size(), mappings);
  std::printf("kendall tau vs measure: analytical %.3f, xgb (2-fold by workload) %.3f\n", mean(analytical), mean(a));
  return absl::OkStatus();
}

} // namespace

int main(int argc, char **argv) {
  Status status = run(argc, argv);
  if (!status.ok()) {
    std::fprintf(stderr, "tune_ranking: %s\n", std::string(status.message()).c_str());
    return 1;
  }
  return 0;
}
