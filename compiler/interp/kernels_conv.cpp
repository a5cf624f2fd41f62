//===- kernels_conv.cpp - Convolutions and pooling -----------------------------===//
#include <cmath>
#include <limits>

#include "compiler/graph/dtype_dispatch.h"
#include "compiler/interp/conv_impl.h"
#include "compiler/interp/kernel_util.h"
#include "compiler/interp/quant_util.h"

namespace tessera::interp {
namespace {

/// Adds a per-output-channel bias to an N,C,... tensor with `inner` elements per channel.
template <typename T>
void addChannelBias(std::vector<T> &out, const std::vector<T> &bias, int64_t channels, int64_t inner) {
  if (inner == 0) return;
  for (size_t i = 0; i < out.size(); ++i) out[i] += bias[(i / inner) % channels];
}

StatusOr<Tensor> floatConv(const KernelContext &context, size_t biasIndex) {
  TS_RETURN_IF_ERROR(context.require(2));
  const Tensor &x = context.in(0), &w = context.in(1);
  TS_ASSIGN_OR_RETURN(graph::WindowGeometry geometry, convGeometry(context, x.shape(), w.shape()));
  std::vector<float> out = convolve(toFloats(x), x.shape(), toFloats(w), w.shape(),
                                    context.attrs().getInt("group", 1), geometry);
  if (context.has(biasIndex)) addChannelBias(out, toFloats(context.in(biasIndex)), w.shape()[0], shapeElementCount(geometry.output));
  Shape shape = {x.shape()[0], w.shape()[0]};
  shape.insert(shape.end(), geometry.output.begin(), geometry.output.end());
  return fromFloats(x.dtype(), shape, out);
}

/// A row-major offset within `shape` re-expressed in column-major order.
int64_t transposeOffset(int64_t offset, const Shape &shape) {
  std::vector<int64_t> index;
  unravel(offset, shape, index);
  int64_t result = 0, stride = 1;
  for (size_t d = 0; d < shape.size(); ++d) {
    result += index[d] * stride;
    stride *= shape[d];
  }
  return result;
}

} // namespace

KernelResult kernelConv(const KernelContext &context) {
  TS_ASSIGN_OR_RETURN(Tensor out, floatConv(context, 2));
  return std::vector<Tensor>{out};
}

KernelResult kernelConvInteger(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(2));
  const Tensor &x = context.in(0), &w = context.in(1);
  TS_ASSIGN_OR_RETURN(graph::WindowGeometry geometry, convGeometry(context, x.shape(), w.shape()));
  std::vector<double> xs = toDoubles(x), ws = toDoubles(w);
  subtractZeroPoint(xs, x.shape(), context.has(2) ? &context.in(2) : nullptr, 1);
  subtractZeroPoint(ws, w.shape(), context.has(3) ? &context.in(3) : nullptr, 0);
  std::vector<double> out = convolve(xs, x.shape(), ws, w.shape(), context.attrs().getInt("group", 1), geometry);
  Shape shape = {x.shape()[0], w.shape()[0]};
  shape.insert(shape.end(), geometry.output.begin(), geometry.output.end());
  return std::vector<Tensor>{fromDoubles(DType::I32, shape, out)};
}

