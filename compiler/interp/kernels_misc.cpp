//===- kernels_misc.cpp - Einsum and the loss ops ------------------------------===//
#include <cmath>
#include <absl/strings/str_split.h>

#include <algorithm>
#include <map>

#include "compiler/interp/kernel_util.h"
#include "compiler/interp/kernels.h"

namespace tessera::interp {
namespace {

/// Replaces "..." in each term with as many fresh uppercase letters as the operand's
/// broadcast dimensions (right-aligned across operands).
StatusOr<std::vector<std::string>> expandEllipsis(const KernelContext &context, std::string equation,
                                                  std::string &output, bool &explicitOutput) {
  equation.erase(std::remove(equation.begin(), equation.end(), ' '), equation.end());
  size_t arrow = equation.find("->");
  explicitOutput = arrow != std::string::npos;
  std::string lhs = explicitOutput ? equation.substr(0, arrow) : equation;
  output = explicitOutput ? equation.substr(arrow + 2) : "";
  std::vector<std::string> terms = absl::StrSplit(lhs, ',');
  if (terms.size() != context.inputs.size()) return context.error("equation has %d operands, node has %d", terms.size(), context.inputs.size());
  size_t ellipsisRank = 0;
  for (size_t i = 0; i < terms.size(); ++i)
    if (terms[i].find("...") != std::string::npos)
      ellipsisRank = std::max(ellipsisRank, context.in(i).shape().size() - (terms[i].size() - 3));
  auto letters = [&](size_t count) { return std::string("ABCDEFGHIJKLMNOPQRSTUVWXYZ").substr(ellipsisRank - count, count); };
  for (size_t i = 0; i < terms.size(); ++i) {
    size_t pos = terms[i].find("...");
    if (pos != std::string::npos) terms[i].replace(pos, 3, letters(context.in(i).shape().size() - (terms[i].size() - 3)));
  }
  size_t pos = output.find("...");
  if (pos != std::string::npos) output.replace(pos, 3, letters(ellipsisRank));
  if (!explicitOutput) {
    std::map<char, int> counts;
    for (const std::string &term : terms)
      for (char c : term) ++counts[c];
    output = letters(ellipsisRank);
    for (const auto &[c, n] : counts)
      if (n == 1 && std::islower(static_cast<unsigned char>(c))) output += c;
  }
  return terms;
}

} // namespace

KernelResult kernelEinsum(const KernelContext &context) {
  for (size_t i = 0; i < context.inputs.size(); ++i) TS_RETURN_IF_ERROR(context.require(i + 1));
  std::string output;
  bool explicitOutput = false;
  TS_ASSIGN_OR_RETURN(std::vector<std::string> terms,
                      expandEllipsis(context, context.attrs().getString("equation", ""), output, explicitOutput));
  std::map<char, int64_t> extents;
  for (size_t i = 0; i < terms.size(); ++i) {
    if (terms[i].size() != context.in(i).shape().size()) return context.error("term '%s' does not match operand %d's rank", terms[i], i);
    for (size_t d = 0; d < terms[i].size(); ++d) {
      int64_t e = context.in(i).shape()[d];
      auto [it, inserted] = extents.insert({terms[i][d], e});
      if (!inserted && it->second != e) {
        if (it->second == 1) it->second = e;
        else if (e != 1) return context.error("label '%c' has extents %d and %d", terms[i][d], it->second, e);
      }
    }
  }
  std::string labels;
  for (const auto &[c, e] : extents) labels += c;
  Shape all, outShape;
  for (char c : labels) all.push_back(extents[c]);
  for (char c : output) outShape.push_back(extents[c]);
  std::vector<std::vector<double>> values;
  std::vector<std::vector<int64_t>> strides;
  for (size_t i = 0; i < terms.size(); ++i) {
    values.push_back(toDoubles(context.in(i)));
    std::vector<int64_t> s = stridesOf(context.in(i).shape()), perLabel(labels.size(), 0);
    for (size_t d = 0; d < terms[i].size(); ++d)
      if (context.in(i).shape()[d] != 1) perLabel[labels.find(terms[i][d])] += s[d];
    strides.push_back(perLabel);
  }
  std::vector<int64_t> outStrides(labels.size(), 0), os = stridesOf(outShape), index;
  for (size_t d = 0; d < output.size(); ++d) outStrides[labels.find(output[d])] = os[d];
  std::vector<double> out(shapeElementCount(outShape), 0);
  for (int64_t i = 0; i < shapeElementCount(all); ++i) {
    unravel(i, all, index);
    double product = 1;
    int64_t target = 0;
    for (size_t l = 0; l < labels.size(); ++l) target += index[l] * outStrides[l];
    for (size_t t = 0; t < terms.size(); ++t) {
      int64_t offset = 0;
      for (size_t l = 0; l < labels.size(); ++l) offset += index[l] * strides[t][l];
      product *= values[t][offset];
    }
    out[target] += product;
  }
  return std::vector<Tensor>{fromDoubles(context.in(0).dtype(), outShape, out)};
}

namespace {

/// NLL over log-probabilities (N, C, d...) and targets (N, d...).
StatusOr<Tensor> negativeLogLikelihood(const KernelContext &context, const Tensor &logProb, const Tensor &target,
                                       const Tensor *weight) {
  const Shape &shape = logProb.shape();
  if (shape.size() < 2) return context.error("input must have rank at least 2");
  int64_t n = shape[0], c = shape[1], inner = logProb.elementCount() / std::max<int64_t>(1, n * c);
  int64_t ignore = context.attrs().getInt("ignore_index", INT64_MIN);
  std::string reduction = context.attrs().getString("reduction", "mean");
  std::vector<double> lp = toDoubles(logProb), w = weight ? toDoubles(*weight) : std::vector<double>(c, 1.0);
  std::vector<int64_t> t = toInts(target);
  std::vector<double> loss(n * inner, 0);
  double weightSum = 0;
  for (int64_t b = 0; b < n; ++b)
    for (int64_t i = 0; i < inner; ++i) {
      int64_t label = t[b * inner + i];
      if (label == ignore) continue;
      if (label < 0 || label >= c) return context.error("target %d is out of range for %d classes", label, c);
      loss[b * inner + i] = -lp[(b * c + label) * inner + i] * w[label];
      weightSum += w[label];
    }
  if (reduction == "none") return fromDoubles(logProb.dtype(), target.shape(), loss);
  double sum = 0;
  for (double v : loss) sum += v;
  return fromDoubles(logProb.dtype(), {}, {reduction == "sum" ? sum : sum / weightSum});
}

} // namespace

KernelResult kernelNllLoss(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(2));
  TS_ASSIGN_OR_RETURN(Tensor loss, negativeLogLikelihood(context, context.in(0), context.in(1),
                                                         context.has(2) ? &context.in(2) : nullptr));
  return std::vector<Tensor>{loss};
}

KernelResult kernelSoftmaxCrossEntropyLoss(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(2));
  const Tensor &scores = context.in(0);
  Node softmax{"LogSoftmax", context.node.name, {"_"}, {"_"}, {}};
  softmax.attrs.set("axis", int64_t{1});
  TS_ASSIGN_OR_RETURN(std::vector<Tensor> logProb, kernelSoftmax(KernelContext{softmax, {&scores}}));
  TS_ASSIGN_OR_RETURN(Tensor loss, negativeLogLikelihood(context, logProb[0], context.in(1),
                                                         context.has(2) ? &context.in(2) : nullptr));
  return std::vector<Tensor>{loss, logProb[0]};
}

} // namespace tessera::interp
