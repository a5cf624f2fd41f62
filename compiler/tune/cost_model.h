//===- cost_model.h - How a tuner prices mappings: analytical, measure, xgb -----------===//
//
// One interface, three models:
//
//   analytical  the compiler's cost model (estimateCycles): instant, approximate;
//   measure     the layer alone on the SystemC model (measure.h), in up to -j worker
//               processes: slow, cycle-exact;
//   xgb         measures like `measure`, and also ranks candidates not yet measured
//               with an XGBoost model (xgb_model.h) retrained on every measurement of
//               the run (and the records it resumed from), so the search measures the
//               mappings it predicts fastest.
//
// costs() is what gets recorded; scores() (higher is better) guides the search when the
// model can predict, and learn() gives it every cost known so far.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/tune/workload.h"

namespace tessera::tune {

/// A mapping of a workload to price.
struct Candidate {
  const Workload *workload;
  accel::Mapping mapping;
};

/// A cost known for one mapping of one workload.
struct Trial {
  const Workload *workload;
  accel::Mapping mapping;
  double cost;
};

class CostModel {
public:
  virtual ~CostModel() = default;
  /// The name records carry as `cost_model`.
  virtual const char *name() const = 0;
  /// Whether costs are measured cycles (records of measuring models are interchangeable).
  virtual bool measures() const = 0;
  /// The cost of each candidate, in order (of any workloads: a round's batches are
  /// priced together, so -j workers stay busy).
  virtual std::vector<StatusOr<double>> costs(const std::vector<Candidate> &candidates) = 0;
  /// Predicted scores of unmeasured mappings (higher is better), or nothing when the
  /// model cannot predict (yet): the search then samples at random.
  virtual StatusOr<std::optional<std::vector<float>>> scores(const Workload &workload,
                                                             const std::vector<accel::Mapping> &mappings) {
    (void)workload, (void)mappings;
    return std::optional<std::vector<float>>();
  }
  /// Learns from every cost known so far.
  virtual Status learn(const std::vector<Trial> &trials) {
    (void)trials;
    return absl::OkStatus();
  }
};

/// The names --cost-model accepts.
inline constexpr const char *kCostModelNames = "analytical|measure|xgb";

/// The cost model called `name` for `config`; measurements use up to `jobs` workers;
/// `seed` seeds the learned model.
StatusOr<std::unique_ptr<CostModel>> makeCostModel(const std::string &name, const isa::HardwareConfig &config, int jobs,
                                                   uint64_t seed);

} // namespace tessera::tune
