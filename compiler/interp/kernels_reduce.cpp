//===- kernels_reduce.cpp - Reductions, softmax and normalizations -------------===//
#include <cmath>
#include <limits>

#include "compiler/graph/dtype_dispatch.h"
#include "compiler/graph/infer_util.h"
#include "compiler/interp/kernel_util.h"
#include "compiler/interp/kernels.h"

namespace tessera::interp {
namespace {

/// Where each input element lands when `reduced` axes collapse to extent 1.
struct ReductionPlan {
  Shape keptShape; // reduced axes as 1
  std::vector<int64_t> target;
  int64_t groupSize = 1;
};

ReductionPlan planReduction(const Shape &shape, const std::vector<bool> &reduced) {
  ReductionPlan plan;
  plan.keptShape = shape;
  for (size_t d = 0; d < shape.size(); ++d)
    if (reduced[d]) {
      plan.keptShape[d] = 1;
      plan.groupSize *= shape[d];
    }
  plan.target = broadcastIndex(plan.keptShape, shape); // inverse view: out -> kept
  return plan;
}

StatusOr<std::vector<bool>> reducedAxes(const KernelContext &context, int64_t rank, bool &noop) {
  graph::Ints axes = context.attrs().getInts("axes");
  if (!context.attrs().has("axes") && context.has(1)) axes = toInts(context.in(1));
  noop = axes.empty() && context.attrs().getInt("noop_with_empty_axes", 0);
  std::vector<bool> reduced(rank, axes.empty());
  for (int64_t axis : axes) {
    auto a = graph::normalizeAxis(axis, rank);
    if (!a.ok()) return context.error("%s", a.status().message());
    reduced[*a] = true;
  }
  return reduced;
}

Shape finalShape(const Shape &keptShape, const std::vector<bool> &reduced, bool keep) {
  if (keep) return keptShape;
  Shape shape;
  for (size_t d = 0; d < keptShape.size(); ++d)
    if (!reduced[d]) shape.push_back(keptShape[d]);
  return shape;
}

} // namespace

KernelResult kernelReduce(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(1));
  const Tensor &x = context.in(0);
  const std::string &op = context.node.op;
  bool noop = false;
  TS_ASSIGN_OR_RETURN(std::vector<bool> reduced, reducedAxes(context, x.shape().size(), noop));
  if (noop) return std::vector<Tensor>{x};
  ReductionPlan plan = planReduction(x.shape(), reduced);
  int64_t outCount = shapeElementCount(plan.keptShape);
  double init = op == "ReduceMax" ? -INFINITY : op == "ReduceMin" ? INFINITY : op == "ReduceProd" ? 1 : 0;
  std::vector<double> acc(outCount, init), values = toDoubles(x);
  std::vector<double> peak(outCount, -INFINITY);
  if (op == "ReduceLogSumExp")
    for (size_t i = 0; i < values.size(); ++i) peak[plan.target[i]] = std::max(peak[plan.target[i]], values[i]);
  for (size_t i = 0; i < values.size(); ++i) {
    double v = values[i], &a = acc[plan.target[i]];
    if (op == "ReduceMax") a = std::max(a, v);
    else if (op == "ReduceMin") a = std::min(a, v);
    else if (op == "ReduceProd") a *= v;
    else if (op == "ReduceL1") a += std::fabs(v);
    else if (op == "ReduceL2" || op == "ReduceSumSquare") a += v * v;
    else if (op == "ReduceLogSumExp") a += std::exp(v - peak[plan.target[i]]);
    else a += v;
  }
  for (int64_t i = 0; i < outCount; ++i) {
    if (op == "ReduceMean") acc[i] /= static_cast<double>(plan.groupSize);
    else if (op == "ReduceL2") acc[i] = std::sqrt(acc[i]);
    else if (op == "ReduceLogSum") acc[i] = std::log(acc[i]);
    else if (op == "ReduceLogSumExp") acc[i] = std::log(acc[i]) + peak[i];
  }
  bool keep = context.attrs().getInt("keepdims", 1) != 0;
  return std::vector<Tensor>{fromDoubles(x.dtype(), finalShape(plan.keptShape, reduced, keep), acc)};
}

