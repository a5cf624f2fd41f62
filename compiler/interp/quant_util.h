//===- quant_util.h - Zero points and requantization for integer kernels -------===//
#pragma once

#include <vector>

#include "support/tensor.h"

namespace tessera::interp {

/// values -= zero_point, where the zero point is a scalar or one per index of `axis`.
void subtractZeroPoint(std::vector<double> &values, const Shape &shape, const Tensor *zeroPoint, int64_t axis);
/// Rounds half to even, adds the zero point and saturates to its type.
Tensor requantize(const std::vector<double> &scaled, const Shape &shape, const Tensor &zeroPoint);
/// Saturation bounds of an integer type.
void integerRange(DType dtype, double &lo, double &hi);

} // namespace tessera::interp
