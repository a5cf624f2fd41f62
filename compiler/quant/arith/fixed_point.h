//===- fixed_point.h - Real scales as the accelerator's requant operands --------===//
//
// The accelerator rescales int32 accumulators to int8 with one ALU operation,
// `requant` (docs/isa.md): y = saturate_int8(floor(x * m / 2^s + 1/2)) with an
// unsigned 24-bit multiplier m and a shift s <= 63. This file turns a real scale into
// the (m, s) pair that represents it most precisely, and exposes the integer
// semantics of the ALU lanes the quantized ops use. Those semantics are not copied
// here: every function calls the single definition in isa/alu_ops.h, so
// the reference interpreter computes bit for bit what the golden executor, the
// SystemC model and the RTL compute.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>

#include "support/status.h"

namespace tessera::quant {

/// Largest multiplier plus one (the operand's multiplier field has 24 bits).
inline constexpr uint32_t kMultiplierLimit = 1u << 24;
/// Largest shift the requant operation honours (larger values saturate to it).
inline constexpr uint32_t kMaxShift = 63;

/// One requant operand: the real scale it represents is multiplier / 2^shift.
struct RequantParams {
  uint32_t multiplier = 0;
  uint32_t shift = 0;

  double realScale() const;
  /// The ALU register operand: multiplier in bits 31:8, shift in bits 7:0.
  int32_t packed() const;
  bool operator==(const RequantParams &other) const = default;
};

/// The most precise (m, s) for `scale`: m in [2^23, 2^24) whenever s < 63, so the
/// relative error |m / 2^s - scale| / scale is at most 2^-24. Scales below 2^-40 lose
/// precision at s = 63 (the result of any int32 then rounds to 0 or +-1 anyway);
/// zero gives m = 0. Errors: a negative, non-finite or >= 2^24 scale.
StatusOr<RequantParams> requantFromScale(double scale);

/// The requant lane: saturate_int8(floor(x * m / 2^s + 1/2)).
int32_t requantLane(int32_t x, RequantParams params);
/// The clip lane: clamp x to [lo, hi] (both int8).
int32_t clipLane(int32_t x, int32_t lo, int32_t hi);
/// The mul lane (wrapping int32) with a 16-bit signed operand.
int32_t mulLane(int32_t x, int32_t operand);
/// The add lane (wrapping int32).
int32_t addLane(int32_t x, int32_t operand);
/// The max and min lanes.
int32_t maxLane(int32_t x, int32_t operand);
int32_t minLane(int32_t x, int32_t operand);

/// Fixed-point operands of a quantized sum y = ra * a + rb * b of int8 a and b (real
/// ratios ra = s_a / s_y, rb = s_b / s_y): y = requant(a * mulA + b * mulB) with
/// 16-bit signed mulA, mulB. The larger ratio's multiplier is 2^14 (so the int32
/// sum of two int8 products stays below 2^23) and the smaller is scaled to match.
struct AddOperands {
  int32_t mulA = 0;
  int32_t mulB = 0;
  RequantParams requant;
};
StatusOr<AddOperands> addOperandsFromRatios(double ratioA, double ratioB);

} // namespace tessera::quant