KernelResult kernelArgReduce(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(1));
  const Tensor &x = context.in(0);
  auto axis = graph::normalizeAxis(context.attrs().getInt("axis", 0), x.shape().size());
  if (!axis.ok()) return context.error("%s", axis.status().message());
  std::vector<bool> reduced(x.shape().size(), false);
  reduced[*axis] = true;
  ReductionPlan plan = planReduction(x.shape(), reduced);
  bool isMax = context.node.op == "ArgMax", last = context.attrs().getInt("select_last_index", 0);
  int64_t outCount = shapeElementCount(plan.keptShape), stride = stridesOf(x.shape())[*axis];
  std::vector<double> values = toDoubles(x), best(outCount, isMax ? -INFINITY : INFINITY);
  std::vector<int64_t> index(outCount, 0);
  std::vector<bool> seen(outCount, false);
  for (size_t i = 0; i < values.size(); ++i) {
    int64_t o = plan.target[i], position = (i / stride) % x.shape()[*axis];
    double v = values[i];
    bool better = isMax ? (v > best[o] || (last && v == best[o])) : (v < best[o] || (last && v == best[o]));
    if (!seen[o] || better) {
      best[o] = v;
      index[o] = position;
      seen[o] = true;
    }
  }
  bool keep = context.attrs().getInt("keepdims", 1) != 0;
  return std::vector<Tensor>{fromInts(DType::I64, finalShape(plan.keptShape, reduced, keep), index)};
}

KernelResult kernelSoftmax(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(1));
  const Tensor &x = context.in(0);
  int64_t rank = x.shape().size();
  bool legacy = context.attrs().getInt("coerce_2d", 0) != 0;
  auto axis = graph::normalizeAxis(context.attrs().getInt("axis", legacy ? 1 : -1), rank);
  if (!axis.ok()) return context.error("%s", axis.status().message());
  std::vector<bool> reduced(rank, false);
  for (int64_t d = *axis; d < (legacy ? rank : *axis + 1); ++d) reduced[d] = true;
  ReductionPlan plan = planReduction(x.shape(), reduced);
  int64_t outCount = shapeElementCount(plan.keptShape);
  std::vector<double> values = toDoubles(x), peak(outCount, -INFINITY), sum(outCount, 0);
  std::vector<int64_t> argmax(outCount, -1);
  for (size_t i = 0; i < values.size(); ++i)
    if (values[i] > peak[plan.target[i]] || argmax[plan.target[i]] < 0) {
      peak[plan.target[i]] = values[i];
      argmax[plan.target[i]] = i;
    }
  for (size_t i = 0; i < values.size(); ++i) sum[plan.target[i]] += std::exp(values[i] - peak[plan.target[i]]);
  const std::string &op = context.node.op;
  for (size_t i = 0; i < values.size(); ++i) {
    int64_t o = plan.target[i];
    if (op == "Hardmax") values[i] = argmax[o] == static_cast<int64_t>(i);
    else if (op == "LogSoftmax") values[i] = values[i] - peak[o] - std::log(sum[o]);
    else values[i] = std::exp(values[i] - peak[o]) / sum[o];
  }
  return std::vector<Tensor>{fromDoubles(x.dtype(), x.shape(), values)};
}

KernelResult kernelCumSum(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(2));
  const Tensor &x = context.in(0);
  auto axis = graph::normalizeAxis(toInts(context.in(1)).at(0), x.shape().size());
  if (!axis.ok()) return context.error("%s", axis.status().message());
  bool exclusive = context.attrs().getInt("exclusive", 0), reverse = context.attrs().getInt("reverse", 0);
  int64_t extent = x.shape()[*axis], stride = stridesOf(x.shape())[*axis];
  std::vector<double> values = toDoubles(x), out(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    int64_t position = (i / stride) % extent, base = i - position * stride;
    double sum = 0;
    for (int64_t k = 0; k < extent; ++k) {
      bool include = reverse ? (exclusive ? k > position : k >= position) : (exclusive ? k < position : k <= position);
      if (include) sum += values[base + k * stride];
    }
    out[i] = sum;
  }
  return std::vector<Tensor>{fromDoubles(x.dtype(), x.shape(), out)};
}

