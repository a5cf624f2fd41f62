//===- kernels_linalg.cpp - Matrix products and quantization -------------------===//
#include <cmath>

#include "compiler/graph/infer_util.h"
#include "compiler/interp/conv_impl.h"
#include "compiler/interp/kernel_util.h"
#include "compiler/interp/quant_util.h"

namespace tessera::interp {
namespace {

StatusOr<Tensor> floatMatMul(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(2));
  const Tensor &a = context.in(0), &b = context.in(1);
  Shape shape;
  auto out = matmul(toFloats(a), a.shape(), toFloats(b), b.shape(), shape);
  if (!out.ok()) return context.error("%s", out.status().message());
  return fromFloats(a.dtype(), shape, *out);
}

/// Adds `extra` (broadcast to `value`'s shape) to `value`.
Status addBroadcast(const KernelContext &context, Tensor &value, const Tensor &extra) {
  auto shape = graph::broadcastShapes(value.shape(), extra.shape());
  if (!shape.ok() || *shape != value.shape()) return context.error("operand does not broadcast to the result");
  std::vector<int64_t> index = broadcastIndex(extra.shape(), value.shape());
  std::vector<float> values = toFloats(value), e = toFloats(extra);
  for (size_t i = 0; i < values.size(); ++i) values[i] += e[index[i]];
  value = fromFloats(value.dtype(), value.shape(), values);
  return absl::OkStatus();
}

StatusOr<Tensor> gemm(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(2));
  const Tensor &a = context.in(0), &b = context.in(1);
  if (a.shape().size() != 2 || b.shape().size() != 2) return context.error("A and B must be matrices");
  std::vector<float> av = toFloats(a), bv = toFloats(b);
  if (context.attrs().getInt("transA", 0)) av = toFloats(transposeTensor(a, {1, 0}));
  if (context.attrs().getInt("transB", 0)) bv = toFloats(transposeTensor(b, {1, 0}));
  Shape sa = a.shape(), sb = b.shape();
  if (context.attrs().getInt("transA", 0)) std::swap(sa[0], sa[1]);
  if (context.attrs().getInt("transB", 0)) std::swap(sb[0], sb[1]);
  Shape shape;
  auto product = matmul(av, sa, bv, sb, shape);
  if (!product.ok()) return context.error("%s", product.status().message());
  float alpha = context.attrs().getFloat("alpha", 1.f), beta = context.attrs().getFloat("beta", 1.f);
  for (float &v : *product) v *= alpha;
  Tensor out = fromFloats(a.dtype(), shape, *product);
  if (context.has(2) && beta != 0) {
    Tensor c = context.in(2);
    std::vector<float> cv = toFloats(c);
    for (float &v : cv) v *= beta;
    TS_RETURN_IF_ERROR(addBroadcast(context, out, fromFloats(DType::F32, c.shape(), cv)));
  }
  return out;
}

} // namespace

KernelResult kernelMatMul(const KernelContext &context) {
  TS_ASSIGN_OR_RETURN(Tensor out, floatMatMul(context));
  return std::vector<Tensor>{out};
}

KernelResult kernelGemm(const KernelContext &context) {
  TS_ASSIGN_OR_RETURN(Tensor out, gemm(context));
  return std::vector<Tensor>{out};
}

KernelResult kernelMatMulInteger(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(2));
  const Tensor &a = context.in(0), &b = context.in(1);
  std::vector<double> av = toDoubles(a), bv = toDoubles(b);
  subtractZeroPoint(av, a.shape(), context.has(2) ? &context.in(2) : nullptr, a.shape().size() - 2);
  subtractZeroPoint(bv, b.shape(), context.has(3) ? &context.in(3) : nullptr, b.shape().size() - 1);
  Shape shape;
  auto out = matmul(av, a.shape(), bv, b.shape(), shape);
  if (!out.ok()) return context.error("%s", out.status().message());
  return std::vector<Tensor>{fromDoubles(DType::I32, shape, *out)};
}

