//===- xgb_model.h - A learned ranking of mappings: XGBoost, objective rank:pairwise ---===//
//
// The learned cost model ranks candidates rather than predicting cycles: a search only
// needs to know which mappings to measure next. Training rows are feature vectors
// (features.h) grouped by workload (one query group each: only mappings of the same
// layer are compared); the label is -log2(cycles), so a faster mapping ranks higher.
// Training is deterministic: a fixed seed, one thread, the exact tree method.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <vector>

#include "support/status.h"

namespace tessera::tune {

struct XgbOptions {
  int rounds = 60;
  int maxDepth = 6;
  double eta = 0.2;
  uint64_t seed = 0;
};

/// Training data: rows of equal length; `groups` are sizes of consecutive query groups
/// summing to the number of rows.
struct RankingData {
  std::vector<std::vector<float>> rows;
  std::vector<double> costs; ///< cycles, one per row
  std::vector<unsigned> groups;
};

class XgbRanker {
public:
  /// Trains a booster; the error is XGBoost's message.
  static StatusOr<XgbRanker> train(const RankingData &data, const XgbOptions &options = {});
  /// Scores of `rows`: higher is predicted faster.
  StatusOr<std::vector<float>> predict(const std::vector<std::vector<float>> &rows) const;

  XgbRanker(XgbRanker &&other) noexcept : booster_(other.booster_) { other.booster_ = nullptr; }
  XgbRanker &operator=(XgbRanker &&other) noexcept;
  XgbRanker(const XgbRanker &) = delete;
  XgbRanker &operator=(const XgbRanker &) = delete;
  ~XgbRanker();

private:
  explicit XgbRanker(void *booster) : booster_(booster) {}
  void *booster_; ///< BoosterHandle
};

/// Kendall's tau-a between two sequences of one length (1: same order, -1: reversed).
double kendallTau(const std::vector<double> &a, const std::vector<double> &b);

} // namespace tessera::tune