namespace {

/// Per-channel affine normalization y = (x - mean) / sqrt(var + eps) * scale + bias
/// over an NC... tensor, with statistics given per channel.
std::vector<double> normalizeChannels(const Tensor &x, const std::vector<double> &mean, const std::vector<double> &var,
                                      const std::vector<double> &scale, const std::vector<double> &bias, double epsilon) {
  std::vector<double> values = toDoubles(x);
  int64_t channels = x.shape().size() > 1 ? x.shape()[1] : 1;
  int64_t inner = channels == 0 ? 0 : x.elementCount() / (x.shape()[0] * channels);
  for (size_t i = 0; i < values.size(); ++i) {
    int64_t c = (i / inner) % channels;
    values[i] = (values[i] - mean[c]) / std::sqrt(var[c] + epsilon) * scale[c] + bias[c];
  }
  return values;
}

} // namespace

namespace {

/// Training mode: normalize with the batch statistics and update the running ones.
KernelResult batchNormTraining(const KernelContext &context) {
  const Tensor &x = context.in(0);
  int64_t n = x.shape()[0], c = x.shape()[1], inner = x.elementCount() / std::max<int64_t>(1, n * c);
  std::vector<double> values = toDoubles(x), mean(c, 0), var(c, 0);
  for (size_t i = 0; i < values.size(); ++i) mean[(i / inner) % c] += values[i] / (n * inner);
  for (size_t i = 0; i < values.size(); ++i) var[(i / inner) % c] += std::pow(values[i] - mean[(i / inner) % c], 2) / (n * inner);
  double momentum = context.attrs().getFloat("momentum", 0.9f);
  std::vector<double> runningMean = toDoubles(context.in(3)), runningVar = toDoubles(context.in(4));
  for (int64_t k = 0; k < c; ++k) {
    runningMean[k] = runningMean[k] * momentum + mean[k] * (1 - momentum);
    runningVar[k] = runningVar[k] * momentum + var[k] * (1 - momentum);
  }
  std::vector<double> y = normalizeChannels(x, mean, var, toDoubles(context.in(1)), toDoubles(context.in(2)),
                                            context.attrs().getFloat("epsilon", 1e-5f));
  return std::vector<Tensor>{fromDoubles(x.dtype(), x.shape(), y), fromDoubles(context.in(3).dtype(), context.in(3).shape(), runningMean),
                             fromDoubles(context.in(4).dtype(), context.in(4).shape(), runningVar)};
}

} // namespace

KernelResult kernelBatchNorm(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(5));
  if (context.attrs().getInt("training_mode", 0)) return batchNormTraining(context);
  const Tensor &x = context.in(0);
  std::vector<double> values =
      normalizeChannels(x, toDoubles(context.in(3)), toDoubles(context.in(4)), toDoubles(context.in(1)),
                        toDoubles(context.in(2)), context.attrs().getFloat("epsilon", 1e-5f));
  return std::vector<Tensor>{fromDoubles(x.dtype(), x.shape(), values), context.in(3), context.in(4)};
}

KernelResult kernelInstanceNorm(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(3));
  const Tensor &x = context.in(0);
  int64_t n = x.shape()[0], c = x.shape()[1], inner = x.elementCount() / std::max<int64_t>(1, n * c);
  std::vector<double> values = toDoubles(x), scale = toDoubles(context.in(1)), bias = toDoubles(context.in(2));
  double epsilon = context.attrs().getFloat("epsilon", 1e-5f);
  for (int64_t g = 0; g < n * c; ++g) {
    double mean = 0, var = 0;
    for (int64_t i = 0; i < inner; ++i) mean += values[g * inner + i];
    mean /= inner;
    for (int64_t i = 0; i < inner; ++i) var += std::pow(values[g * inner + i] - mean, 2);
    var /= inner;
    for (int64_t i = 0; i < inner; ++i)
      values[g * inner + i] = (values[g * inner + i] - mean) / std::sqrt(var + epsilon) * scale[g % c] + bias[g % c];
  }
  return std::vector<Tensor>{fromDoubles(x.dtype(), x.shape(), values)};
}

