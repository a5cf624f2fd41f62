//===- conv_impl.cpp - Convolution and matrix products shared by kernels -------===//
#include "compiler/interp/conv_impl.h"

#include "compiler/graph/infer_util.h"
#include "compiler/interp/kernel_util.h"

namespace tessera::interp {
namespace {

/// C[m x p] += A[m x k] * B[k x p], all row-major.
template <typename T>
void gemmAccumulate(const T *a, const T *b, T *c, int64_t m, int64_t k, int64_t p) {
  for (int64_t i = 0; i < m; ++i)
    for (int64_t kk = 0; kk < k; ++kk) {
      T scale = a[i * k + kk];
      if (scale == T(0)) continue;
      const T *row = b + kk * p;
      T *out = c + i * p;
      for (int64_t j = 0; j < p; ++j) out[j] += scale * row[j];
    }
}

/// Fills col[(c, k) x p] for one image and one group with zero padding.
template <typename T>
void im2col(const T *image, const Shape &spatial, int64_t channels, const graph::WindowGeometry &g,
            std::vector<T> &col) {
  size_t rank = spatial.size();
  int64_t kernelCount = shapeElementCount(g.kernel), outCount = shapeElementCount(g.output);
  int64_t imageCount = shapeElementCount(spatial);
  std::vector<int64_t> strides = stridesOf(spatial), kIndex, oIndex;
  col.assign(channels * kernelCount * outCount, T(0));
  for (int64_t k = 0; k < kernelCount; ++k) {
    unravel(k, g.kernel, kIndex);
    for (int64_t o = 0; o < outCount; ++o) {
      unravel(o, g.output, oIndex);
      int64_t offset = 0;
      bool inside = true;
      for (size_t d = 0; d < rank && inside; ++d) {
        int64_t position = oIndex[d] * g.strides[d] - g.padBegin[d] + kIndex[d] * g.dilations[d];
        inside = position >= 0 && position < spatial[d];
        offset += position * strides[d];
      }
      if (!inside) continue;
      for (int64_t c = 0; c < channels; ++c) col[(c * kernelCount + k) * outCount + o] = image[c * imageCount + offset];
    }
  }
}

} // namespace

template <typename T>
std::vector<T> convolve(const std::vector<T> &x, const Shape &xShape, const std::vector<T> &w,
                        const Shape &wShape, int64_t group, const graph::WindowGeometry &geometry) {
  int64_t batch = xShape[0], inChannels = xShape[1], outChannels = wShape[0];
  Shape spatial(xShape.begin() + 2, xShape.end());
  int64_t groupIn = inChannels / group, groupOut = outChannels / group;
  int64_t imageCount = shapeElementCount(spatial), outCount = shapeElementCount(geometry.output);
  int64_t reduction = groupIn * shapeElementCount(geometry.kernel);
  std::vector<T> out(batch * outChannels * outCount, T(0)), col;
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t g = 0; g < group; ++g) {
      im2col(x.data() + (n * inChannels + g * groupIn) * imageCount, spatial, groupIn, geometry, col);
      gemmAccumulate(w.data() + g * groupOut * reduction, col.data(),
                     out.data() + (n * outChannels + g * groupOut) * outCount, groupOut, reduction, outCount);
    }
  return out;
}

template <typename T>
StatusOr<std::vector<T>> matmul(const std::vector<T> &a, const Shape &aShape, const std::vector<T> &b,
                                const Shape &bShape, Shape &outShape) {
  Shape sa = aShape, sb = bShape;
  if (sa.size() == 1) sa.insert(sa.begin(), 1);
  if (sb.size() == 1) sb.push_back(1);
  if (sa.size() < 2 || sb.size() < 2) return invalidInput("MatMul needs inputs of rank at least 1");
  int64_t m = sa[sa.size() - 2], k = sa.back(), n = sb.back();
  if (sb[sb.size() - 2] != k) return invalidInput("MatMul inner dimensions differ: %d vs %d", k, sb[sb.size() - 2]);
  Shape batchA(sa.begin(), sa.end() - 2), batchB(sb.begin(), sb.end() - 2);
  TS_ASSIGN_OR_RETURN(Shape batch, graph::broadcastShapes(batchA, batchB));
  std::vector<int64_t> ia = broadcastIndex(batchA, batch), ib = broadcastIndex(batchB, batch);
  std::vector<T> out(ia.size() * m * n, T(0));
  for (size_t i = 0; i < ia.size(); ++i)
    gemmAccumulate(a.data() + ia[i] * m * k, b.data() + ib[i] * k * n, out.data() + i * m * n, m, k, n);
  outShape = batch;
  if (aShape.size() > 1) outShape.push_back(m);
  if (bShape.size() > 1) outShape.push_back(n);
  return out;
}

template std::vector<float> convolve(const std::vector<float> &, const Shape &, const std::vector<float> &,
                                     const Shape &, int64_t, const graph::WindowGeometry &);
template std::vector<double> convolve(const std::vector<double> &, const Shape &, const std::vector<double> &,
                                      const Shape &, int64_t, const graph::WindowGeometry &);
template StatusOr<std::vector<float>> matmul(const std::vector<float> &, const Shape &, const std::vector<float> &,
                                             const Shape &, Shape &);
template StatusOr<std::vector<double>> matmul(const std::vector<double> &, const Shape &,
                                              const std::vector<double> &, const Shape &, Shape &);

StatusOr<graph::WindowGeometry> convGeometry(const KernelContext &context, const Shape &xShape,
                                             const Shape &wShape) {
  if (xShape.size() < 3 || xShape.size() != wShape.size())
    return context.error("input rank %d and weight rank %d do not fit a convolution", xShape.size(), wShape.size());
  int64_t group = context.attrs().getInt("group", 1);
  if (group <= 0 || xShape[1] % group != 0 || wShape[0] % group != 0 || xShape[1] / group != wShape[1])
    return context.error("channels (input %d, weight %dx%d) do not fit group %d", xShape[1], wShape[0], wShape[1], group);
  Shape kernel(wShape.begin() + 2, wShape.end());
  auto geometry = graph::computeWindowGeometry(context.attrs(), Shape(xShape.begin() + 2, xShape.end()), kernel,
                                               /*ceilMode=*/false);
  if (!geometry.ok()) return context.error("%s", geometry.status().message());
  return geometry;
}

} // namespace tessera::interp
