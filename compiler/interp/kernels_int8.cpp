//===- kernels_int8.cpp - The accelerator's int8 ops, bit-exact ----------------===//
//
// Reference kernels of the quantized ops (docs/quantization.md). Products and sums are
// exact integers wrapped to int32 as the GEMM core and the ALU wrap; rescaling,
// clamping, multiplication by immediates, max and min go through the ALU lane
// functions of compiler/quant/arith/fixed_point.h, which call the single definition
// (isa/alu_ops.h) the golden executor uses. These kernels are therefore the golden of
// the int8 code the back end emits.
//
//===----------------------------------------------------------------------===//
#include <algorithm>

#include "compiler/graph/infer_util.h"
#include "compiler/graph/int8_ops.h"
#include "compiler/interp/conv_impl.h"
#include "compiler/interp/kernel_util.h"
#include "compiler/quant/arith/fixed_point.h"
#include "compiler/quant/arith/lut_table.h"

namespace tessera::interp {
namespace {

using graph::Int8OpAttrs;
using quant::RequantParams;

/// Wraps an exact integer sum to int32 (two's complement), as the accumulators do.
int32_t wrapInt32(int64_t value) { return int32_t(uint32_t(uint64_t(value))); }

StatusOr<Int8OpAttrs> readAttrs(const KernelContext &context, int64_t channels, bool needsRequant) {
  auto attrs = graph::readInt8OpAttrs(context.attrs(), channels, needsRequant);
  if (!attrs.ok()) return context.error("%s", attrs.status().message());
  return attrs;
}

/// Requant operand of output channel `channel` (the only one when per tensor).
RequantParams requantOf(const Int8OpAttrs &attrs, int64_t channel) {
  size_t i = attrs.multipliers.size() == 1 ? 0 : size_t(channel);
  return RequantParams{attrs.multipliers[i], attrs.shifts[i]};
}

/// The epilogue every int8 op shares: requant (when present), then the clip lane.
int32_t finish(int32_t acc, const Int8OpAttrs &attrs, int64_t channel) {
  int32_t value = attrs.multipliers.empty() ? acc : quant::requantLane(acc, requantOf(attrs, channel));
  return quant::clipLane(value, attrs.clipLo, attrs.clipHi);
}

Status requireInt8(const KernelContext &context, size_t count) {
  TS_RETURN_IF_ERROR(context.require(count));
  for (size_t i = 0; i < count; ++i)
    if (context.in(i).dtype() != DType::I8) return context.error("input %d must be i8", i);
  return absl::OkStatus();
}

/// int32 bias of `channels` entries, or zeros when absent.
StatusOr<std::vector<int64_t>> biasOf(const KernelContext &context, size_t index, int64_t channels) {
  if (!context.has(index)) return std::vector<int64_t>(channels, 0);
  const Tensor &bias = context.in(index);
  if (bias.dtype() != DType::I32 || bias.elementCount() != channels)
    return context.error("bias must be i32[%d]", channels);
  return toInts(bias);
}

/// Requantizes int32 accumulators laid out [outer, channels, inner] into int8.
Tensor requantizeChannels(const std::vector<int64_t> &acc, const Shape &shape, int64_t channels,
                          int64_t inner, const Int8OpAttrs &attrs) {
  std::vector<int64_t> out(acc.size());
  for (size_t i = 0; i < acc.size(); ++i) {
    int64_t channel = inner == 0 ? 0 : int64_t(i) / inner % channels;
    out[i] = finish(wrapInt32(acc[i]), attrs, channel);
  }
  return fromInts(DType::I8, shape, out);
}

} // namespace

KernelResult kernelQConv(const KernelContext &context) {
  TS_RETURN_IF_ERROR(requireInt8(context, 2));
  const Tensor &x = context.in(0), &w = context.in(1);
  TS_ASSIGN_OR_RETURN(graph::WindowGeometry geometry, convGeometry(context, x.shape(), w.shape()));
  int64_t channels = w.shape()[0], inner = shapeElementCount(geometry.output);
  TS_ASSIGN_OR_RETURN(Int8OpAttrs attrs, readAttrs(context, channels, /*needsRequant=*/true));
  TS_ASSIGN_OR_RETURN(std::vector<int64_t> bias, biasOf(context, 2, channels));
  // Doubles hold every int8 product sum exactly (|sum| < 2^53).
  std::vector<double> sums = convolve(toDoubles(x), x.shape(), toDoubles(w), w.shape(),
                                      context.attrs().getInt("group", 1), geometry);
  std::vector<int64_t> acc(sums.size());
  for (size_t i = 0; i < sums.size(); ++i) acc[i] = int64_t(sums[i]) + bias[int64_t(i) / inner % channels];
  Shape shape = {x.shape()[0], channels};
  shape.insert(shape.end(), geometry.output.begin(), geometry.output.end());
  return std::vector<Tensor>{requantizeChannels(acc, shape, channels, inner, attrs)};
}

KernelResult kernelQGemm(const KernelContext &context) {
  TS_RETURN_IF_ERROR(requireInt8(context, 2));
  const Tensor &x = context.in(0), &w = context.in(1);
  if (x.shape().empty() || w.shape().size() != 2 || x.shape().back() != w.shape()[1])
    return context.error("needs x[..., K] and w[M, K], got %s and %s", shapeToString(x.shape()),
                         shapeToString(w.shape()));
  int64_t k = w.shape()[1], m = w.shape()[0], rows = k == 0 ? 0 : x.elementCount() / k;
  TS_ASSIGN_OR_RETURN(Int8OpAttrs attrs, readAttrs(context, m, /*needsRequant=*/true));
  TS_ASSIGN_OR_RETURN(std::vector<int64_t> bias, biasOf(context, 2, m));
  const int8_t *xs = x.data<int8_t>(), *ws = w.data<int8_t>();
  std::vector<int64_t> acc(rows * m);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < m; ++j) {
      int64_t sum = bias[j];
      for (int64_t i = 0; i < k; ++i) sum += int64_t(xs[r * k + i]) * ws[j * k + i];
      acc[r * m + j] = sum;
    }
  Shape shape = x.shape();
  shape.back() = m;
  return std::vector<Tensor>{requantizeChannels(acc, shape, m, 1, attrs)};
}

