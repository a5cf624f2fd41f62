//===- checked_math.h - Overflow-checked size arithmetic for user input ---------===//
//
// Sizes read from user files are multiplied and added before anything is allocated;
// these helpers do that arithmetic without wrapping (or signed-overflow UB) and check
// the results against support/limits.h. Callers add the context (file, tensor, key).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <optional>

#include "support/dtype.h"
#include "support/status.h"
#include "support/tensor.h"

namespace tessera {

/// a + b, or nullopt if it does not fit in 64 bits.
inline std::optional<uint64_t> checkedAdd(uint64_t a, uint64_t b) {
  uint64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) return std::nullopt;
  return sum;
}

/// a * b, or nullopt if it does not fit in 64 bits.
inline std::optional<uint64_t> checkedMul(uint64_t a, uint64_t b) {
  uint64_t product = 0;
  if (__builtin_mul_overflow(a, b, &product)) return std::nullopt;
  return product;
}

/// The element count of `shape`: an error if a dimension is negative or the product of
/// the nonzero dimensions exceeds kMaxTensorElements (2^31) (so that neither the count
/// nor a stride can wrap), checked after every factor.
StatusOr<int64_t> checkedShapeProduct(const Shape &shape);

/// The bytes of a `dtype` tensor of `shape` (at most kMaxTensorElements elements).
StatusOr<uint64_t> checkedTensorBytes(const Shape &shape, DType dtype);

/// `value` if it is at most `limit`, else an error "<what> is <value> bytes; the limit is ...".
Status checkAtMost(uint64_t value, uint64_t limit, std::string_view what);

} // namespace tessera
