//===- search.h - Which mappings of one workload to price next ------------------------===//
//
// A workload's space is every legal mapping (legalMappings with ConvSplits::always:
// tiles, input-channel steps, column splits, weight buffering, input layout, virtual
// threads 1-4, window packing). The search hands out batches of mappings not priced yet:
//
//   1. the analytical choices first: the compiler's own mapping, then chooseMapping's
//      over the whole space, so a tuned layer is never worse than an untuned one;
//   2. exhaustive when what is left fits the budget left;
//   3. otherwise, when the cost model predicts (xgb): simulated annealing over the
//      unpriced mappings (in the space's order, where neighbours differ in one or two
//      tile sizes) on the model's scores, the batch being its best-scored visits plus
//      a quarter picked at random;
//   4. otherwise a seeded random sample.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <random>
#include <set>
#include <string>
#include <vector>

#include "compiler/tune/cost_model.h"

namespace tessera::tune {

class WorkloadSearch {
public:
  /// The search of `workload` over its full space for `config`; the error is
  /// legalMappings' when nothing fits.
  static StatusOr<WorkloadSearch> create(const Workload &workload, const isa::HardwareConfig &config, uint64_t seed);

  /// Marks a mapping as priced (measured now or read from the records).
  void markPriced(const accel::Mapping &mapping) { priced_.insert(accel::printMapping(mapping)); }
  bool isPriced(const accel::Mapping &mapping) const { return priced_.count(accel::printMapping(mapping)) > 0; }
  /// Mappings of the space not priced yet.
  size_t unpriced() const;
  size_t spaceSize() const { return space_.size(); }
  /// The analytical choices not priced yet.
  std::vector<accel::Mapping> unpricedFirsts() const;
  /// Up to `count` unpriced mappings to price next, given `budget` prices left for the
  /// workload in this run (count <= budget).
  StatusOr<std::vector<accel::Mapping>> nextBatch(size_t count, size_t budget, CostModel &model);

private:
  WorkloadSearch(const Workload &workload, std::vector<accel::Mapping> space, std::vector<accel::Mapping> firsts,
                 uint64_t seed)
      : workload_(&workload), space_(std::move(space)), firsts_(std::move(firsts)), rng_(seed) {}
  std::vector<accel::Mapping> unpricedMappings() const;
  std::vector<accel::Mapping> randomPick(std::vector<accel::Mapping> candidates, size_t count);
  std::vector<size_t> anneal(const std::vector<float> &scores, size_t count);

  const Workload *workload_;
  std::vector<accel::Mapping> space_;
  std::vector<accel::Mapping> firsts_; ///< the analytical choices, priced first
  std::set<std::string> priced_;
  std::mt19937_64 rng_;
};

} // namespace tessera::tune
