//===- conv_impl.h - Convolution and matrix products shared by kernels ---------===//
//
// Conv, ConvInteger and QLinearConv share one N-d grouped convolution
// (im2col + GEMM per group); MatMul and its integer and fused variants share one
// broadcasting batched matrix product. Both are templated on the element type used
// for accumulation: float for f32 models (fast), double for integer inputs (exact).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <vector>

#include "compiler/graph/conv_geometry.h"
#include "compiler/interp/kernels.h"

namespace tessera::interp {

/// out[n, m, o...] = sum over c in group, k of x[n, c, o*s - p + k*d] * w[m, c, k].
template <typename T>
std::vector<T> convolve(const std::vector<T> &x, const Shape &xShape, const std::vector<T> &w,
                        const Shape &wShape, int64_t group, const graph::WindowGeometry &geometry);

/// Batched matrix product with numpy broadcasting; returns the result shape too.
template <typename T>
StatusOr<std::vector<T>> matmul(const std::vector<T> &a, const Shape &aShape, const std::vector<T> &b,
                                const Shape &bShape, Shape &outShape);

/// The Conv output shape for input and weight shapes; errors name the node.
StatusOr<graph::WindowGeometry> convGeometry(const KernelContext &context, const Shape &xShape,
                                             const Shape &wShape);

} // namespace tessera::interp