KernelResult kernelQLinearConv(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(8));
  const Tensor &x = context.in(0), &w = context.in(3);
  TS_ASSIGN_OR_RETURN(graph::WindowGeometry geometry, convGeometry(context, x.shape(), w.shape()));
  std::vector<double> xs = toDoubles(x), ws = toDoubles(w);
  subtractZeroPoint(xs, x.shape(), &context.in(2), 1);
  subtractZeroPoint(ws, w.shape(), &context.in(5), 0);
  std::vector<double> acc = convolve(xs, x.shape(), ws, w.shape(), context.attrs().getInt("group", 1), geometry);
  if (context.has(8)) addChannelBias(acc, toDoubles(context.in(8)), w.shape()[0], shapeElementCount(geometry.output));
  Shape shape = {x.shape()[0], w.shape()[0]};
  shape.insert(shape.end(), geometry.output.begin(), geometry.output.end());
  // Real scale per output channel: x_scale * w_scale[m] / y_scale.
  std::vector<double> wScale = toDoubles(context.in(4));
  double xScale = toDoubles(context.in(1)).at(0), yScale = toDoubles(context.in(6)).at(0);
  int64_t inner = shapeElementCount(geometry.output), channels = w.shape()[0];
  for (size_t i = 0; i < acc.size(); ++i) {
    int64_t m = (i / inner) % channels;
    acc[i] *= xScale * wScale[wScale.size() == 1 ? 0 : m] / yScale;
  }
  return std::vector<Tensor>{requantize(acc, shape, context.in(7))};
}

KernelResult kernelConvTranspose(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(2));
  const Tensor &x = context.in(0), &w = context.in(1);
  int64_t group = context.attrs().getInt("group", 1);
  const Shape &xs = x.shape(), &wsh = w.shape();
  if (xs.size() < 3 || wsh.size() != xs.size() || group <= 0 || xs[1] != wsh[0] || xs[1] % group)
    return context.error("input and weight shapes do not fit a transposed convolution");
  Shape kernel(wsh.begin() + 2, wsh.end()), spatial(xs.begin() + 2, xs.end());
  auto g = graph::computeTransposedGeometry(context.attrs(), spatial, kernel);
  if (!g.ok()) return context.error("%s", g.status().message());
  int64_t groupIn = xs[1] / group, groupOut = wsh[1], outChannels = groupOut * group;
  int64_t inCount = shapeElementCount(spatial), outCount = shapeElementCount(g->output);
  int64_t kernelCount = shapeElementCount(kernel);
  std::vector<float> xv = toFloats(x), wv = toFloats(w), out(xs[0] * outChannels * outCount, 0.f);
  std::vector<int64_t> outStrides = stridesOf(g->output), iIndex, kIndex;
  for (int64_t i = 0; i < inCount; ++i) {
    unravel(i, spatial, iIndex);
    for (int64_t k = 0; k < kernelCount; ++k) {
      unravel(k, kernel, kIndex);
      int64_t offset = 0;
      bool inside = true;
      for (size_t d = 0; d < spatial.size() && inside; ++d) {
        int64_t position = iIndex[d] * g->strides[d] + kIndex[d] * g->dilations[d] - g->padBegin[d];
        inside = position >= 0 && position < g->output[d];
        offset += position * outStrides[d];
      }
      if (!inside) continue;
      for (int64_t n = 0; n < xs[0]; ++n)
        for (int64_t c = 0; c < xs[1]; ++c) {
          float value = xv[(n * xs[1] + c) * inCount + i];
          int64_t gi = c / groupIn;
          for (int64_t m = 0; m < groupOut; ++m)
            out[(n * outChannels + gi * groupOut + m) * outCount + offset] += value * wv[(c * groupOut + m) * kernelCount + k];
        }
    }
  }
  if (context.has(2)) addChannelBias(out, toFloats(context.in(2)), outChannels, outCount);
  Shape shape = {xs[0], outChannels};
  shape.insert(shape.end(), g->output.begin(), g->output.end());
  return std::vector<Tensor>{fromFloats(x.dtype(), shape, out)};
}

