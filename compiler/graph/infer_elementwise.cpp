//===- infer_elementwise.cpp - Inference for elementwise ops -------------------===//
#include "compiler/graph/infer_util.h"
#include "compiler/graph/shape_inference.h"

namespace tessera::graph {
namespace {

StatusOr<TensorType> broadcastInputs(const InferContext &context, size_t first) {
  std::optional<TensorType> result;
  for (size_t i = first; i < context.inputs.size(); ++i) {
    if (!context.has(i)) continue;
    const TensorType &type = context.in(i);
    if (!result) {
      result = TensorType(type.dtype, type.shape);
      result->ranked = type.ranked;
      continue;
    }
    if (!result->ranked || !type.ranked) {
      result->ranked = false;
      result->shape.clear();
      continue;
    }
    auto shape = broadcastShapes(result->shape, type.shape);
    if (!shape.ok()) return context.error("%s", shape.status().message());
    result->shape = *shape;
  }
  if (!result) return context.error("needs at least one input");
  return *result;
}

/// A layout or quantization survives only when every input agrees on it.
void keepCommonLayout(const InferContext &context, TensorType &type) {
  if (!context.has(0)) return;
  std::string layout = context.in(0).layout;
  for (size_t i = 1; i < context.inputs.size(); ++i)
    if (context.has(i) && context.in(i).layout != layout && context.in(i).rank() > 0) return;
  type.layout = layout;
}

} // namespace

InferResult inferSameAsInput(const InferContext &context) {
  if (!context.has(0)) return context.error("input 0 is required");
  return std::vector<TensorType>{context.in(0)};
}

InferResult inferDropout(const InferContext &context) {
  if (!context.has(0)) return context.error("input 0 is required");
  TensorType mask = context.in(0);
  mask.dtype = DType::Bool;
  mask.quant.reset();
  return std::vector<TensorType>{context.in(0), mask};
}

InferResult inferBoolLikeInput(const InferContext &context) {
  TS_ASSIGN_OR_RETURN(std::vector<TensorType> types, inferSameAsInput(context));
  types[0].dtype = DType::Bool;
  types[0].quant.reset();
  return types;
}

InferResult inferCast(const InferContext &context) {
  TS_ASSIGN_OR_RETURN(std::vector<TensorType> types, inferSameAsInput(context));
  const Attribute *to = context.node.attrs.find("to");
  auto *name = to ? std::get_if<std::string>(to) : nullptr;
  if (!name) return context.error("attribute 'to' must name an element type");
  auto dtype = parseDType(*name);
  if (!dtype.ok()) return context.error("%s", dtype.status().message());
  types[0].dtype = *dtype;
  types[0].quant.reset();
  return types;
}

InferResult inferCastLike(const InferContext &context) {
  if (!context.has(1)) return context.error("input 1 (target_type) is required");
  TS_ASSIGN_OR_RETURN(std::vector<TensorType> types, inferSameAsInput(context));
  types[0].dtype = context.in(1).dtype;
  types[0].quant.reset();
  return types;
}

InferResult inferBroadcast(const InferContext &context) {
  TS_ASSIGN_OR_RETURN(TensorType type, broadcastInputs(context, 0));
  keepCommonLayout(context, type);
  return std::vector<TensorType>{type};
}

InferResult inferCompare(const InferContext &context) {
  TS_ASSIGN_OR_RETURN(TensorType type, broadcastInputs(context, 0));
  type.dtype = DType::Bool;
  return std::vector<TensorType>{type};
}

InferResult inferWhere(const InferContext &context) {
  if (!context.has(1)) return context.error("input 1 is required");
  TS_ASSIGN_OR_RETURN(TensorType type, broadcastInputs(context, 0));
  type.dtype = context.in(1).dtype;
  return std::vector<TensorType>{type};
}

} // namespace tessera::graph
