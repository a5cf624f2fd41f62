//===- random_tensor.h - Seeded random tensors for inputs nobody supplied ------------===//
#pragma once

#include <cstdint>

#include "support/tensor.h"

namespace tessera {

/// A tensor of uniform values suited to its dtype, the same for the same seed: int8 over
/// [-128, 127], int32 over [-1000, 1000], fp32 over [-1, 1], other dtypes random bytes.
Tensor seededRandomTensor(DType dtype, const Shape &shape, uint64_t seed);

} // namespace tessera
