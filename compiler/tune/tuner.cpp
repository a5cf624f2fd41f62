//===- tuner.cpp - Budgets, batches round the workloads, records, results --------------===//
#include "compiler/tune/tuner.h"

#include <algorithm>
#include <filesystem>
#include <map>

#include "compiler/tune/cost_model.h"
#include "compiler/tune/search.h"
#include "support/version.h"

namespace tessera::tune {
namespace {

/// The trials of each workload: shares of `trials` in proportion to the analytical
/// cycles (every layer of the workload), at most what its space has unpriced, whatever
/// the capped ones leave going to the others (a few passes settle it).
std::vector<int64_t> allocateTrials(int64_t trials, const std::vector<Workload> &workloads,
                                    const std::vector<WorkloadSearch> &searches) {
  size_t n = workloads.size();
  std::vector<int64_t> budget(n, 0), room(n);
  for (size_t i = 0; i < n; ++i) room[i] = int64_t(searches[i].unpriced());
  int64_t left = trials;
  for (int pass = 0; pass < 8 && left > 0; ++pass) {
    double weight = 0;
    for (size_t i = 0; i < n; ++i)
      if (budget[i] < room[i]) weight += std::max(1.0, workloads[i].estimatedCycles * double(workloads[i].layers.size()));
    if (weight == 0) break;
    int64_t handed = 0;
    for (size_t i = 0; i < n; ++i) {
      if (budget[i] >= room[i]) continue;
      double share = std::max(1.0, workloads[i].estimatedCycles * double(workloads[i].layers.size())) / weight;
      int64_t add = std::min(room[i] - budget[i], std::max<int64_t>(1, int64_t(double(left) * share)));
      add = std::min(add, left - handed);
      budget[i] += add, handed += add;
    }
    left -= handed;
    if (handed == 0) break;
  }
  return budget;
}

/// Whether a record's cost is of the kind `model` produces (measured records of the
/// measure and xgb runs are interchangeable; analytical ones only among themselves).
bool sameKindOfCost(const TuneRecord &record, const CostModel &model) {
  bool measured = record.costModel == "measure" || record.costModel == "xgb";
  return model.measures() ? measured : record.costModel == "analytical";
}

class Tuner {
public:
  Tuner(const accel::CompiledModel &model, const isa::HardwareConfig &config, const TuneOptions &options)
      : model_(model), config_(config), options_(options), workloads_(workloadsOf(model)), best_(workloads_.size()) {}

  StatusOr<TuneResult> run() {
    TS_ASSIGN_OR_RETURN(costModel_, makeCostModel(options_.costModel, config_, options_.jobs, options_.seed));
    for (size_t i = 0; i < workloads_.size(); ++i) {
      StatusOr<WorkloadSearch> search = WorkloadSearch::create(workloads_[i], config_, options_.seed + i);
      if (!search.ok()) return annotate(search.status(), strCat("layer '", workloads_[i].layers[0], "'"));
      searches_.push_back(std::move(*search));
    }
    TS_RETURN_IF_ERROR(openRecords());
    TS_RETURN_IF_ERROR(costModel_->learn(trials_));
    TS_RETURN_IF_ERROR(priceFirsts());
    budget_ = allocateTrials(std::max<int64_t>(0, options_.trials - spent_), workloads_, searches_);
    TS_RETURN_IF_ERROR(searchRounds());
    return result();
  }

private:
  /// Reads the records file when resuming (its applicable records become known costs),
  /// then opens it for appending.
  Status openRecords() {
    const std::string &path = options_.recordsPath;
    if (path.empty()) return absl::OkStatus();
    if (std::filesystem::exists(path)) {
      if (!options_.resume)
        return invalidInput("records file '%s' exists: pass --resume to continue it, or remove it", path);
      TS_ASSIGN_OR_RETURN(std::vector<TuneRecord> records, readRecords(path));
      records_ = selectRecords(std::move(records), "accel", configHashOf(config_));
      TS_RETURN_IF_ERROR(resumeFrom(records_.records));
    }
    TS_ASSIGN_OR_RETURN(RecordWriter writer, RecordWriter::open(path));
    writer_.emplace(std::move(writer));
    return absl::OkStatus();
  }

