//===- infer_data_dependent.cpp - Inference for gathers, selections, losses ----===//
//
// Ops whose result extents may depend on runtime data: known ranks and the extents
// that do not depend on data are inferred; the rest come out unknown.
//
//===----------------------------------------------------------------------===//
#include "compiler/graph/infer_util.h"
#include "compiler/graph/shape_inference.h"
#include "support/limits.h"

namespace tessera::graph {
namespace {

std::vector<TensorType> one(DType dtype, Shape shape) { return {TensorType(dtype, std::move(shape))}; }

Status requireRanked(const InferContext &context, size_t i) {
  if (!context.has(i)) return context.error("input %d is required", i);
  if (!context.in(i).ranked) return context.error("input %d must have a known rank", i);
  return absl::OkStatus();
}

} // namespace

InferResult inferGatherND(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireRanked(context, 0));
  TS_RETURN_IF_ERROR(requireRanked(context, 1));
  const TensorType &data = context.in(0), &indices = context.in(1);
  int64_t batchDims = context.node.attrs.getInt("batch_dims", 0), depth = indices.shape.empty() ? -1 : indices.shape.back();
  if (depth < 0) return one(data.dtype, unknownShape(std::max<int64_t>(0, indices.rank() - 1)));
  if (batchDims + depth > data.rank()) return context.error("index depth %d exceeds the data rank %d", depth, data.rank());
  Shape shape(indices.shape.begin(), indices.shape.end() - 1);
  shape.insert(shape.end(), data.shape.begin() + batchDims + depth, data.shape.end());
  return one(data.dtype, shape);
}

InferResult inferOneHot(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireRanked(context, 0));
  if (!context.has(2)) return context.error("input 2 (values) is required");
  Shape shape = context.in(0).shape;
  int64_t rank = shape.size() + 1;
  auto axis = normalizeAxis(context.node.attrs.getInt("axis", -1), rank);
  if (!axis.ok()) return context.error("%s", axis.status().message());
  int64_t depth = kUnknownDim;
  if (context.constant(1)) {
    TS_ASSIGN_OR_RETURN(double value, context.scalar(1));
    if (!(value >= 1 && value <= double(kMaxTensorElements))) return context.error("depth must be positive, got %g", value);
    depth = static_cast<int64_t>(value);
  }
  shape.insert(shape.begin() + *axis, depth);
  return one(context.in(2).dtype, shape);
}

InferResult inferTopK(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireRanked(context, 0));
  Shape shape = context.in(0).shape;
  auto axis = normalizeAxis(context.node.attrs.getInt("axis", -1), shape.size());
  if (!axis.ok()) return context.error("%s", axis.status().message());
  int64_t extent = shape[*axis];
  shape[*axis] = kUnknownDim;
  if (context.constant(1)) {
    TS_ASSIGN_OR_RETURN(double k, context.scalar(1));
    double most = extent >= 0 ? double(extent) : double(kMaxTensorElements);
    if (!(k >= 0 && k <= most)) return context.error("k must be in [0, %d], got %g", int64_t(most), k);
    shape[*axis] = static_cast<int64_t>(k);
  }
  return std::vector<TensorType>{TensorType(context.in(0).dtype, shape), TensorType(DType::I64, shape)};
}

InferResult inferNonZero(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireRanked(context, 0));
  return one(DType::I64, {context.in(0).rank(), kUnknownDim});
}

InferResult inferCompress(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireRanked(context, 0));
  const TensorType &x = context.in(0);
  if (!context.node.attrs.has("axis")) return one(x.dtype, {kUnknownDim});
  auto axis = normalizeAxis(context.node.attrs.getInt("axis", 0), x.rank());
  if (!axis.ok()) return context.error("%s", axis.status().message());
  Shape shape = x.shape;
  shape[*axis] = kUnknownDim;
  return one(x.dtype, shape);
}

InferResult inferLoss(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireRanked(context, 0));
  TS_RETURN_IF_ERROR(requireRanked(context, 1));
  bool none = context.node.attrs.getString("reduction", "mean") == "none";
  TensorType loss(context.in(0).dtype, none ? context.in(1).shape : Shape{});
  return std::vector<TensorType>{loss, context.in(0)};
}

InferResult inferUnique(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireRanked(context, 0));
  const TensorType &x = context.in(0);
  Shape values = {kUnknownDim};
  int64_t extent = x.isStatic() ? x.elementCount() : kUnknownDim;
  if (context.node.attrs.has("axis")) {
    auto axis = normalizeAxis(context.node.attrs.getInt("axis", 0), x.rank());
    if (!axis.ok()) return context.error("%s", axis.status().message());
    values = x.shape;
    values[*axis] = kUnknownDim;
    extent = x.shape[*axis];
  }
  return std::vector<TensorType>{TensorType(x.dtype, values), TensorType(DType::I64, {kUnknownDim}),
                                 TensorType(DType::I64, {extent}), TensorType(DType::I64, {kUnknownDim})};
}

InferResult inferMaxUnpool(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireRanked(context, 0));
  const TensorType &x = context.in(0);
  if (x.rank() < 3) return context.error("needs an input of rank at least 3");
  if (context.has(2)) {
    if (const Tensor *shape = context.constant(2)) return one(x.dtype, tensorToInts(*shape));
    return one(x.dtype, unknownShape(x.rank()));
  }
  size_t rank = x.rank() - 2;
  Ints kernel = context.node.attrs.getInts("kernel_shape"), strides = context.node.attrs.getInts("strides", Ints(rank, 1));
  Ints pads = context.node.attrs.getInts("pads", Ints(2 * rank, 0));
  if (kernel.size() != rank || strides.size() != rank || pads.size() != 2 * rank)
    return context.error("kernel_shape, strides and pads do not match the input rank");
  Shape shape = {x.shape[0], x.shape[1]};
  for (size_t d = 0; d < rank; ++d) {
    int64_t in = x.shape[d + 2];
    shape.push_back(in < 0 ? kUnknownDim : (in - 1) * strides[d] + kernel[d] - pads[d] - pads[d + rank]);
  }
  return one(x.dtype, shape);
}

InferResult inferRoiAlign(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireRanked(context, 0));
  TS_RETURN_IF_ERROR(requireRanked(context, 1));
  const TensorType &x = context.in(0), &rois = context.in(1);
  if (x.rank() != 4 || rois.rank() != 2) return context.error("X must have rank 4 and rois rank 2");
  return one(x.dtype, {rois.shape[0], x.shape[1], context.node.attrs.getInt("output_height", 1),
                       context.node.attrs.getInt("output_width", 1)});
}

InferResult inferNonMaxSuppression(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireRanked(context, 0));
  TS_RETURN_IF_ERROR(requireRanked(context, 1));
  return one(DType::I64, {kUnknownDim, 3});
}

} // namespace tessera::graph
