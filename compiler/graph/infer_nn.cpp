//===- infer_nn.cpp - Inference for reductions, linear algebra, conv, pools ----===//
#include <algorithm>

#include "compiler/graph/conv_geometry.h"
#include "compiler/graph/infer_util.h"
#include "compiler/graph/shape_inference.h"

namespace tessera::graph {
namespace {

Status requireRanked(const InferContext &context, size_t i, int64_t minRank) {
  if (!context.has(i)) return context.error("input %d is required", i);
  const TensorType &type = context.in(i);
  if (type.ranked && type.rank() < minRank)
    return context.error("input %d has rank %d, expected at least %d", i, type.rank(), minRank);
  return absl::OkStatus();
}

/// The reduction axes from the `axes` attribute or (newer opsets) input 1.
StatusOr<std::optional<std::vector<int64_t>>> reductionAxes(const InferContext &context) {
  if (context.node.attrs.has("axes")) return std::optional(context.node.attrs.getInts("axes"));
  if (!context.has(1)) return std::optional(std::vector<int64_t>{});
  if (!context.constant(1)) return std::optional<std::vector<int64_t>>();
  return std::optional(tensorToInts(*context.constant(1)));
}

TensorType withDtype(const TensorType &type, DType dtype) {
  TensorType result(dtype, type.shape);
  result.ranked = type.ranked;
  return result;
}

/// Output dtype of the quantized ops: their output zero point's, u8 when absent.
DType quantizedOutputType(const InferContext &context, size_t zeroPointIndex) {
  return context.has(zeroPointIndex) ? context.in(zeroPointIndex).dtype : DType::U8;
}

} // namespace

InferResult inferReduce(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireRanked(context, 0, 0));
  const TensorType &input = context.in(0);
  TS_ASSIGN_OR_RETURN(auto axes, reductionAxes(context));
  bool keep = context.node.attrs.getInt("keepdims", 1) != 0;
  if (!input.ranked || !axes) {
    if (!keep || !input.ranked) return std::vector<TensorType>{TensorType::unranked(input.dtype)};
    return std::vector<TensorType>{TensorType(input.dtype, unknownShape(input.rank()))};
  }
  std::vector<bool> reduced(input.rank(), axes->empty());
  if (axes->empty() && context.node.attrs.getInt("noop_with_empty_axes", 0))
    return std::vector<TensorType>{withDtype(input, input.dtype)};
  for (int64_t axis : *axes) {
    auto normalized = normalizeAxis(axis, input.rank());
    if (!normalized.ok()) return context.error("%s", normalized.status().message());
    reduced[*normalized] = true;
  }
  Shape shape;
  for (int64_t i = 0; i < input.rank(); ++i) {
    if (!reduced[i]) shape.push_back(input.shape[i]);
    else if (keep) shape.push_back(1);
  }
  return std::vector<TensorType>{TensorType(input.dtype, shape)};
}

InferResult inferArgReduce(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireRanked(context, 0, 1));
  const TensorType &input = context.in(0);
  if (!input.ranked) return std::vector<TensorType>{TensorType::unranked(DType::I64)};
  auto axis = normalizeAxis(context.node.attrs.getInt("axis", 0), input.rank());
  if (!axis.ok()) return context.error("%s", axis.status().message());
  Shape shape = input.shape;
  if (context.node.attrs.getInt("keepdims", 1)) shape[*axis] = 1;
  else shape.erase(shape.begin() + *axis);
  return std::vector<TensorType>{TensorType(DType::I64, shape)};
}

InferResult inferBatchNorm(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireRanked(context, 0, 2));
  for (size_t i = 1; i < 5; ++i)
    if (!context.has(i)) return context.error("input %d is required", i);
  return std::vector<TensorType>{context.in(0), context.in(3), context.in(4)};
}

InferResult inferLayerNorm(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireRanked(context, 0, 1));
  const TensorType &input = context.in(0);
  if (!input.ranked) return std::vector<TensorType>{input, TensorType::unranked(DType::F32)};
  auto axis = normalizeAxis(context.node.attrs.getInt("axis", -1), input.rank());
  if (!axis.ok()) return context.error("%s", axis.status().message());
  Shape stats = input.shape;
  for (int64_t i = *axis; i < input.rank(); ++i) stats[i] = 1;
  DType statType = static_cast<DType>(DType::F32);
  return std::vector<TensorType>{input, TensorType(statType, stats), TensorType(statType, stats)};
}

