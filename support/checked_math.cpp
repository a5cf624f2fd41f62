//===- checked_math.cpp - Overflow-checked size arithmetic ------------------------===//
#include "support/checked_math.h"

#include <algorithm>

#include "support/limits.h"

namespace tessera {

StatusOr<int64_t> checkedShapeProduct(const Shape &shape) {
  // The nonzero dimensions must multiply to at most the limit even when another
  // dimension is 0, so that strides computed from the shape cannot wrap either.
  int64_t nonzero = 1;
  for (int64_t dim : shape) {
    if (dim < 0) return invalidInput("shape %s has a negative dimension %d", shapeToString(shape), dim);
    if (dim == 0) continue;
    if (!__builtin_mul_overflow(nonzero, dim, &nonzero) && nonzero <= kMaxTensorElements) continue;
    if (std::count(shape.begin(), shape.end(), 0) != 0)
      return invalidInput("shape %s has nonzero dimensions multiplying to more than %d (the element limit)",
                          shapeToString(shape), kMaxTensorElements);
    return invalidInput("shape %s has more than %d elements (the limit)", shapeToString(shape), kMaxTensorElements);
  }
  return std::count(shape.begin(), shape.end(), 0) != 0 ? int64_t(0) : nonzero;
}

StatusOr<uint64_t> checkedTensorBytes(const Shape &shape, DType dtype) {
  TS_ASSIGN_OR_RETURN(int64_t elements, checkedShapeProduct(shape));
  return uint64_t(elements) * dtypeSize(dtype); // at most 2^31 * 8: no overflow
}

Status checkAtMost(uint64_t value, uint64_t limit, std::string_view what) {
  if (value <= limit) return absl::OkStatus();
  return invalidInput("%s is %d bytes; the limit is %d", what, value, limit);
}

} // namespace tessera
