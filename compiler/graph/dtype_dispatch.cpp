//===- dtype_dispatch.cpp - Element access by runtime dtype --------------------===//
#include "compiler/graph/dtype_dispatch.h"

#include <bit>
#include <cmath>
#include <type_traits>

namespace tessera::graph {

float halfToFloat(uint16_t bits) {
  uint32_t sign = uint32_t(bits & 0x8000) << 16;
  uint32_t exponent = (bits >> 10) & 0x1f;
  uint32_t mantissa = bits & 0x3ff;
  if (exponent == 0x1f) return std::bit_cast<float>(sign | 0x7f800000u | (mantissa << 13));
  if (exponent != 0) return std::bit_cast<float>(sign | ((exponent + 112) << 23) | (mantissa << 13));
  float value = std::ldexp(static_cast<float>(mantissa), -24);
  return sign ? -value : value;
}

uint16_t floatToHalf(float value) {
  uint32_t bits = std::bit_cast<uint32_t>(value);
  uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000);
  uint32_t absBits = bits & 0x7fffffff;
  if (absBits > 0x7f800000) return sign | 0x7e00; // NaN
  if (absBits >= 0x477ff000) return sign | 0x7c00; // overflow to infinity (after rounding)
  if (absBits < 0x38800000) {                      // subnormal or zero in half
    float magnitude = std::bit_cast<float>(absBits);
    return sign | static_cast<uint16_t>(std::nearbyint(magnitude * 16777216.0f));
  }
  uint32_t rounded = absBits + 0xfff + ((absBits >> 13) & 1); // round to nearest even
  return sign | static_cast<uint16_t>((rounded - 0x38000000) >> 13);
}

double loadAsDouble(DType dtype, const uint8_t *bytes, int64_t i) {
  return dispatchDType(dtype, [&](auto tag) -> double {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, Half>) {
      uint16_t bits;
      std::memcpy(&bits, bytes + i * 2, 2);
      return halfToFloat(bits);
    } else {
      T value;
      std::memcpy(&value, bytes + i * sizeof(T), sizeof(T));
      return static_cast<double>(value);
    }
  });
}

namespace {

/// Converts with saturation for out-of-range floats (C++ leaves that undefined).
template <typename T> T convertFromDouble(double value) {
  if constexpr (std::is_same_v<T, bool>) {
    return value != 0;
  } else if constexpr (std::is_integral_v<T>) {
    if (std::isnan(value)) return T(0);
    if (value <= static_cast<double>(std::numeric_limits<T>::min())) return std::numeric_limits<T>::min();
    if (value >= static_cast<double>(std::numeric_limits<T>::max())) return std::numeric_limits<T>::max();
    return static_cast<T>(value);
  } else {
    return static_cast<T>(value);
  }
}

} // namespace

void storeFromDouble(DType dtype, uint8_t *bytes, int64_t i, double value) {
  dispatchDType(dtype, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, Half>) {
      uint16_t bits = floatToHalf(static_cast<float>(value));
      std::memcpy(bytes + i * 2, &bits, 2);
    } else {
      T converted = convertFromDouble<T>(value);
      std::memcpy(bytes + i * sizeof(T), &converted, sizeof(T));
    }
  });
}

int64_t loadAsInt(DType dtype, const uint8_t *bytes, int64_t i) {
  return dispatchDType(dtype, [&](auto tag) -> int64_t {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, Half> || std::is_floating_point_v<T>) {
      return convertFromDouble<int64_t>(loadAsDouble(dtype, bytes, i)); // saturating, NaN is 0
    } else {
      T value;
      std::memcpy(&value, bytes + i * sizeof(T), sizeof(T));
      return static_cast<int64_t>(value);
    }
  });
}

bool isFloatType(DType dtype) {
  return dtype == DType::F32 || dtype == DType::F64 || dtype == DType::F16;
}

bool isSignedIntType(DType dtype) {
  return dtype == DType::I8 || dtype == DType::I16 || dtype == DType::I32 || dtype == DType::I64;
}

bool isUnsignedIntType(DType dtype) {
  return dtype == DType::U8 || dtype == DType::U16 || dtype == DType::U32 || dtype == DType::U64;
}

} // namespace tessera::graph
