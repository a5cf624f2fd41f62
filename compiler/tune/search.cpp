//===- search.cpp - Analytical choices, exhaustive, annealing on scores, random --------===//
#include "compiler/tune/search.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace tessera::tune {

StatusOr<WorkloadSearch> WorkloadSearch::create(const Workload &workload, const isa::HardwareConfig &config,
                                                uint64_t seed) {
  accel::MappingSpace full;
  full.convSplits = accel::ConvSplits::always;
  TS_ASSIGN_OR_RETURN(std::vector<accel::Mapping> space, accel::legalMappings(workload.layer, config, full));
  std::vector<accel::Mapping> firsts = {workload.untuned};
  StatusOr<accel::Mapping> best = accel::chooseMapping(workload.layer, config, full);
  if (best.ok() && !(*best == workload.untuned)) firsts.push_back(*best);
  return WorkloadSearch(workload, std::move(space), std::move(firsts), seed);
}

size_t WorkloadSearch::unpriced() const {
  size_t count = 0;
  for (const accel::Mapping &mapping : space_) count += !isPriced(mapping);
  return count;
}

std::vector<accel::Mapping> WorkloadSearch::unpricedFirsts() const {
  std::vector<accel::Mapping> mappings;
  for (const accel::Mapping &mapping : firsts_)
    if (!isPriced(mapping)) mappings.push_back(mapping);
  return mappings;
}

std::vector<accel::Mapping> WorkloadSearch::unpricedMappings() const {
  std::vector<accel::Mapping> mappings;
  for (const accel::Mapping &mapping : space_)
    if (!isPriced(mapping)) mappings.push_back(mapping);
  return mappings;
}

std::vector<accel::Mapping> WorkloadSearch::randomPick(std::vector<accel::Mapping> candidates, size_t count) {
  std::shuffle(candidates.begin(), candidates.end(), rng_);
  candidates.resize(std::min(count, candidates.size()));
  return candidates;
}

/// Simulated annealing over candidate indices (neighbours: a step of 1 up to an eighth
/// of the list, either way) maximizing `scores`; returns the `count` best-scored
/// distinct indices it visited. Chains start at the best-scored index and at random ones.
std::vector<size_t> WorkloadSearch::anneal(const std::vector<float> &scores, size_t count) {
  size_t n = scores.size();
  auto [lo, hi] = std::minmax_element(scores.begin(), scores.end());
  double spread = std::max(1e-6, double(*hi - *lo));
  std::set<size_t> visited;
  std::uniform_int_distribution<size_t> anywhere(0, n - 1);
  std::uniform_real_distribution<double> unit(0, 1);
  std::geometric_distribution<size_t> stride(8.0 / double(std::max<size_t>(n, 8)));
  const int chains = 4, steps = int(std::min<size_t>(200, 4 * n));
  for (int chain = 0; chain < chains; ++chain) {
    size_t at = chain == 0 ? size_t(hi - scores.begin()) : anywhere(rng_);
    for (int step = 0; step < steps; ++step) {
      visited.insert(at);
      double temperature = spread * 0.5 * (1.0 - double(step) / steps) + 1e-9;
      size_t jump = 1 + stride(rng_);
      size_t next = unit(rng_) < 0.5 ? (at + jump) % n : (at + n - jump % n) % n;
      double gain = double(scores[next]) - double(scores[at]);
      if (gain >= 0 || unit(rng_) < std::exp(gain / temperature)) at = next;
    }
  }
  std::vector<size_t> best(visited.begin(), visited.end());
  std::stable_sort(best.begin(), best.end(), [&](size_t a, size_t b) { return scores[a] > scores[b]; });
  best.resize(std::min(count, best.size()));
  return best;
}

StatusOr<std::vector<accel::Mapping>> WorkloadSearch::nextBatch(size_t count, size_t budget, CostModel &model) {
  std::vector<accel::Mapping> batch = unpricedFirsts();
  if (!batch.empty()) {
    batch.resize(std::min(count, batch.size()));
    return batch;
  }
  std::vector<accel::Mapping> candidates = unpricedMappings();
  if (candidates.size() <= budget) {
    candidates.resize(std::min(count, candidates.size()));
    return candidates;
  }
  TS_ASSIGN_OR_RETURN(std::optional<std::vector<float>> scores, model.scores(*workload_, candidates));
  if (!scores) return randomPick(std::move(candidates), count);
  size_t randoms = std::max<size_t>(1, count / 4), guided = count > randoms ? count - randoms : 0;
  std::vector<bool> taken(candidates.size(), false);
  for (size_t index : anneal(*scores, guided)) {
    batch.push_back(candidates[index]);
    taken[index] = true;
  }
  std::vector<accel::Mapping> rest;
  for (size_t i = 0; i < candidates.size(); ++i)
    if (!taken[i]) rest.push_back(candidates[i]);
  for (accel::Mapping &mapping : randomPick(std::move(rest), count - batch.size())) batch.push_back(std::move(mapping));
  return batch;
}

} // namespace tessera::tune