InferResult inferMatMul(const InferContext &context) {
  bool qlinear = context.node.op == "QLinearMatMul";
  size_t bIndex = qlinear ? 3 : 1;
  TS_RETURN_IF_ERROR(requireRanked(context, 0, 1));
  TS_RETURN_IF_ERROR(requireRanked(context, bIndex, 1));
  const TensorType &a = context.in(0), &b = context.in(bIndex);
  DType dtype = a.dtype;
  if (context.node.op == "MatMulInteger") dtype = DType::I32;
  if (qlinear) dtype = quantizedOutputType(context, 7);
  if (!a.ranked || !b.ranked) return std::vector<TensorType>{TensorType::unranked(dtype)};
  Shape sa = a.shape, sb = b.shape;
  if (sa.size() == 1) sa.insert(sa.begin(), 1);
  if (sb.size() == 1) sb.push_back(1);
  int64_t ka = sa.back(), kb = sb[sb.size() - 2];
  if (ka >= 0 && kb >= 0 && ka != kb)
    return context.error("inner dimensions differ: %d vs %d", ka, kb);
  auto batch = broadcastShapes(Shape(sa.begin(), sa.end() - 2), Shape(sb.begin(), sb.end() - 2));
  if (!batch.ok()) return context.error("%s", batch.status().message());
  Shape shape = *batch;
  if (a.rank() > 1) shape.push_back(sa[sa.size() - 2]);
  if (b.rank() > 1) shape.push_back(sb.back());
  return std::vector<TensorType>{TensorType(dtype, shape)};
}

InferResult inferGemm(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireRanked(context, 0, 2));
  TS_RETURN_IF_ERROR(requireRanked(context, 1, 2));
  const TensorType &a = context.in(0), &b = context.in(1);
  if (!a.ranked || !b.ranked) return std::vector<TensorType>{TensorType::unranked(a.dtype)};
  if (a.rank() != 2 || b.rank() != 2) return context.error("inputs A and B must be matrices");
  bool transA = context.node.attrs.getInt("transA", 0), transB = context.node.attrs.getInt("transB", 0);
  int64_t m = transA ? a.shape[1] : a.shape[0], ka = transA ? a.shape[0] : a.shape[1];
  int64_t kb = transB ? b.shape[1] : b.shape[0], n = transB ? b.shape[0] : b.shape[1];
  if (ka >= 0 && kb >= 0 && ka != kb) return context.error("inner dimensions differ: %d vs %d", ka, kb);
  return std::vector<TensorType>{TensorType(a.dtype, {m, n})};
}

InferResult inferConv(const InferContext &context) {
  bool qlinear = context.node.op == "QLinearConv";
  size_t wIndex = qlinear ? 3 : 1;
  TS_RETURN_IF_ERROR(requireRanked(context, 0, 3));
  TS_RETURN_IF_ERROR(requireRanked(context, wIndex, 3));
  const TensorType &x = context.in(0), &w = context.in(wIndex);
  DType dtype = x.dtype;
  if (context.node.op == "ConvInteger") dtype = DType::I32;
  if (qlinear) dtype = quantizedOutputType(context, 7);
  if (!x.ranked || !w.ranked) return std::vector<TensorType>{TensorType::unranked(dtype)};
  if (x.rank() != w.rank()) return context.error("input rank %d differs from weight rank %d", x.rank(), w.rank());
  Shape kernel = context.node.attrs.getInts("kernel_shape", Shape(w.shape.begin() + 2, w.shape.end()));
  auto geometry = computeWindowGeometry(context.node.attrs, Shape(x.shape.begin() + 2, x.shape.end()),
                                        kernel, /*ceilMode=*/false);
  if (!geometry.ok()) return context.error("%s", geometry.status().message());
  int64_t group = context.node.attrs.getInt("group", 1);
  if (group <= 0) return context.error("group must be positive");
  if (x.shape[1] >= 0 && w.shape[1] >= 0 && x.shape[1] != w.shape[1] * group)
    return context.error("input has %d channels but weight expects %d x group %d", x.shape[1],
                         w.shape[1], group);
  Shape shape = {x.shape[0], w.shape[0]};
  shape.insert(shape.end(), geometry->output.begin(), geometry->output.end());
  return std::vector<TensorType>{TensorType(dtype, shape)};
}