  Status resumeFrom(const std::vector<TuneRecord> &records) {
    std::map<std::string, size_t> index;
    for (size_t i = 0; i < workloads_.size(); ++i) index[workloads_[i].key] = i;
    for (const TuneRecord &record : records) {
      auto found = index.find(record.workload);
      if (found == index.end() || !sameKindOfCost(record, *costModel_)) continue;
      StatusOr<accel::Mapping> mapping = accel::parseMapping(record.mapping);
      const Workload &workload = workloads_[found->second];
      if (!mapping.ok() || !accel::checkMapping(workload.layer, *mapping, config_).ok()) continue;
      WorkloadSearch &search = searches_[found->second];
      if (search.isPriced(*mapping)) continue;
      search.markPriced(*mapping);
      trials_.push_back(Trial{&workload, *mapping, record.cost});
      noteBest(trials_.back());
      ++resumed_;
    }
    return absl::OkStatus();
  }

  /// Prices candidates of any workloads in chunks of a few per worker (so -j workers
  /// stay busy across workloads), recording each cost and reporting after each chunk.
  Status price(const std::vector<Candidate> &candidates) {
    size_t chunk = size_t(std::max(8, 4 * options_.jobs));
    for (size_t begin = 0; begin < candidates.size(); begin += chunk) {
      std::vector<Candidate> part(candidates.begin() + begin,
                                  candidates.begin() + std::min(candidates.size(), begin + chunk));
      std::vector<StatusOr<double>> costs = costModel_->costs(part);
      for (size_t k = 0; k < part.size(); ++k) TS_RETURN_IF_ERROR(addTrial(part[k], costs[k]));
      if (options_.onBatch) options_.onBatch(spent_, std::max(options_.trials, spent_), bestTotal(), untunedTotal());
    }
    return absl::OkStatus();
  }

  Status addTrial(const Candidate &candidate, const StatusOr<double> &cost) {
    const Workload &workload = *candidate.workload;
    if (!cost.ok())
      return invalidInput("layer '%s', mapping '%s': %s", workload.layers[0], accel::printMapping(candidate.mapping),
                          cost.status().message());
    searches_[indexOf(workload)].markPriced(candidate.mapping);
    trials_.push_back(Trial{&workload, candidate.mapping, *cost});
    noteBest(trials_.back());
    ++spent_;
    curve_.emplace_back(spent_, bestTotal());
    return record(workload, candidate.mapping, *cost);
  }

  void noteBest(const Trial &trial) {
    std::optional<double> &best = best_[indexOf(*trial.workload)];
    best = best ? std::min(*best, trial.cost) : trial.cost;
  }

  size_t indexOf(const Workload &workload) const { return size_t(&workload - workloads_.data()); }

  Status record(const Workload &workload, const accel::Mapping &mapping, double cost) {
    if (!writer_) return absl::OkStatus();
    TuneRecord r{kRecordVersion, workload.key, "accel", configHashOf(config_), accel::printMapping(mapping), cost,
                 costModel_->name(), kVersion, utcNow()};
    return writer_->write(r);
  }

  /// The analytical choices of every workload, before any search (the baseline, and
  /// the guarantee that tuning never loses): priced even past the trials.
  Status priceFirsts() {
    std::vector<Candidate> candidates;
    for (size_t i = 0; i < workloads_.size(); ++i)
      for (accel::Mapping &mapping : searches_[i].unpricedFirsts()) candidates.push_back({&workloads_[i], mapping});
    TS_RETURN_IF_ERROR(price(candidates));
    return costModel_->learn(trials_);
  }

  /// Rounds of one batch per workload, priced together, until every budget is spent or
  /// every space priced; the model retrains after each round (on every workload's costs).
  Status searchRounds() {
    size_t batchSize = size_t(std::max(8, 2 * options_.jobs));
    for (;;) {
      std::vector<Candidate> round;
      for (size_t i = 0; i < workloads_.size(); ++i) {
        if (budget_[i] <= 0) continue;
        size_t count = std::min(batchSize, size_t(budget_[i]));
        TS_ASSIGN_OR_RETURN(std::vector<accel::Mapping> batch, searches_[i].nextBatch(count, size_t(budget_[i]), *costModel_));
        budget_[i] = batch.empty() ? 0 : budget_[i] - int64_t(batch.size());
        for (accel::Mapping &mapping : batch) round.push_back({&workloads_[i], std::move(mapping)});
      }
      if (round.empty()) return absl::OkStatus();
      TS_RETURN_IF_ERROR(price(round));
      TS_RETURN_IF_ERROR(costModel_->learn(trials_));
    }
  }

