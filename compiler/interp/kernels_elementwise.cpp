//===- kernels_elementwise.cpp - Unary, binary and variadic elementwise ops ----===//
//
// Floating-point elements are computed in double and rounded once to the result type
// (exact for +, -, *, / and sqrt of f32 inputs); integer elements are computed in
// int64 so integer division, modulo and shifts follow ONNX's integer semantics.
//
//===----------------------------------------------------------------------===//
#include <cmath>
#include <functional>

#include "compiler/graph/dtype_dispatch.h"
#include "compiler/graph/infer_util.h"
#include "compiler/interp/elementwise_ops.h"
#include "compiler/interp/kernel_util.h"
#include "compiler/interp/kernels.h"

namespace tessera::interp {

using graph::isFloatType;

Status KernelContext::require(size_t count) const {
  for (size_t i = 0; i < count; ++i)
    if (!has(i)) return error("input %d is required", i);
  return absl::OkStatus();
}

KernelResult kernelIdentity(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(1));
  return std::vector<Tensor>{context.in(0)};
}

KernelResult kernelUnary(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(1));
  TS_ASSIGN_OR_RETURN(UnaryFn fn, makeUnaryFn(context.node.op, context.attrs()));
  const Tensor &x = context.in(0);
  std::vector<double> values = toDoubles(x);
  for (double &v : values) v = fn(v);
  return std::vector<Tensor>{fromDoubles(x.dtype(), x.shape(), values)};
}

KernelResult kernelClip(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(1));
  const Tensor &x = context.in(0);
  double lo = -INFINITY, hi = INFINITY;
  if (context.attrs().has("min")) lo = context.attrs().getFloat("min", 0);
  if (context.attrs().has("max")) hi = context.attrs().getFloat("max", 0);
  if (context.has(1)) lo = toDoubles(context.in(1)).at(0);
  if (context.has(2)) hi = toDoubles(context.in(2)).at(0);
  std::vector<double> values = toDoubles(x);
  for (double &v : values) v = std::min(std::max(v, lo), hi);
  return std::vector<Tensor>{fromDoubles(x.dtype(), x.shape(), values)};
}

KernelResult kernelDropout(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(1));
  bool training = context.has(2) && toInts(context.in(2)).at(0) != 0;
  double ratio = context.has(1) ? toDoubles(context.in(1)).at(0) : context.attrs().getFloat("ratio", 0.5f);
  if (training && ratio != 0)
    return context.error("random dropout in training mode is not supported by the reference interpreter");
  Tensor mask(DType::Bool, context.in(0).shape());
  std::fill(mask.storage().begin(), mask.storage().end(), 1);
  return std::vector<Tensor>{context.in(0), mask};
}

KernelResult kernelIsNaN(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(1));
  std::vector<double> values = toDoubles(context.in(0));
  for (double &v : values) v = std::isnan(v);
  return std::vector<Tensor>{fromDoubles(DType::Bool, context.in(0).shape(), values)};
}

KernelResult kernelIsInf(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(1));
  bool positive = context.attrs().getInt("detect_positive", 1), negative = context.attrs().getInt("detect_negative", 1);
  std::vector<double> values = toDoubles(context.in(0));
  for (double &v : values) v = std::isinf(v) && ((v > 0 && positive) || (v < 0 && negative));
  return std::vector<Tensor>{fromDoubles(DType::Bool, context.in(0).shape(), values)};
}

namespace {

Tensor castTo(const Tensor &x, DType to) {
  if (x.dtype() == to) return x;
  if (!isFloatType(x.dtype()) && !isFloatType(to)) return fromInts(to, x.shape(), toInts(x));
  return fromDoubles(to, x.shape(), toDoubles(x));
}

} // namespace

KernelResult kernelCast(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(1));
  auto to = parseDType(context.attrs().getString("to", ""));
  if (!to.ok()) return context.error("%s", to.status().message());
  return std::vector<Tensor>{castTo(context.in(0), *to)};
}

