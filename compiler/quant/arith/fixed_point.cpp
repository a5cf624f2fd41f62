//===- fixed_point.cpp - Real scales as requant operands; ALU lane semantics ----===//
#include "compiler/quant/arith/fixed_point.h"

#include <cmath>

#include "isa/alu_ops.h"

namespace tessera::quant {

double RequantParams::realScale() const { return std::ldexp(double(multiplier), -int(shift)); }

int32_t RequantParams::packed() const { return isa::packRequantOperand(multiplier, shift); }

StatusOr<RequantParams> requantFromScale(double scale) {
  if (!std::isfinite(scale) || scale < 0)
    return invalidInput("requantization scale %g is not a finite non-negative number", scale);
  if (scale == 0) return RequantParams{0, 0};
  int exponent = 0;
  double fraction = std::frexp(scale, &exponent); // scale = fraction * 2^exponent, fraction in [0.5, 1)
  auto multiplier = static_cast<int64_t>(std::llround(std::ldexp(fraction, 24)));
  int64_t shift = 24 - int64_t(exponent);
  if (multiplier == kMultiplierLimit) { // rounded up to 2^24: one bit less
    multiplier >>= 1;
    --shift;
  }
  if (shift < 0)
    return invalidInput("requantization scale %g is too large for a 24-bit multiplier (limit 2^24)", scale);
  if (shift > kMaxShift) {
    multiplier = std::llround(std::ldexp(scale, int(kMaxShift)));
    shift = kMaxShift;
  }
  return RequantParams{uint32_t(multiplier), uint32_t(shift)};
}

int32_t requantLane(int32_t x, RequantParams params) {
  return isa::aluLane(isa::AluOp::requant, x, params.packed(), /*useImm=*/false);
}

int32_t clipLane(int32_t x, int32_t lo, int32_t hi) {
  int32_t operand = int32_t((uint32_t(lo) & 0xff) << 8 | (uint32_t(hi) & 0xff));
  return isa::aluLane(isa::AluOp::clip, x, operand, /*useImm=*/false);
}

int32_t mulLane(int32_t x, int32_t operand) { return isa::aluLane(isa::AluOp::mul, x, operand, /*useImm=*/true); }
int32_t addLane(int32_t x, int32_t operand) { return isa::aluLane(isa::AluOp::add, x, operand, /*useImm=*/false); }
int32_t maxLane(int32_t x, int32_t operand) { return isa::aluLane(isa::AluOp::max, x, operand, /*useImm=*/false); }
int32_t minLane(int32_t x, int32_t operand) { return isa::aluLane(isa::AluOp::min, x, operand, /*useImm=*/false); }

StatusOr<AddOperands> addOperandsFromRatios(double ratioA, double ratioB) {
  if (!(ratioA > 0) || !(ratioB > 0) || !std::isfinite(ratioA) || !std::isfinite(ratioB))
    return invalidInput("quantized add needs positive finite scale ratios, got %g and %g", ratioA, ratioB);
  constexpr double kUnit = 1 << 14;
  double larger = std::max(ratioA, ratioB);
  AddOperands operands;
  operands.mulA = int32_t(std::lround(ratioA / larger * kUnit));
  operands.mulB = int32_t(std::lround(ratioB / larger * kUnit));
  TS_ASSIGN_OR_RETURN(operands.requant, requantFromScale(larger / kUnit));
  return operands;
}

} // namespace tessera::quant
