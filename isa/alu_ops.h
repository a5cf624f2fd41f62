//===- alu_ops.h - The scalar semantics of every ALU operation --------------------===//
//
// One lane of the vector ALU: result = op(dst, operand). This is the single definition
// the golden executor (and through it the SystemC model) uses and the RTL is checked
// against. All arithmetic is two's complement on 32 bits; see docs/isa.md. `lut` reads
// the ALU's 256-entry int8 lookup table, which `lutset` fills a row at a time.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <algorithm>
#include <array>
#include <cassert>
#include <cstdint>

#include "isa/isa.h"

namespace tessera::isa {

/// Arithmetic shift right by `shift` (0..63) with round-half-up: floor(x / 2^s + 1/2).
inline int64_t roundingShiftRight(int64_t value, int shift) {
  if (shift <= 0) return value;
  return (value + (int64_t(1) << (shift - 1))) >> shift;
}

inline int32_t saturateInt8(int64_t value) { return int32_t(std::clamp<int64_t>(value, -128, 127)); }

/// requant: saturate_int8(round_shift(x * m, s)); operand = m[31:8] (24-bit unsigned) | s[7:0].
/// The shift saturates at 63.
inline int32_t requantize(int32_t x, uint32_t multiplier, uint32_t shift) {
  int64_t product = int64_t(x) * int64_t(multiplier);
  return saturateInt8(roundingShiftRight(product, int(std::min<uint32_t>(shift, 63))));
}

/// shr: shifts right with rounding for 0 < s <= 31 (larger saturate at 31), left for s < 0.
inline int32_t shiftRight(int32_t x, int32_t shift) {
  if (shift >= 0) return int32_t(roundingShiftRight(x, std::min(shift, 31)));
  return int32_t(uint32_t(x) << (shift < -31 ? 31 : -shift)); // -INT32_MIN would overflow
}

/// clip: clamp to [lo, hi], lo = operand[15:8] and hi = operand[7:0] as signed bytes.
inline int32_t clip(int32_t x, int32_t operand) {
  int32_t lo = int8_t(uint32_t(operand) >> 8 & 0xff);
  int32_t hi = int8_t(uint32_t(operand) & 0xff);
  return std::min(std::max(x, lo), hi);
}

/// The ALU's lookup table: entry i is the result for the int8 input i - 128.
inline constexpr int kLutEntries = 256;
using LutTable = std::array<int8_t, kLutEntries>;

/// lut: the table entry of saturate_int8(x), sign-extended (inputs outside int8 saturate).
inline int32_t lutLookup(const LutTable &table, int32_t x) { return table[size_t(saturateInt8(x) + 128)]; }

/// Table entries one lutset row writes: one per lane, at most the whole table.
inline int64_t lutRowEntries(int64_t lanes) { return std::min<int64_t>(lanes, kLutEntries); }

/// First table entry a lutset row with accumulator index `dst` writes: segment
/// dst mod (256 / entries per row), so consecutive rows fill the table in order.
inline int64_t lutRowBase(int64_t dst, int64_t lanes) {
  int64_t entries = lutRowEntries(lanes);
  return dst % (kLutEntries / entries) * entries;
}

/// One lane of `op` with lookup table `table`. `useImm` only changes requant's operand
/// decoding (m = 1, s = imm). lutset returns x: it writes the table, not the lane.
inline int32_t aluLane(AluOp op, int32_t x, int32_t operand, bool useImm, const LutTable &table) {
  switch (op) {
  case AluOp::add: return int32_t(uint32_t(x) + uint32_t(operand));
  case AluOp::sub: return int32_t(uint32_t(x) - uint32_t(operand));
  case AluOp::mul: return int32_t(uint32_t(x) * uint32_t(operand));
  case AluOp::min: return std::min(x, operand);
  case AluOp::max: return std::max(x, operand);
  case AluOp::shr: return shiftRight(x, operand);
  case AluOp::clip: return clip(x, operand);
  case AluOp::requant:
    if (useImm) return requantize(x, 1, uint32_t(std::max(operand, 0)));
    return requantize(x, uint32_t(operand) >> 8, uint32_t(operand) & 0xff);
  case AluOp::mov: return operand;
  case AluOp::lut: return lutLookup(table, x);
  case AluOp::lutset: return x;
  }
  return x;
}

/// One lane of an operation that does not read the lookup table (every op but lut).
inline int32_t aluLane(AluOp op, int32_t x, int32_t operand, bool useImm) {
  assert(op != AluOp::lut && "lut needs the lookup table");
  static const LutTable kUnused{};
  return aluLane(op, x, operand, useImm, kUnused);
}

/// Packs a requant register operand: multiplier (< 2^24) and shift (< 256).
inline int32_t packRequantOperand(uint32_t multiplier, uint32_t shift) {
  return int32_t((multiplier << 8) | (shift & 0xff));
}

} // namespace tessera::isa