KernelResult kernelPool(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(1));
  const Tensor &x = context.in(0);
  const std::string &op = context.node.op;
  if (x.shape().size() < 3) return context.error("needs an input of rank at least 3");
  Shape spatial(x.shape().begin() + 2, x.shape().end());
  graph::Ints kernel = context.attrs().getInts("kernel_shape");
  auto g = graph::computeWindowGeometry(context.attrs(), spatial, kernel, context.attrs().getInt("ceil_mode", 0) != 0);
  if (!g.ok()) return context.error("%s", g.status().message());
  bool countPad = context.attrs().getInt("count_include_pad", 0) != 0;
  double p = static_cast<double>(context.attrs().getInt("p", 2));
  bool columnMajor = context.attrs().getInt("storage_order", 0) != 0;
  int64_t planes = x.shape()[0] * x.shape()[1], inCount = shapeElementCount(spatial);
  int64_t outCount = shapeElementCount(g->output), kernelCount = shapeElementCount(g->kernel);
  std::vector<double> xv = toDoubles(x), out(planes * outCount);
  std::vector<int64_t> indices(planes * outCount, 0), strides = stridesOf(spatial), oIndex, kIndex;
  for (int64_t o = 0; o < outCount; ++o) {
    unravel(o, g->output, oIndex);
    for (int64_t plane = 0; plane < planes; ++plane) {
      double acc = op == "MaxPool" ? -INFINITY : 0;
      int64_t count = 0, best = -1;
      for (int64_t k = 0; k < kernelCount; ++k) {
        unravel(k, g->kernel, kIndex);
        int64_t offset = 0;
        bool inside = true, inPadded = true;
        for (size_t d = 0; d < spatial.size(); ++d) {
          int64_t position = oIndex[d] * g->strides[d] - g->padBegin[d] + kIndex[d] * g->dilations[d];
          inside &= position >= 0 && position < spatial[d];
          inPadded &= position < spatial[d] + g->padEnd[d];
          offset += position * strides[d];
        }
        if (countPad && inPadded) ++count;
        if (!inside) continue;
        double v = xv[plane * inCount + offset];
        if (!countPad) ++count;
        // A NaN in the window wins (NaN-propagating max) and keeps its index.
        if (op == "MaxPool" && !std::isnan(acc) && (v > acc || best < 0 || std::isnan(v))) { acc = v; best = offset; }
        else if (op == "AveragePool") acc += v;
        else if (op == "LpPool") acc += std::pow(std::fabs(v), p);
      }
      if (op == "AveragePool") acc /= std::max<int64_t>(count, 1);
      if (op == "LpPool") acc = std::pow(acc, 1 / p);
      out[plane * outCount + o] = acc;
      indices[plane * outCount + o] = best < 0 ? 0 : plane * inCount + (columnMajor ? transposeOffset(best, spatial) : best);
    }
  }
  Shape shape = {x.shape()[0], x.shape()[1]};
  shape.insert(shape.end(), g->output.begin(), g->output.end());
  return std::vector<Tensor>{fromDoubles(x.dtype(), shape, out), fromInts(DType::I64, shape, indices)};
}

KernelResult kernelGlobalPool(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(1));
  const Tensor &x = context.in(0);
  if (x.shape().size() < 2) return context.error("needs an input of rank at least 2");
  int64_t planes = x.shape()[0] * x.shape()[1], inner = planes == 0 ? 0 : x.elementCount() / planes;
  const std::string &op = context.node.op;
  double p = static_cast<double>(context.attrs().getInt("p", 2));
  std::vector<double> xv = toDoubles(x), out(planes);
  for (int64_t plane = 0; plane < planes; ++plane) {
    double acc = op == "GlobalMaxPool" ? -INFINITY : 0;
    for (int64_t i = 0; i < inner; ++i) {
      double v = xv[plane * inner + i];
      if (op == "GlobalMaxPool") acc = std::isnan(acc) || std::isnan(v) ? NAN : std::max(acc, v);
      else if (op == "GlobalLpPool") acc += std::pow(std::fabs(v), p);
      else acc += v;
    }
    if (op == "GlobalAveragePool") acc /= inner;
    if (op == "GlobalLpPool") acc = std::pow(acc, 1 / p);
    out[plane] = acc;
  }
  Shape shape = x.shape();
  for (size_t d = 2; d < shape.size(); ++d) shape[d] = 1;
  return std::vector<Tensor>{fromDoubles(x.dtype(), shape, out)};
}

} // namespace tessera::interp
