//===- cost_model.cpp - The analytical, measured and learned cost models ---------------===//
#include "compiler/tune/cost_model.h"

#include "compiler/tune/features.h"
#include "compiler/tune/workers.h"
#include "compiler/tune/xgb_model.h"

namespace tessera::tune {
namespace {

class AnalyticalModel final : public CostModel {
public:
  explicit AnalyticalModel(const isa::HardwareConfig &config) : config_(config) {}
  const char *name() const override { return "analytical"; }
  bool measures() const override { return false; }
  std::vector<StatusOr<double>> costs(const std::vector<Candidate> &candidates) override {
    std::vector<StatusOr<double>> costs;
    for (const Candidate &c : candidates) costs.push_back(accel::estimateCycles(c.workload->layer, c.mapping, config_));
    return costs;
  }

private:
  isa::HardwareConfig config_;
};

class MeasuredModel : public CostModel {
public:
  MeasuredModel(const isa::HardwareConfig &config, int jobs) : config_(config), jobs_(jobs) {}
  const char *name() const override { return "measure"; }
  bool measures() const override { return true; }
  std::vector<StatusOr<double>> costs(const std::vector<Candidate> &candidates) override {
    std::vector<MeasureJob> jobs;
    for (const Candidate &c : candidates) jobs.push_back(MeasureJob{&c.workload->layer, c.mapping});
    return measureInWorkers(jobs, config_, jobs_);
  }

protected:
  isa::HardwareConfig config_;
  int jobs_;
};

/// Measures, and ranks with XGBoost trained on every measurement so far.
class XgbModel final : public MeasuredModel {
public:
  XgbModel(const isa::HardwareConfig &config, int jobs, uint64_t seed) : MeasuredModel(config, jobs), seed_(seed) {}
  const char *name() const override { return "xgb"; }

  StatusOr<std::optional<std::vector<float>>> scores(const Workload &workload,
                                                     const std::vector<accel::Mapping> &mappings) override {
    if (!ranker_ || mappings.empty()) return std::optional<std::vector<float>>();
    std::vector<std::vector<float>> rows;
    for (const accel::Mapping &mapping : mappings) rows.push_back(features(workload.layer, mapping, config_));
    TS_ASSIGN_OR_RETURN(std::vector<float> scores, ranker_->predict(rows));
    return std::optional<std::vector<float>>(std::move(scores));
  }

  /// Retrains from scratch on `trials`, one query group per workload (groups of one
  /// mapping teach a ranking nothing and are left out).
  Status learn(const std::vector<Trial> &trials) override {
    std::map<const Workload *, std::vector<const Trial *>> byWorkload;
    for (const Trial &trial : trials) byWorkload[trial.workload].push_back(&trial);
    RankingData data;
    for (const auto &[workload, group] : byWorkload) {
      if (group.size() < 2) continue;
      for (const Trial *trial : group) {
        data.rows.push_back(features(workload->layer, trial->mapping, config_));
        data.costs.push_back(trial->cost);
      }
      data.groups.push_back(unsigned(group.size()));
    }
    if (data.rows.size() < 4) return absl::OkStatus();
    TS_ASSIGN_OR_RETURN(XgbRanker ranker, XgbRanker::train(data, XgbOptions{.seed = seed_}));
    ranker_.emplace(std::move(ranker));
    return absl::OkStatus();
  }

private:
  uint64_t seed_;
  std::optional<XgbRanker> ranker_;
};

} // namespace

StatusOr<std::unique_ptr<CostModel>> makeCostModel(const std::string &name, const isa::HardwareConfig &config, int jobs,
                                                   uint64_t seed) {
  if (name == "analytical") return std::unique_ptr<CostModel>(new AnalyticalModel(config));
  if (name == "measure") return std::unique_ptr<CostModel>(new MeasuredModel(config, jobs));
  if (name == "xgb") return std::unique_ptr<CostModel>(new XgbModel(config, jobs, seed));
  return invalidInput("unknown cost model '%s' (%s)", name, kCostModelNames);
}

} // namespace tessera::tune
