//===- xgb_model.cpp - XGBoost's C API behind a small ranker ----------------------------===//
#include "compiler/tune/xgb_model.h"

#include <cmath>
#include <memory>

#include <xgboost/c_api.h>

namespace tessera::tune {
namespace {

Status xgbError(const char *what) { return invalidInput("xgboost: %s: %s", what, XGBGetLastError()); }

#define TS_XGB(call, what) \
  if ((call) != 0) return xgbError(what)

struct MatrixDeleter {
  void operator()(void *m) const { XGDMatrixFree(m); }
};
using Matrix = std::unique_ptr<void, MatrixDeleter>;

StatusOr<Matrix> makeMatrix(const std::vector<std::vector<float>> &rows) {
  if (rows.empty()) return invalidInput("xgboost: no rows");
  size_t columns = rows[0].size();
  std::vector<float> flat;
  flat.reserve(rows.size() * columns);
  for (const std::vector<float> &row : rows) {
    if (row.size() != columns) return invalidInput("xgboost: rows of %d and %d features", columns, row.size());
    flat.insert(flat.end(), row.begin(), row.end());
  }
  DMatrixHandle handle = nullptr;
  TS_XGB(XGDMatrixCreateFromMat(flat.data(), bst_ulong(rows.size()), bst_ulong(columns), NAN, &handle), "matrix");
  return Matrix(handle);
}

Status setLabels(DMatrixHandle matrix, const RankingData &data) {
  std::vector<float> labels;
  for (double cost : data.costs) labels.push_back(float(-std::log2(1 + cost)));
  TS_XGB(XGDMatrixSetFloatInfo(matrix, "label", labels.data(), bst_ulong(labels.size())), "labels");
  TS_XGB(XGDMatrixSetUIntInfo(matrix, "group", data.groups.data(), bst_ulong(data.groups.size())), "groups");
  return absl::OkStatus();
}

Status setParams(BoosterHandle booster, const XgbOptions &options) {
  const std::pair<const char *, std::string> params[] = {
      {"objective", "rank:pairwise"},          {"eval_metric", "ndcg"},
      {"max_depth", strCat(options.maxDepth)}, {"eta", absl::StrFormat("%g", options.eta)},
      {"seed", strCat(options.seed)},          {"nthread", "1"},
      {"tree_method", "exact"},                {"verbosity", "0"},
  };
  for (const auto &[key, value] : params) TS_XGB(XGBoosterSetParam(booster, key, value.c_str()), key);
  return absl::OkStatus();
}

} // namespace

StatusOr<XgbRanker> XgbRanker::train(const RankingData &data, const XgbOptions &options) {
  if (data.costs.size() != data.rows.size()) return invalidInput("xgboost: %d rows but %d costs", data.rows.size(), data.costs.size());
  TS_ASSIGN_OR_RETURN(Matrix matrix, makeMatrix(data.rows));
  TS_RETURN_IF_ERROR(setLabels(matrix.get(), data));
  DMatrixHandle matrices[] = {matrix.get()};
  BoosterHandle booster = nullptr;
  TS_XGB(XGBoosterCreate(matrices, 1, &booster), "booster");
  XgbRanker ranker(booster);
  TS_RETURN_IF_ERROR(setParams(booster, options));
  for (int round = 0; round < options.rounds; ++round) TS_XGB(XGBoosterUpdateOneIter(booster, round, matrix.get()), "training");
  return ranker;
}

StatusOr<std::vector<float>> XgbRanker::predict(const std::vector<std::vector<float>> &rows) const {
  TS_ASSIGN_OR_RETURN(Matrix matrix, makeMatrix(rows));
  bst_ulong length = 0;
  const float *scores = nullptr;
  TS_XGB(XGBoosterPredict(booster_, matrix.get(), 0, 0, 0, &length, &scores), "prediction");
  return std::vector<float>(scores, scores + length);
}

XgbRanker &XgbRanker::operator=(XgbRanker &&other) noexcept {
  if (this != &other) {
    if (booster_) XGBoosterFree(booster_);
    booster_ = other.booster_;
    other.booster_ = nullptr;
  }
  return *this;
}

XgbRanker::~XgbRanker() {
  if (booster_) XGBoosterFree(booster_);
}

double kendallTau(const std::vector<double> &a, const std::vector<double> &b) {
  int64_t concordant = 0, discordant = 0;
  for (size_t i = 0; i < a.size(); ++i)
    for (size_t j = i + 1; j < a.size(); ++j) {
      double s = (a[i] - a[j]) * (b[i] - b[j]);
      concordant += s > 0, discordant += s < 0;
    }
  int64_t pairs = int64_t(a.size()) * (int64_t(a.size()) - 1) / 2;
  return pairs ? double(concordant - discordant) / double(pairs) : 0.0;
}

} // namespace tessera::tune