InferResult inferConvTranspose(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireRanked(context, 0, 3));
  TS_RETURN_IF_ERROR(requireRanked(context, 1, 3));
  const TensorType &x = context.in(0), &w = context.in(1);
  if (!x.ranked || !w.ranked) return std::vector<TensorType>{TensorType::unranked(x.dtype)};
  Shape kernel = context.node.attrs.getInts("kernel_shape", Shape(w.shape.begin() + 2, w.shape.end()));
  auto geometry = computeTransposedGeometry(context.node.attrs,
                                            Shape(x.shape.begin() + 2, x.shape.end()), kernel);
  if (!geometry.ok()) return context.error("%s", geometry.status().message());
  int64_t group = context.node.attrs.getInt("group", 1);
  Shape shape = {x.shape[0], w.shape[1] < 0 ? kUnknownDim : w.shape[1] * group};
  shape.insert(shape.end(), geometry->output.begin(), geometry->output.end());
  return std::vector<TensorType>{TensorType(x.dtype, shape)};
}

InferResult inferPool(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireRanked(context, 0, 3));
  const TensorType &x = context.in(0);
  if (!x.ranked) return std::vector<TensorType>{x, TensorType::unranked(DType::I64)};
  Ints kernel = context.node.attrs.getInts("kernel_shape");
  auto geometry = computeWindowGeometry(context.node.attrs, Shape(x.shape.begin() + 2, x.shape.end()),
                                        kernel, context.node.attrs.getInt("ceil_mode", 0) != 0);
  if (!geometry.ok()) return context.error("%s", geometry.status().message());
  Shape shape = {x.shape[0], x.shape[1]};
  shape.insert(shape.end(), geometry->output.begin(), geometry->output.end());
  TensorType out(x.dtype, shape);
  out.quant = x.quant;
  return std::vector<TensorType>{out, TensorType(DType::I64, shape)};
}

InferResult inferGlobalPool(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireRanked(context, 0, 2));
  TensorType out = context.in(0);
  for (size_t i = 2; i < out.shape.size(); ++i) out.shape[i] = 1;
  return std::vector<TensorType>{out};
}

InferResult inferQuantize(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireRanked(context, 0, 0));
  return std::vector<TensorType>{withDtype(context.in(0), quantizedOutputType(context, 2))};
}

InferResult inferDequantize(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireRanked(context, 0, 0));
  DType dtype = context.has(1) ? context.in(1).dtype : DType::F32;
  return std::vector<TensorType>{withDtype(context.in(0), dtype)};
}

InferResult inferDynamicQuantize(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireRanked(context, 0, 0));
  return std::vector<TensorType>{withDtype(context.in(0), DType::U8), TensorType(DType::F32, {}),
                                 TensorType(DType::U8, {})};
}

InferResult inferRecurrent(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireRanked(context, 0, 3));
  TS_RETURN_IF_ERROR(requireRanked(context, 1, 3));
  TS_RETURN_IF_ERROR(requireRanked(context, 2, 3));
  const TensorType &x = context.in(0), &w = context.in(1), &r = context.in(2);
  DType dtype = x.dtype;
  if (!x.ranked || !w.ranked || !r.ranked) return std::vector<TensorType>(3, TensorType::unranked(dtype));
  if (x.rank() != 3 || w.rank() != 3 || r.rank() != 3) return context.error("X, W and R must have rank 3");
  bool batchMajor = context.node.attrs.getInt("layout", 0) != 0;
  int64_t seq = x.shape[batchMajor ? 1 : 0], batch = x.shape[batchMajor ? 0 : 1], directions = w.shape[0];
  int64_t hidden = context.node.attrs.getInt("hidden_size", r.shape[2]);
  Shape y = batchMajor ? Shape{batch, seq, directions, hidden} : Shape{seq, directions, batch, hidden};
  Shape state = batchMajor ? Shape{batch, directions, hidden} : Shape{directions, batch, hidden};
  return std::vector<TensorType>{TensorType(dtype, y), TensorType(dtype, state), TensorType(dtype, state)};
}

} // namespace tessera::graph
