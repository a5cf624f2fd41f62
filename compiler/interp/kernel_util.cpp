//===- kernel_util.cpp - Element conversion and indexing for kernels -----------===//
#include "compiler/interp/kernel_util.h"

#include <cassert>
#include <cstring>

#include "compiler/graph/dtype_dispatch.h"

namespace tessera::interp {

using graph::loadAsDouble;
using graph::loadAsInt;
using graph::storeFromDouble;

std::vector<double> toDoubles(const Tensor &tensor) {
  std::vector<double> values(tensor.elementCount());
  if (tensor.dtype() == DType::F32) {
    const float *data = tensor.data<float>();
    for (size_t i = 0; i < values.size(); ++i) values[i] = data[i];
    return values;
  }
  for (size_t i = 0; i < values.size(); ++i) values[i] = loadAsDouble(tensor.dtype(), tensor.bytes(), i);
  return values;
}

std::vector<float> toFloats(const Tensor &tensor) {
  if (tensor.dtype() == DType::F32) {
    const float *data = tensor.data<float>();
    return std::vector<float>(data, data + tensor.elementCount());
  }
  std::vector<float> values(tensor.elementCount());
  for (size_t i = 0; i < values.size(); ++i)
    values[i] = static_cast<float>(loadAsDouble(tensor.dtype(), tensor.bytes(), i));
  return values;
}

std::vector<int64_t> toInts(const Tensor &tensor) {
  std::vector<int64_t> values(tensor.elementCount());
  for (size_t i = 0; i < values.size(); ++i) values[i] = loadAsInt(tensor.dtype(), tensor.bytes(), i);
  return values;
}

Tensor fromDoubles(DType dtype, const Shape &shape, const std::vector<double> &values) {
  Tensor tensor(dtype, shape);
  if (dtype == DType::F32) {
    float *data = tensor.data<float>();
    for (size_t i = 0; i < values.size(); ++i) data[i] = static_cast<float>(values[i]);
    return tensor;
  }
  for (size_t i = 0; i < values.size(); ++i) storeFromDouble(dtype, tensor.bytes(), i, values[i]);
  return tensor;
}

Tensor fromFloats(DType dtype, const Shape &shape, const std::vector<float> &values) {
  Tensor tensor(dtype, shape);
  if (dtype == DType::F32) {
    std::memcpy(tensor.bytes(), values.data(), values.size() * sizeof(float));
    return tensor;
  }
  for (size_t i = 0; i < values.size(); ++i) storeFromDouble(dtype, tensor.bytes(), i, values[i]);
  return tensor;
}

Tensor fromInts(DType dtype, const Shape &shape, const std::vector<int64_t> &values) {
  Tensor tensor(dtype, shape);
  size_t size = dtypeSize(dtype);
  for (size_t i = 0; i < values.size(); ++i) {
    if (graph::isFloatType(dtype)) {
      storeFromDouble(dtype, tensor.bytes(), i, static_cast<double>(values[i]));
    } else if (dtype == DType::Bool) {
      tensor.bytes()[i] = values[i] != 0;
    } else {
      std::memcpy(tensor.bytes() + i * size, &values[i], size); // little-endian truncation
    }
  }
  return tensor;
}

std::vector<int64_t> stridesOf(const Shape &shape) {
  std::vector<int64_t> strides(shape.size(), 1);
  for (size_t i = shape.size(); i-- > 1;) strides[i - 1] = strides[i] * shape[i];
  return strides;
}

std::vector<int64_t> broadcastIndex(const Shape &in, const Shape &out) {
  int64_t count = shapeElementCount(out);
  std::vector<int64_t> map(count);
  size_t offset = out.size() - in.size();
  std::vector<int64_t> inStrides = stridesOf(in);
  // Effective stride per output dimension: 0 where `in` broadcasts.
  std::vector<int64_t> stride(out.size(), 0);
  for (size_t d = 0; d < in.size(); ++d) stride[d + offset] = in[d] == 1 ? 0 : inStrides[d];
  std::vector<int64_t> index(out.size(), 0);
  int64_t position = 0;
  for (int64_t i = 0; i < count; ++i) {
    map[i] = position;
    for (size_t d = out.size(); d-- > 0;) {
      ++index[d];
      position += stride[d];
      if (index[d] < out[d]) break;
      position -= stride[d] * index[d];
      index[d] = 0;
    }
  }
  return map;
}

void unravel(int64_t linear, const Shape &shape, std::vector<int64_t> &index) {
  index.resize(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    index[d] = shape[d] == 0 ? 0 : linear % shape[d];
    linear = shape[d] == 0 ? 0 : linear / shape[d];
  }
}

Tensor reshaped(const Tensor &tensor, const Shape &shape) {
  assert(shapeElementCount(shape) == tensor.elementCount());
  Tensor result(tensor.dtype(), shape);
  result.storage() = tensor.storage();
  return result;
}

Tensor gatherElementsByIndex(const Tensor &in, const Shape &outShape, const std::vector<int64_t> &map) {
  Tensor out(in.dtype(), outShape);
  size_t size = dtypeSize(in.dtype());
  for (size_t i = 0; i < map.size(); ++i) std::memcpy(out.bytes() + i * size, in.bytes() + map[i] * size, size);
  return out;
}

Tensor transposeTensor(const Tensor &in, const std::vector<int64_t> &perm) {
  Shape outShape;
  for (int64_t p : perm) outShape.push_back(in.shape()[p]);
  std::vector<int64_t> inStrides = stridesOf(in.shape());
  Shape permutedStrides;
  for (int64_t p : perm) permutedStrides.push_back(inStrides[p]);
  // Treat the permuted input as a broadcast-free strided view.
  int64_t count = shapeElementCount(outShape);
  std::vector<int64_t> map(count);
  std::vector<int64_t> index(outShape.size(), 0);
  int64_t position = 0;
  for (int64_t i = 0; i < count; ++i) {
    map[i] = position;
    for (size_t d = outShape.size(); d-- > 0;) {
      ++index[d];
      position += permutedStrides[d];
      if (index[d] < outShape[d]) break;
      position -= permutedStrides[d] * index[d];
      index[d] = 0;
    }
  }
  return gatherElementsByIndex(in, outShape, map);
}

} // namespace tessera::interp