KernelResult kernelLayerNorm(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(2));
  const Tensor &x = context.in(0);
  int64_t rank = x.shape().size();
  auto axis = graph::normalizeAxis(context.attrs().getInt("axis", -1), rank);
  if (!axis.ok()) return context.error("%s", axis.status().message());
  Shape statShape = x.shape(), normShape(x.shape().begin() + *axis, x.shape().end());
  for (int64_t d = *axis; d < rank; ++d) statShape[d] = 1;
  int64_t inner = shapeElementCount(normShape), outer = shapeElementCount(statShape);
  std::vector<int64_t> scaleIndex = broadcastIndex(context.in(1).shape(), normShape);
  std::vector<double> values = toDoubles(x), scale = toDoubles(context.in(1));
  std::vector<double> bias = context.has(2) ? toDoubles(context.in(2)) : std::vector<double>{};
  std::vector<int64_t> biasIndex = context.has(2) ? broadcastIndex(context.in(2).shape(), normShape) : std::vector<int64_t>{};
  double epsilon = context.attrs().getFloat("epsilon", 1e-5f);
  std::vector<double> means(outer), invStd(outer);
  for (int64_t g = 0; g < outer; ++g) {
    double mean = 0, var = 0;
    for (int64_t i = 0; i < inner; ++i) mean += values[g * inner + i];
    mean /= inner;
    for (int64_t i = 0; i < inner; ++i) var += std::pow(values[g * inner + i] - mean, 2);
    var /= inner;
    means[g] = mean;
    invStd[g] = 1 / std::sqrt(var + epsilon);
    for (int64_t i = 0; i < inner; ++i) {
      double &v = values[g * inner + i];
      v = (v - mean) * invStd[g] * scale[scaleIndex[i]] + (bias.empty() ? 0 : bias[biasIndex[i]]);
    }
  }
  DType statType = graph::isFloatType(x.dtype()) ? DType::F32 : x.dtype();
  return std::vector<Tensor>{fromDoubles(x.dtype(), x.shape(), values), fromDoubles(statType, statShape, means),
                             fromDoubles(statType, statShape, invStd)};
}

KernelResult kernelMeanVarianceNorm(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(1));
  const Tensor &x = context.in(0);
  graph::Ints axes = context.attrs().getInts("axes", {0, 2, 3});
  std::vector<bool> reduced(x.shape().size(), false);
  for (int64_t axis : axes) {
    auto a = graph::normalizeAxis(axis, x.shape().size());
    if (!a.ok()) return context.error("%s", a.status().message());
    reduced[*a] = true;
  }
  ReductionPlan plan = planReduction(x.shape(), reduced);
  int64_t outCount = shapeElementCount(plan.keptShape);
  std::vector<double> values = toDoubles(x), mean(outCount, 0), square(outCount, 0);
  for (size_t i = 0; i < values.size(); ++i) {
    mean[plan.target[i]] += values[i] / plan.groupSize;
    square[plan.target[i]] += values[i] * values[i] / plan.groupSize;
  }
  for (size_t i = 0; i < values.size(); ++i) {
    int64_t o = plan.target[i];
    values[i] = (values[i] - mean[o]) / (std::sqrt(std::max(0.0, square[o] - mean[o] * mean[o])) + 1e-9);
  }
  return std::vector<Tensor>{fromDoubles(x.dtype(), x.shape(), values)};
}

KernelResult kernelLrn(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(1));
  const Tensor &x = context.in(0);
  int64_t size = context.attrs().getInt("size", 0);
  if (size <= 0) return context.error("size must be positive");
  double alpha = context.attrs().getFloat("alpha", 1e-4f), beta = context.attrs().getFloat("beta", 0.75f);
  double bias = context.attrs().getFloat("bias", 1.0f);
  int64_t c = x.shape()[1], inner = x.elementCount() / std::max<int64_t>(1, x.shape()[0] * c);
  std::vector<double> values = toDoubles(x), out(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    int64_t channel = (i / inner) % c, base = i - channel * inner;
    double sum = 0;
    for (int64_t k = channel - (size - 1) / 2; k <= channel + size / 2; ++k)
      if (k >= 0 && k < c) sum += values[base + k * inner] * values[base + k * inner];
    out[i] = values[i] / std::pow(bias + alpha / size * sum, beta);
  }
  return std::vector<Tensor>{fromDoubles(x.dtype(), x.shape(), out)};
}

} // namespace tessera::interp
