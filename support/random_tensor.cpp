//===- random_tensor.cpp - Seeded random tensors -------------------------------------===//
#include "support/random_tensor.h"

#include <random>

namespace tessera {

Tensor seededRandomTensor(DType dtype, const Shape &shape, uint64_t seed) {
  Tensor tensor(dtype, shape);
  std::mt19937_64 rng(seed);
  int64_t count = tensor.elementCount();
  switch (dtype) {
  case DType::I8: {
    std::uniform_int_distribution<int> dist(-128, 127);
    for (int64_t i = 0; i < count; ++i) tensor.data<int8_t>()[i] = int8_t(dist(rng));
    break;
  }
  case DType::I32: {
    std::uniform_int_distribution<int32_t> dist(-1000, 1000);
    for (int64_t i = 0; i < count; ++i) tensor.data<int32_t>()[i] = dist(rng);
    break;
  }
  case DType::F32: {
    std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
    for (int64_t i = 0; i < count; ++i) tensor.data<float>()[i] = dist(rng);
    break;
  }
  default:
    for (uint8_t &byte : tensor.storage()) byte = uint8_t(rng());
    break;
  }
  return tensor;
}

} // namespace tessera
