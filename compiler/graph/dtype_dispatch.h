//===- dtype_dispatch.h - Run generic code on a tensor's C++ element type ------===//
//
// `dispatchDType(dtype, [&](auto tag) { using T = decltype(tag); ... })` calls the
// lambda with a value of the element type's C++ type. F16 is stored as uint16_t bits
// and is dispatched as its own tag type so code cannot mistake it for an integer.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <cstring>

#include "support/dtype.h"

namespace tessera::graph {

/// Tag for IEEE half-precision elements (stored as 16 raw bits).
struct Half {
  uint16_t bits = 0;
};

float halfToFloat(uint16_t bits);
uint16_t floatToHalf(float value);

template <typename F> decltype(auto) dispatchDType(DType dtype, F &&f) {
  switch (dtype) {
  case DType::F32: return f(float{});
  case DType::F64: return f(double{});
  case DType::F16: return f(Half{});
  case DType::I8: return f(int8_t{});
  case DType::U8: return f(uint8_t{});
  case DType::I16: return f(int16_t{});
  case DType::U16: return f(uint16_t{});
  case DType::I32: return f(int32_t{});
  case DType::U32: return f(uint32_t{});
  case DType::I64: return f(int64_t{});
  case DType::U64: return f(uint64_t{});
  case DType::Bool: return f(bool{});
  }
  return f(float{});
}

/// Reads element `i` of raw storage as a double (F16 converted).
double loadAsDouble(DType dtype, const uint8_t *bytes, int64_t i);
/// Writes `value` to element `i`, converting with C++ semantics (F16 rounded).
void storeFromDouble(DType dtype, uint8_t *bytes, int64_t i, double value);
/// Reads element `i` as an int64 (exact for every integer type but u64 above 2^63).
int64_t loadAsInt(DType dtype, const uint8_t *bytes, int64_t i);

bool isFloatType(DType dtype);
bool isSignedIntType(DType dtype);
bool isUnsignedIntType(DType dtype);

} // namespace tessera::graph
