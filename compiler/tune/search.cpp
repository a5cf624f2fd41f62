//===- search.cpp - Analytical choices, exhaustive, annealing on scores, random --------===//
#include "compiler/tune/search.h"

#include <algorithm>
#include <cmath>

namespace tessera::tune {

WorkloadSearch::WorkloadSearch(const Workload &workload, std::vector<accel::Mapping> space,
                               std::vector<accel::Mapping> firsts, uint64_t seed)
    : workload_(&workload), space_(std::move(space)), priced_(space_.size(), false), unpriced_(space_.size()),
      firsts_(std::move(firsts)), rng_(seed) {
  for (size_t i = 0; i < space_.size(); ++i) indexOf_.emplace(accel::printMapping(space_[i]), i);
}

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

void WorkloadSearch::markPriced(const accel::Mapping &mapping) {
  std::string text = accel::printMapping(mapping);
  auto found = indexOf_.find(text);
  if (found == indexOf_.end()) {
    pricedOutside_.insert(std::move(text));
    return;
  }
  if (!priced_[found->second]) --unpriced_;
  priced_[found->second] = true;
}

bool WorkloadSearch::isPriced(const accel::Mapping &mapping) const {
  std::string text = accel::printMapping(mapping);
  auto found = indexOf_.find(text);
  return found == indexOf_.end() ? pricedOutside_.count(text) > 0 : bool(priced_[found->second]);
}

std::vector<accel::Mapping> WorkloadSearch::unpricedFirsts() const {
  std::vector<accel::Mapping> mappings;
  for (const accel::Mapping &mapping : firsts_)
    if (!isPriced(mapping)) mappings.push_back(mapping);
  return mappings;
}

std::vector<accel::Mapping> WorkloadSearch::mappingsAt(const std::vector<size_t> &indices) const {
  std::vector<accel::Mapping> mappings;
  for (size_t index : indices) mappings.push_back(space_[index]);
  return mappings;
}

std::vector<size_t> WorkloadSearch::firstUnpriced(size_t count) const {
  std::vector<size_t> indices;
  for (size_t i = 0; i < space_.size() && indices.size() < count; ++i)
    if (!priced_[i]) indices.push_back(i);
  return indices;
}

std::vector<size_t> WorkloadSearch::sampleUnpriced(size_t count, const std::set<size_t> &exclude) {
  size_t available = unpriced_ > exclude.size() ? unpriced_ - exclude.size() : 0;
  count = std::min(count, available);
  if (count == 0) return {};
  if (4 * count >= available) { // few left: shuffle them all
    std::vector<size_t> all;
    for (size_t i = 0; i < space_.size(); ++i)
      if (!priced_[i] && !exclude.count(i)) all.push_back(i);
    std::shuffle(all.begin(), all.end(), rng_);
    all.resize(count);
    return all;
  }
  std::set<size_t> picked; // most of the space is unpriced: draw until enough
  std::uniform_int_distribution<size_t> anywhere(0, space_.size() - 1);
  std::vector<size_t> indices;
  while (indices.size() < count) {
    size_t i = anywhere(rng_);
    if (!priced_[i] && !exclude.count(i) && picked.insert(i).second) indices.push_back(i);
  }
  return indices;
}

/// Simulated annealing over positions of `scores` (neighbours: a step of 1 up to about
/// an eighth of the list, either way) maximizing the score; returns the `count`
/// best-scored distinct positions it visited. Chains start at the best-scored position
/// and at random ones; the temperature falls linearly from half the scores' spread.
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
      size_t jump = 1 + stride(rng_) % n;
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
  std::vector<accel::Mapping> firsts = unpricedFirsts();
  if (!firsts.empty()) {
    firsts.resize(std::min(count, firsts.size()));
    return firsts;
  }
  if (unpriced_ <= budget) return mappingsAt(firstUnpriced(count));
  std::vector<size_t> pool = sampleUnpriced(kScoredPool);
  std::sort(pool.begin(), pool.end()); // the space's order: neighbours are alike
  TS_ASSIGN_OR_RETURN(std::optional<std::vector<float>> scores, model.scores(*workload_, mappingsAt(pool)));
  if (!scores) return mappingsAt(sampleUnpriced(count));
  size_t randoms = std::max<size_t>(1, count / 4), guided = count > randoms ? count - randoms : 0;
  std::set<size_t> chosen;
  for (size_t position : anneal(*scores, guided)) chosen.insert(pool[position]);
  std::vector<size_t> batch(chosen.begin(), chosen.end());
  for (size_t index : sampleUnpriced(count - batch.size(), chosen)) batch.push_back(index);
  return mappingsAt(batch);
}

} // namespace tessera::tune