  /// The known cost of `mapping` of workload `w`, or of its best mapping.
  std::optional<double> costOf(const Workload *w, const accel::Mapping *mapping) const {
    if (!mapping) return best_[indexOf(*w)];
    std::optional<double> cost;
    for (const Trial &trial : trials_)
      if (trial.workload == w && (!mapping || trial.mapping == *mapping))
        cost = cost ? std::min(*cost, trial.cost) : trial.cost;
    return cost;
  }

  double total(bool tuned) const {
    double sum = 0;
    for (const Workload &w : workloads_) {
      std::optional<double> cost = costOf(&w, tuned ? nullptr : &w.untuned);
      sum += cost.value_or(w.estimatedCycles) * double(w.layers.size());
    }
    return sum;
  }
  double bestTotal() const { return total(/*tuned=*/true); }
  double untunedTotal() const { return total(/*tuned=*/false); }

  std::string bestMapping(const Workload &w) const {
    const Trial *best = nullptr;
    for (const Trial &trial : trials_)
      if (trial.workload == &w && (!best || trial.cost < best->cost)) best = &trial;
    return best ? accel::printMapping(best->mapping) : accel::printMapping(w.untuned);
  }

  TuneResult result() const {
    TuneResult r;
    r.costModel = costModel_->name();
    r.workloads = int64_t(workloads_.size()), r.trials = spent_, r.resumed = resumed_;
    r.records = records_;
    r.curve = curve_;
    std::map<std::string, const Workload *> workloadOf;
    for (const Workload &w : workloads_)
      for (const std::string &name : w.layers) workloadOf[name] = &w;
    for (const accel::LayerSummary &layer : model_.layers) {
      const Workload *w = workloadOf.at(layer.name);
      const WorkloadSearch &search = searches_[size_t(w - workloads_.data())];
      r.layers.push_back(LayerResult{layer.name, layer.op, costOf(w, &w->untuned).value_or(w->estimatedCycles),
                                     costOf(w, nullptr).value_or(w->estimatedCycles), bestMapping(*w),
                                     int64_t(search.spaceSize()), int64_t(search.spaceSize() - search.unpriced())});
    }
    return r;
  }

  const accel::CompiledModel &model_;
  const isa::HardwareConfig &config_;
  const TuneOptions &options_;
  std::vector<Workload> workloads_;
  std::vector<WorkloadSearch> searches_;
  std::unique_ptr<CostModel> costModel_;
  std::vector<int64_t> budget_;
  std::vector<Trial> trials_;
  std::vector<std::optional<double>> best_; ///< the lowest known cost of each workload
  std::optional<RecordWriter> writer_;
  RecordSet records_;
  std::vector<std::pair<int64_t, double>> curve_;
  int64_t spent_ = 0, resumed_ = 0;
};

} // namespace

double TuneResult::untunedTotal() const {
  double sum = 0;
  for (const LayerResult &layer : layers) sum += layer.untuned;
  return sum;
}

double TuneResult::tunedTotal() const {
  double sum = 0;
  for (const LayerResult &layer : layers) sum += layer.tuned;
  return sum;
}

std::string TuneResult::table() const {
  auto gain = [](double before, double after) { return before > 0 ? 100.0 * (before - after) / before : 0.0; };
  int width = 5;
  for (const LayerResult &l : layers) width = std::max(width, int(l.name.size()));
  auto row = [&](const std::string &name, const std::string &op, const std::string &space, const std::string &priced,
                 double untuned, double tuned) {
    return absl::StrFormat("%-*s  %-14s %8s %7s %10.0f -> %10.0f  %6.1f%%\n", width, name, op, space, priced, untuned,
                           tuned, gain(untuned, tuned));
  };
  std::string text = absl::StrFormat("%-*s  %-14s %8s %7s %10s    %10s  %7s\n", width, "layer", "op", "space", "priced",
                                     "untuned", "tuned", "gain");
  for (const LayerResult &l : layers)
    text += row(l.name, l.op, strCat(l.space), strCat(l.priced), l.untuned, l.tuned);
  return text + row("total", "", "", "", untunedTotal(), tunedTotal());
}

StatusOr<TuneResult> tuneModel(const accel::CompiledModel &model, const isa::HardwareConfig &config,
                               const TuneOptions &options) {
  if (options.trials < 0) return invalidInput("--trials must be >= 0, not %d", options.trials);
  if (options.jobs < 1) return invalidInput("-j must be >= 1, not %d", options.jobs);
  Tuner tuner(model, config, options);
  return tuner.run();
}

} // namespace tessera::tune