KernelResult kernelQLinearMatMul(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(8));
  const Tensor &a = context.in(0), &b = context.in(3);
  std::vector<double> av = toDoubles(a), bv = toDoubles(b);
  subtractZeroPoint(av, a.shape(), &context.in(2), a.shape().size() - 2);
  subtractZeroPoint(bv, b.shape(), &context.in(5), b.shape().size() - 1);
  Shape shape;
  auto out = matmul(av, a.shape(), bv, b.shape(), shape);
  if (!out.ok()) return context.error("%s", out.status().message());
  std::vector<double> bScale = toDoubles(context.in(4));
  double scale = toDoubles(context.in(1)).at(0) / toDoubles(context.in(6)).at(0);
  int64_t n = shape.empty() ? 1 : shape.back();
  for (size_t i = 0; i < out->size(); ++i) (*out)[i] *= scale * bScale[bScale.size() == 1 ? 0 : i % n];
  return std::vector<Tensor>{requantize(*out, shape, context.in(7))};
}

namespace {

/// Index along the quantization axis for each element (0 when per-tensor).
std::vector<int64_t> quantAxisIndex(const KernelContext &context, const Tensor &x, const Tensor &scale) {
  std::vector<int64_t> index(x.elementCount(), 0);
  if (scale.elementCount() <= 1) return index;
  auto axis = graph::normalizeAxis(context.attrs().getInt("axis", 1), x.shape().size());
  int64_t a = axis.ok() ? *axis : 1;
  int64_t inner = stridesOf(x.shape())[a], extent = x.shape()[a];
  for (size_t i = 0; i < index.size(); ++i) index[i] = (i / inner) % extent;
  return index;
}

} // namespace

KernelResult kernelQuantizeLinear(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(2));
  const Tensor &x = context.in(0), &scale = context.in(1);
  Tensor zeroPoint = context.has(2) ? context.in(2) : Tensor(DType::U8, {});
  std::vector<double> xv = toDoubles(x), sv = toDoubles(scale), zv = toDoubles(zeroPoint);
  std::vector<int64_t> index = quantAxisIndex(context, x, scale);
  double lo, hi;
  integerRange(zeroPoint.dtype(), lo, hi);
  for (size_t i = 0; i < xv.size(); ++i) {
    if (std::isnan(xv[i]))
      return invalidInput("QuantizeLinear: element %d of the input is NaN, which an integer cannot represent", i);
    int64_t c = index[i];
    // ONNX divides in the input's precision (f32) before rounding half to even.
    double q = x.dtype() == DType::F32 ? static_cast<float>(xv[i]) / static_cast<float>(sv[c]) : xv[i] / sv[c];
    xv[i] = std::clamp(std::nearbyint(q) + zv[zv.size() == 1 ? 0 : c], lo, hi);
  }
  return std::vector<Tensor>{fromDoubles(zeroPoint.dtype(), x.shape(), xv)};
}

KernelResult kernelDequantizeLinear(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(2));
  const Tensor &x = context.in(0), &scale = context.in(1);
  std::vector<double> xv = toDoubles(x), sv = toDoubles(scale);
  std::vector<double> zv = context.has(2) ? toDoubles(context.in(2)) : std::vector<double>{0};
  std::vector<int64_t> index = quantAxisIndex(context, x, scale);
  for (size_t i = 0; i < xv.size(); ++i) {
    int64_t c = index[i];
    xv[i] = (xv[i] - zv[zv.size() == 1 ? 0 : c]) * sv[c];
  }
  return std::vector<Tensor>{fromDoubles(scale.dtype(), x.shape(), xv)};
}

KernelResult kernelDynamicQuantizeLinear(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(1));
  const Tensor &x = context.in(0);
  std::vector<double> xv = toDoubles(x);
  double lo = 0, hi = 0;
  for (double v : xv) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  // f32 arithmetic throughout, as ONNX specifies the op.
  float scale = (static_cast<float>(hi) - static_cast<float>(lo)) / 255.0f;
  float zeroPoint = scale == 0 ? 0.f : std::clamp(std::nearbyint(0.f - static_cast<float>(lo) / scale), 0.f, 255.f);
  for (double &v : xv)
    v = scale == 0 ? zeroPoint : std::clamp(std::nearbyint(static_cast<float>(v) / scale) + zeroPoint, 0.f, 255.f);
  return std::vector<Tensor>{fromDoubles(DType::U8, x.shape(), xv), scalarTensor<float>(DType::F32, scale),
                             scalarTensor<uint8_t>(DType::U8, static_cast<uint8_t>(zeroPoint))};
}

} // namespace tessera::interp
