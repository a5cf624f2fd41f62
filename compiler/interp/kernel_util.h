//===- kernel_util.h - Element conversion and indexing for kernels -------------===//
#pragma once

#include <vector>

#include "support/tensor.h"

namespace tessera::interp {

std::vector<double> toDoubles(const Tensor &tensor);
std::vector<float> toFloats(const Tensor &tensor);
std::vector<int64_t> toInts(const Tensor &tensor);
Tensor fromDoubles(DType dtype, const Shape &shape, const std::vector<double> &values);
Tensor fromFloats(DType dtype, const Shape &shape, const std::vector<float> &values);
Tensor fromInts(DType dtype, const Shape &shape, const std::vector<int64_t> &values);

/// Row-major strides of a shape.
std::vector<int64_t> stridesOf(const Shape &shape);
/// For each element of `out` (a broadcast of `in`), the linear index into `in`.
std::vector<int64_t> broadcastIndex(const Shape &in, const Shape &out);
/// Multi-index of linear index `linear` in `shape`.
void unravel(int64_t linear, const Shape &shape, std::vector<int64_t> &index);

/// A tensor with the same bytes and a new shape (element count must match).
Tensor reshaped(const Tensor &tensor, const Shape &shape);
/// Copies elements by a gather map: out[i] = in[map[i]].
Tensor gatherElementsByIndex(const Tensor &in, const Shape &outShape, const std::vector<int64_t> &map);
/// Transposes by a permutation.
Tensor transposeTensor(const Tensor &in, const std::vector<int64_t> &perm);

/// A scalar tensor.
template <typename T> Tensor scalarTensor(DType dtype, T value) {
  Tensor tensor(dtype, {});
  *tensor.data<T>() = value;
  return tensor;
}

} // namespace tessera::interp
