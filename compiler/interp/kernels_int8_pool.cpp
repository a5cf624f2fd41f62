//===- kernels_int8_pool.cpp - int8 pooling as the accelerator computes it -----===//
//
// QMaxPool is the max lane over the window's positions inside the input (as ONNX's
// MaxPool). QAveragePool and QGlobalAveragePool sum the window in int32 (padding
// contributes zeros, as the DMA engine's zero padding does) and requantize the sum:
// the requant operand holds s_in / (s_out * window size), so dividing by the window is
// part of the one fixed-point rescale (ONNX's count_include_pad = 1 semantics).
//
//===----------------------------------------------------------------------===//
#include "compiler/graph/conv_geometry.h"
#include "compiler/graph/int8_ops.h"
#include "compiler/interp/kernel_util.h"
#include "compiler/interp/kernels.h"
#include "compiler/quant/arith/fixed_point.h"

namespace tessera::interp {
namespace {

struct PoolShape {
  graph::WindowGeometry geometry;
  Shape spatial;
  int64_t planes = 0;
};

StatusOr<PoolShape> poolShape(const KernelContext &context) {
  const Tensor &x = context.in(0);
  if (x.dtype() != DType::I8 || x.shape().size() < 3) return context.error("needs an i8 input of rank at least 3");
  PoolShape pool;
  pool.spatial = Shape(x.shape().begin() + 2, x.shape().end());
  pool.planes = x.shape()[0] * x.shape()[1];
  auto g = graph::computeWindowGeometry(context.attrs(), pool.spatial, context.attrs().getInts("kernel_shape"),
                                        context.attrs().getInt("ceil_mode", 0) != 0);
  if (!g.ok()) return context.error("%s", g.status().message());
  pool.geometry = *g;
  return pool;
}

/// Reduces every window with `lane` (max or add) over the positions inside the input,
/// starting from `empty` (the lane's identity on int8 values: -128 for max, 0 for add).
template <typename Lane>
std::vector<int64_t> reduceWindows(const Tensor &x, const PoolShape &pool, Lane lane, int32_t empty) {
  const graph::WindowGeometry &g = pool.geometry;
  int64_t inCount = shapeElementCount(pool.spatial), outCount = shapeElementCount(g.output);
  int64_t kernelCount = shapeElementCount(g.kernel);
  std::vector<int64_t> strides = stridesOf(pool.spatial), oIndex, kIndex, out(pool.planes * outCount);
  const int8_t *xs = x.data<int8_t>();
  for (int64_t o = 0; o < outCount; ++o) {
    unravel(o, g.output, oIndex);
    for (int64_t plane = 0; plane < pool.planes; ++plane) {
      int32_t acc = empty;
      for (int64_t k = 0; k < kernelCount; ++k) {
        unravel(k, g.kernel, kIndex);
        int64_t offset = 0;
        bool inside = true;
        for (size_t d = 0; d < pool.spatial.size() && inside; ++d) {
          int64_t position = oIndex[d] * g.strides[d] - g.padBegin[d] + kIndex[d] * g.dilations[d];
          inside = position >= 0 && position < pool.spatial[d];
          offset += position * strides[d];
        }
        if (!inside) continue;
        int32_t value = xs[plane * inCount + offset];
        acc = lane(acc, value);
      }
      out[plane * outCount + o] = acc;
    }
  }
  return out;
}

Shape pooledShape(const Tensor &x, const Shape &spatial) {
  Shape shape = {x.shape()[0], x.shape()[1]};
  shape.insert(shape.end(), spatial.begin(), spatial.end());
  return shape;
}

StatusOr<graph::Int8OpAttrs> readAttrs(const KernelContext &context, bool needsRequant) {
  auto attrs = graph::readInt8OpAttrs(context.attrs(), 1, needsRequant);
  if (!attrs.ok()) return context.error("%s", attrs.status().message());
  return attrs;
}

/// Requant (when given) and clip of every accumulator.
Tensor finishAll(std::vector<int64_t> acc, const Shape &shape, const graph::Int8OpAttrs &attrs) {
  for (int64_t &value : acc) {
    auto lane = int32_t(value);
    if (!attrs.multipliers.empty()) lane = quant::requantLane(lane, {attrs.multipliers[0], attrs.shifts[0]});
    value = quant::clipLane(lane, attrs.clipLo, attrs.clipHi);
  }
  return fromInts(DType::I8, shape, acc);
}

} // namespace

KernelResult kernelQMaxPool(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(1));
  TS_ASSIGN_OR_RETURN(PoolShape pool, poolShape(context));
  TS_ASSIGN_OR_RETURN(graph::Int8OpAttrs attrs, readAttrs(context, /*needsRequant=*/false));
  std::vector<int64_t> acc = reduceWindows(context.in(0), pool, quant::maxLane, -128);
  return std::vector<Tensor>{finishAll(std::move(acc), pooledShape(context.in(0), pool.geometry.output), attrs)};
}

KernelResult kernelQAveragePool(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(1));
  TS_ASSIGN_OR_RETURN(PoolShape pool, poolShape(context));
  TS_ASSIGN_OR_RETURN(graph::Int8OpAttrs attrs, readAttrs(context, /*needsRequant=*/true));
  std::vector<int64_t> acc = reduceWindows(context.in(0), pool, quant::addLane, 0);
  return std::vector<Tensor>{finishAll(std::move(acc), pooledShape(context.in(0), pool.geometry.output), attrs)};
}

KernelResult kernelQGlobalAveragePool(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(1));
  const Tensor &x = context.in(0);
  if (x.dtype() != DType::I8 || x.shape().size() < 2) return context.error("needs an i8 input of rank at least 2");
  TS_ASSIGN_OR_RETURN(graph::Int8OpAttrs attrs, readAttrs(context, /*needsRequant=*/true));
  int64_t planes = x.shape()[0] * x.shape()[1], inner = planes == 0 ? 0 : x.elementCount() / planes;
  const int8_t *xs = x.data<int8_t>();
  std::vector<int64_t> acc(planes, 0);
  for (int64_t plane = 0; plane < planes; ++plane) {
    int32_t sum = 0;
    for (int64_t i = 0; i < inner; ++i) sum = quant::addLane(sum, xs[plane * inner + i]);
    acc[plane] = sum;
  }
  Shape shape = x.shape();
  for (size_t d = 2; d < shape.size(); ++d) shape[d] = 1;
  return std::vector<Tensor>{finishAll(std::move(acc), shape, attrs)};
}

} // namespace tessera::interp