KernelResult kernelQAdd(const KernelContext &context) {
  TS_RETURN_IF_ERROR(requireInt8(context, 2));
  const Tensor &a = context.in(0), &b = context.in(1);
  if (a.shape() != b.shape()) return context.error("operands must have one shape");
  TS_ASSIGN_OR_RETURN(Int8OpAttrs attrs, readAttrs(context, 1, /*needsRequant=*/true));
  auto mulA = int32_t(context.attrs().getInt("mul_a", 1)), mulB = int32_t(context.attrs().getInt("mul_b", 1));
  const int8_t *as = a.data<int8_t>(), *bs = b.data<int8_t>();
  std::vector<int64_t> out(a.elementCount());
  for (size_t i = 0; i < out.size(); ++i) {
    int32_t sum = quant::addLane(quant::mulLane(as[i], mulA), quant::mulLane(bs[i], mulB));
    out[i] = finish(sum, attrs, 0);
  }
  return std::vector<Tensor>{fromInts(DType::I8, a.shape(), out)};
}

KernelResult kernelQMul(const KernelContext &context) {
  TS_RETURN_IF_ERROR(requireInt8(context, 2));
  const Tensor &a = context.in(0), &b = context.in(1);
  auto shape = graph::broadcastShapes(a.shape(), b.shape());
  if (!shape.ok()) return context.error("%s", shape.status().message());
  TS_ASSIGN_OR_RETURN(Int8OpAttrs attrs, readAttrs(context, 1, /*needsRequant=*/true));
  std::vector<int64_t> ai = broadcastIndex(a.shape(), *shape), bi = broadcastIndex(b.shape(), *shape);
  const int8_t *as = a.data<int8_t>(), *bs = b.data<int8_t>();
  std::vector<int64_t> out(ai.size());
  for (size_t i = 0; i < out.size(); ++i) out[i] = finish(quant::mulLane(as[ai[i]], bs[bi[i]]), attrs, 0);
  return std::vector<Tensor>{fromInts(DType::I8, *shape, out)};
}