KernelResult kernelCastLike(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(2));
  return std::vector<Tensor>{castTo(context.in(0), context.in(1).dtype())};
}

namespace {

/// Broadcasts `a` op `b` into a tensor of `outType`.
StatusOr<Tensor> applyBinary(const KernelContext &context, const std::string &op, const Tensor &a,
                             const Tensor &b, DType outType) {
  auto shape = graph::broadcastShapes(a.shape(), b.shape());
  if (!shape.ok()) return context.error("%s", shape.status().message());
  std::vector<int64_t> ia = broadcastIndex(a.shape(), *shape), ib = broadcastIndex(b.shape(), *shape);
  bool integer = !isFloatType(a.dtype()) && !isFloatType(b.dtype());
  if (integer && op != "Pow") {
    TS_ASSIGN_OR_RETURN(IntBinaryFn fn, makeIntBinaryFn(op, context.attrs(), a.dtype()));
    std::vector<int64_t> va = toInts(a), vb = toInts(b), out(ia.size());
    for (size_t i = 0; i < out.size(); ++i) out[i] = fn(va[ia[i]], vb[ib[i]]);
    return fromInts(outType, *shape, out);
  }
  TS_ASSIGN_OR_RETURN(BinaryFn fn, makeBinaryFn(op, context.attrs()));
  std::vector<double> va = toDoubles(a), vb = toDoubles(b), out(ia.size());
  for (size_t i = 0; i < out.size(); ++i) out[i] = fn(va[ia[i]], vb[ib[i]]);
  return fromDoubles(outType, *shape, out);
}

bool isComparison(const std::string &op) {
  return op == "Equal" || op == "Greater" || op == "Less" || op == "GreaterOrEqual" || op == "LessOrEqual";
}

} // namespace

KernelResult kernelBinary(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(2));
  const std::string &op = context.node.op;
  DType outType = isComparison(op) ? DType::Bool : context.in(0).dtype();
  TS_ASSIGN_OR_RETURN(Tensor out, applyBinary(context, op, context.in(0), context.in(1), outType));
  return std::vector<Tensor>{std::move(out)};
}

KernelResult kernelVariadic(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(1));
  const std::string &op = context.node.op;
  std::string step = op == "Mean" ? "Add" : op == "Sum" ? "Add" : op;
  Tensor acc = context.in(0);
  for (size_t i = 1; i < context.inputs.size(); ++i) {
    if (!context.has(i)) continue;
    TS_ASSIGN_OR_RETURN(acc, applyBinary(context, step, acc, context.in(i), acc.dtype()));
  }
  if (op == "Mean") {
    std::vector<double> values = toDoubles(acc);
    for (double &v : values) v /= static_cast<double>(context.inputs.size());
    acc = fromDoubles(acc.dtype(), acc.shape(), values);
  }
  return std::vector<Tensor>{acc};
}

KernelResult kernelWhere(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(3));
  const Tensor &c = context.in(0), &x = context.in(1), &y = context.in(2);
  auto shape = graph::broadcastShapes(c.shape(), x.shape());
  if (shape.ok()) shape = graph::broadcastShapes(*shape, y.shape());
  if (!shape.ok()) return context.error("%s", shape.status().message());
  std::vector<int64_t> ic = broadcastIndex(c.shape(), *shape), ix = broadcastIndex(x.shape(), *shape),
                       iy = broadcastIndex(y.shape(), *shape);
  Tensor out(x.dtype(), *shape);
  size_t size = dtypeSize(x.dtype());
  for (size_t i = 0; i < ic.size(); ++i) {
    bool pick = c.bytes()[ic[i]] != 0;
    std::memcpy(out.bytes() + i * size, (pick ? x.bytes() + ix[i] * size : y.bytes() + iy[i] * size), size);
  }
  return std::vector<Tensor>{out};
}

} // namespace tessera::interp
