//===- xgb_model_test.cpp - The XGBoost ranker: deterministic, and it ranks ------------===//
//
// A fixed synthetic dataset: groups of candidates with 6 features whose cost is a
// nonlinear function of them (plus a little noise). Trained on 6 groups, the ranker must
// order a held-out group well (Kendall's tau), and two trainings must predict the same.
//
//===----------------------------------------------------------------------===//
#include "compiler/tune/xgb_model.h"

#include <cmath>
#include <random>

#include <gtest/gtest.h>

namespace tessera::tune {
namespace {

/// A cost with interactions, like tile sizes against a buffer: a trade-off in f0 x f1,
/// a cliff when f2 + f3 overflows, f4 mildly, f5 not at all.
double syntheticCost(const std::vector<float> &f) {
  double work = 1000.0 / (1 + f[0]) + 800.0 / (1 + f[1]) + 5 * f[0] * f[1];
  double overflow = f[2] + f[3] > 12 ? 2000 : 0;
  return work + overflow + 30 * f[4];
}

RankingData makeGroups(int groups, int perGroup, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> value(1, 8);
  std::normal_distribution<double> noise(0, 10);
  RankingData data;
  for (int g = 0; g < groups; ++g) {
    for (int i = 0; i < perGroup; ++i) {
      std::vector<float> row;
      for (int k = 0; k < 6; ++k) row.push_back(float(value(rng)));
      data.costs.push_back(syntheticCost(row) + noise(rng));
      data.rows.push_back(std::move(row));
    }
    data.groups.push_back(unsigned(perGroup));
  }
  return data;
}

TEST(XgbRanker, DeterministicAndRanksHeldOutData) {
  RankingData train = makeGroups(6, 60, 1), test = makeGroups(1, 80, 2);
  auto first = XgbRanker::train(train, XgbOptions{.seed = 7});
  auto second = XgbRanker::train(train, XgbOptions{.seed = 7});
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(second.ok()) << second.status();
  auto a = first->predict(test.rows), b = second->predict(test.rows);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b) << "two trainings with one seed predict differently";
  // Higher score = faster: compare the scores with the negated costs.
  std::vector<double> scores(a->begin(), a->end()), negCosts;
  for (double cost : test.costs) negCosts.push_back(-cost);
  double tau = kendallTau(scores, negCosts);
  EXPECT_GT(tau, 0.6) << "the ranker orders held-out candidates poorly";
}

TEST(XgbRanker, KendallTau) {
  EXPECT_DOUBLE_EQ(kendallTau({1, 2, 3}, {10, 20, 30}), 1.0);
  EXPECT_DOUBLE_EQ(kendallTau({1, 2, 3}, {30, 20, 10}), -1.0);
}

TEST(XgbRanker, ErrorsAreStatuses) {
  RankingData empty;
  EXPECT_FALSE(XgbRanker::train(empty).ok());
  RankingData ragged{{{1, 2}, {1}}, {1, 2}, {2}};
  EXPECT_EQ(XgbRanker::train(ragged).status().message(), "xgboost: rows of 2 and 1 features");
}

} // namespace
} // namespace tessera::tune