KernelResult kernelQMatMul(const KernelContext &context) {
  TS_RETURN_IF_ERROR(requireInt8(context, 2));
  const Tensor &a = context.in(0), &b = context.in(1);
  if (a.shape().size() < 2 || b.shape().size() < 2)
    return context.error("operands must have rank 2 or more, got %s and %s", shapeToString(a.shape()),
                         shapeToString(b.shape()));
  TS_ASSIGN_OR_RETURN(Int8OpAttrs attrs, readAttrs(context, 1, /*needsRequant=*/true));
  Shape shape;
  // Doubles hold every int8 product sum exactly (|sum| < 2^53).
  auto sums = matmul(toDoubles(a), a.shape(), toDoubles(b), b.shape(), shape);
  if (!sums.ok()) return context.error("%s", sums.status().message());
  std::vector<int64_t> acc(sums->size());
  for (size_t i = 0; i < acc.size(); ++i) acc[i] = int64_t((*sums)[i]);
  return std::vector<Tensor>{requantizeChannels(acc, shape, 1, 0, attrs)};
}

KernelResult kernelQMinMax(const KernelContext &context) {
  TS_RETURN_IF_ERROR(requireInt8(context, 2));
  const Tensor &a = context.in(0), &b = context.in(1);
  if (a.shape() != b.shape()) return context.error("operands must have one shape");
  TS_ASSIGN_OR_RETURN(Int8OpAttrs attrs, readAttrs(context, 1, /*needsRequant=*/false));
  bool isMax = context.node.op == "QMax";
  const int8_t *as = a.data<int8_t>(), *bs = b.data<int8_t>();
  std::vector<int64_t> out(a.elementCount());
  for (size_t i = 0; i < out.size(); ++i)
    out[i] = finish(isMax ? quant::maxLane(as[i], bs[i]) : quant::minLane(as[i], bs[i]), attrs, 0);
  return std::vector<Tensor>{fromInts(DType::I8, a.shape(), out)};
}

KernelResult kernelQClip(const KernelContext &context) {
  TS_RETURN_IF_ERROR(requireInt8(context, 1));
  const Tensor &x = context.in(0);
  TS_ASSIGN_OR_RETURN(Int8OpAttrs attrs, readAttrs(context, 1, /*needsRequant=*/false));
  const int8_t *xs = x.data<int8_t>();
  std::vector<int64_t> out(x.elementCount());
  for (size_t i = 0; i < out.size(); ++i) out[i] = finish(xs[i], attrs, 0);
  return std::vector<Tensor>{fromInts(DType::I8, x.shape(), out)};
}

/// QLut: every element through the 256-entry table, as the ALU's `lut` lane does.
KernelResult kernelQLut(const KernelContext &context) {
  TS_RETURN_IF_ERROR(requireInt8(context, 1));
  const Tensor &x = context.in(0);
  auto table = graph::readLutTable(context.attrs());
  if (!table.ok()) return context.error("%s", table.status().message());
  const int8_t *xs = x.data<int8_t>();
  std::vector<int64_t> out(x.elementCount());
  for (size_t i = 0; i < out.size(); ++i) out[i] = quant::lutLane(*table, xs[i]);
  return std::vector<Tensor>{fromInts(DType::I8, x.shape(), out)};
}

} // namespace tessera::interp
