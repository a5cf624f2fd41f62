//===- quant_util.cpp - Zero points and requantization for integer kernels -----===//
#include "compiler/interp/quant_util.h"

#include <cmath>

#include "compiler/interp/kernel_util.h"

namespace tessera::interp {

void subtractZeroPoint(std::vector<double> &values, const Shape &shape, const Tensor *zeroPoint, int64_t axis) {
  if (!zeroPoint) return;
  std::vector<double> zp = toDoubles(*zeroPoint);
  if (zp.size() <= 1) {
    double z = zp.empty() ? 0 : zp[0];
    for (double &v : values) v -= z;
    return;
  }
  int64_t inner = stridesOf(shape)[axis], extent = shape[axis];
  for (size_t i = 0; i < values.size(); ++i) values[i] -= zp[(i / inner) % extent];
}

void integerRange(DType dtype, double &lo, double &hi) {
  switch (dtype) {
  case DType::I8: lo = -128; hi = 127; return;
  case DType::U8: lo = 0; hi = 255; return;
  case DType::I16: lo = -32768; hi = 32767; return;
  case DType::U16: lo = 0; hi = 65535; return;
  case DType::I32: lo = -2147483648.0; hi = 2147483647.0; return;
  default: lo = -INFINITY; hi = INFINITY; return;
  }
}

Tensor requantize(const std::vector<double> &scaled, const Shape &shape, const Tensor &zeroPoint) {
  double zp = toDoubles(zeroPoint).at(0), lo, hi;
  integerRange(zeroPoint.dtype(), lo, hi);
  std::vector<double> out(scaled.size());
  for (size_t i = 0; i < scaled.size(); ++i) out[i] = std::clamp(std::nearbyint(scaled[i]) + zp, lo, hi);
  return fromDoubles(zeroPoint.dtype(), shape, out);
}

} // namespace tessera::interp
