//===- infer_int8.cpp - Inference for the accelerator's int8 ops ----------------===//
//
// The quantized ops keep the geometry of their float counterparts (the rules reuse
// inferConv, inferPool and inferGlobalPool), take int8 operands and give int8
// results. Each rule also checks the requant/clip attributes (int8_ops.h), so the
// verifier rejects an operand the accelerator could not encode.
//
//===----------------------------------------------------------------------===//
#include "compiler/graph/infer_util.h"
#include "compiler/graph/int8_ops.h"
#include "compiler/graph/shape_inference.h"

namespace tessera::graph {
namespace {

Status requireInt8(const InferContext &context, size_t i) {
  if (!context.has(i)) return context.error("input %d is required", i);
  if (context.in(i).dtype != DType::I8)
    return context.error("input %d must be i8, got %s", i, std::string(dtypeName(context.in(i).dtype)));
  return absl::OkStatus();
}

Status checkBias(const InferContext &context, size_t index) {
  if (!context.has(index)) return absl::OkStatus();
  const TensorType &bias = context.in(index);
  if (bias.dtype != DType::I32 || (bias.ranked && bias.rank() != 1))
    return context.error("bias must be a 1-D i32 tensor");
  return absl::OkStatus();
}

Status checkAttrs(const InferContext &context, int64_t channels, bool needsRequant) {
  auto attrs = readInt8OpAttrs(context.node.attrs, channels, needsRequant);
  if (!attrs.ok()) return context.error("%s", attrs.status().message());
  return absl::OkStatus();
}

/// The int8 result of a float rule's first result, quantization kept from the record.
std::vector<TensorType> int8Result(TensorType type) {
  type.dtype = DType::I8;
  type.quant.reset();
  return {type};
}

/// Output channels of a result whose channel axis is `axis` (unknown when not static).
int64_t channelsOf(const TensorType &type, int64_t axis) {
  if (!type.ranked || axis >= type.rank()) return kUnknownDim;
  return type.shape[axis < 0 ? type.rank() + axis : axis];
}

/// Both operands are int8 tensors of one shape.
Status checkSameShapeOperands(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireInt8(context, 0));
  TS_RETURN_IF_ERROR(requireInt8(context, 1));
  const TensorType &a = context.in(0), &b = context.in(1);
  if (a.ranked && b.ranked && !typesCompatible(TensorType(a.dtype, a.shape), TensorType(b.dtype, b.shape)))
    return context.error("operands must have one shape, got %s and %s", shapeToString(a.shape),
                         shapeToString(b.shape));
  return absl::OkStatus();
}

} // namespace

InferResult inferQConv(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireInt8(context, 0));
  TS_RETURN_IF_ERROR(requireInt8(context, 1));
  TS_RETURN_IF_ERROR(checkBias(context, 2));
  TS_ASSIGN_OR_RETURN(std::vector<TensorType> types, inferConv(context));
  TS_RETURN_IF_ERROR(checkAttrs(context, channelsOf(types[0], 1), /*needsRequant=*/true));
  return int8Result(types[0]);
}

InferResult inferQGemm(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireInt8(context, 0));
  TS_RETURN_IF_ERROR(requireInt8(context, 1));
  TS_RETURN_IF_ERROR(checkBias(context, 2));
  const TensorType &x = context.in(0), &w = context.in(1);
  if (!x.ranked || !w.ranked) return std::vector<TensorType>{TensorType::unranked(DType::I8)};
  if (x.rank() < 1 || w.rank() != 2) return context.error("needs x[..., K] and a weight matrix w[M, K]");
  if (x.shape.back() >= 0 && w.shape[1] >= 0 && x.shape.back() != w.shape[1])
    return context.error("inner dimensions differ: %d vs %d", x.shape.back(), w.shape[1]);
  TS_RETURN_IF_ERROR(checkAttrs(context, w.shape[0], /*needsRequant=*/true));
  Shape shape = x.shape;
  shape.back() = w.shape[0];
  return std::vector<TensorType>{TensorType(DType::I8, shape)};
}

InferResult inferQAdd(const InferContext &context) {
  TS_RETURN_IF_ERROR(checkSameShapeOperands(context));
  for (const char *name : {"mul_a", "mul_b"}) {
    int64_t value = context.node.attrs.getInt(name, 1 << 20);
    if (value < -32768 || value > 32767) return context.error("%s must be a 16-bit signed integer", name);
  }
  TS_RETURN_IF_ERROR(checkAttrs(context, 1, /*needsRequant=*/true));
  return int8Result(context.in(0));
}

InferResult inferQMul(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireInt8(context, 0));
  TS_RETURN_IF_ERROR(requireInt8(context, 1));
  TS_RETURN_IF_ERROR(checkAttrs(context, 1, /*needsRequant=*/true));
  const TensorType &a = context.in(0), &b = context.in(1);
  if (!a.ranked || !b.ranked) return std::vector<TensorType>{TensorType::unranked(DType::I8)};
  auto shape = broadcastShapes(a.shape, b.shape);
  if (!shape.ok()) return context.error("%s", shape.status().message());
  return std::vector<TensorType>{TensorType(DType::I8, *shape)};
}

InferResult inferQMatMul(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireInt8(context, 0));
  TS_RETURN_IF_ERROR(requireInt8(context, 1));
  const TensorType &a = context.in(0), &b = context.in(1);
  if ((a.ranked && a.rank() < 2) || (b.ranked && b.rank() < 2))
    return context.error("operands must have rank 2 or more ([..., M, K] and [..., K, N])");
  TS_RETURN_IF_ERROR(checkAttrs(context, 1, /*needsRequant=*/true));
  TS_ASSIGN_OR_RETURN(std::vector<TensorType> types, inferMatMul(context));
  return int8Result(types[0]);
}

InferResult inferQMinMax(const InferContext &context) {
  TS_RETURN_IF_ERROR(checkSameShapeOperands(context));
  TS_RETURN_IF_ERROR(checkAttrs(context, 1, /*needsRequant=*/false));
  return int8Result(context.in(0));
}

InferResult inferQClip(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireInt8(context, 0));
  TS_RETURN_IF_ERROR(checkAttrs(context, 1, /*needsRequant=*/false));
  return int8Result(context.in(0));
}

InferResult inferQLut(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireInt8(context, 0));
  auto table = readLutTable(context.node.attrs);
  if (!table.ok()) return context.error("%s", table.status().message());
  return int8Result(context.in(0));
}

InferResult inferQPool(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireInt8(context, 0));
  TS_ASSIGN_OR_RETURN(std::vector<TensorType> types, inferPool(context));
  TS_RETURN_IF_ERROR(checkAttrs(context, 1, /*needsRequant=*/context.node.op != "QMaxPool"));
  return int8Result(types[0]);
}

InferResult inferQGlobalPool(const InferContext &context) {
  TS_RETURN_IF_ERROR(requireInt8(context, 0));
  TS_ASSIGN_OR_RETURN(std::vector<TensorType> types, inferGlobalPool(context));
  TS_RETURN_IF_ERROR(checkAttrs(context, 1, /*needsRequant=*/true));
  return int8Result(types[0]);
}

} // namespace tessera::graph
