//===- search.h - Which mappings of one workload to price next ------------------------===//
//
// A workload's space is every legal mapping (legalMappings with ConvSplits::always:
// tiles, input-channel steps, column splits, weight buffering, input layout, virtual
// threads 1-4, window packing). The search hands out batches of mappings not priced yet:
//
//   1. the analytical choices first: the compiler's own mapping, then chooseMapping's
//      over the whole space, so a tuned layer is never worse than an untuned one;
//   2. exhaustive when what is left fits the budget left;
//   3. otherwise, when the cost model predicts (xgb): simulated annealing on the
//      model's scores over a sample of the unpriced mappings kept in the space's order
//      (where neighbours differ in one or two tile sizes), the batch being its
//      best-scored visits plus a quarter picked at random;
//   4. otherwise a seeded random sample.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <random>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "compiler/tune/cost_model.h"

namespace tessera::tune {

class WorkloadSearch {
public:
  /// The search of `workload` over its full space for `config`; the error is
  /// legalMappings' when nothing fits.
  static StatusOr<WorkloadSearch> create(const Workload &workload, const isa::HardwareConfig &config, uint64_t seed);

  /// Marks a mapping as priced (measured now or read from the records).
  void markPriced(const accel::Mapping &mapping);
  bool isPriced(const accel::Mapping &mapping) const;
  /// Mappings of the space not priced yet.
  size_t unpriced() const { return unpriced_; }
  size_t spaceSize() const { return space_.size(); }
  /// The analytical choices not priced yet.
  std::vector<accel::Mapping> unpricedFirsts() const;
  /// Up to `count` unpriced mappings to price next, given `budget` prices left for the
  /// workload in this run (count <= budget).
  StatusOr<std::vector<accel::Mapping>> nextBatch(size_t count, size_t budget, CostModel &model);

  /// At most this many unpriced mappings (a random sample, in space order) are scored
  /// by the model per batch: spaces reach hundreds of thousands of mappings.
  static constexpr size_t kScoredPool = 2048;

private:
  WorkloadSearch(const Workload &workload, std::vector<accel::Mapping> space, std::vector<accel::Mapping> firsts,
                 uint64_t seed);
  /// Up to `count` distinct unpriced indices at random (all of them, shuffled, when few),
  /// leaving out those in `exclude`.
  std::vector<size_t> sampleUnpriced(size_t count, const std::set<size_t> &exclude = {});
  std::vector<size_t> firstUnpriced(size_t count) const;
  std::vector<size_t> anneal(const std::vector<float> &scores, size_t count);
  std::vector<accel::Mapping> mappingsAt(const std::vector<size_t> &indices) const;

  const Workload *workload_;
  std::vector<accel::Mapping> space_;
  std::unordered_map<std::string, size_t> indexOf_; ///< by mapping text
  std::vector<bool> priced_;                         ///< by space index
  std::set<std::string> pricedOutside_;              ///< priced mappings not in the space
  size_t unpriced_;
  std::vector<accel::Mapping> firsts_; ///< the analytical choices, priced first
  std::mt19937_64 rng_;
};

} // namespace tessera::tune
