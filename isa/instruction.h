//===- instruction.h - Decoded instructions and micro-ops -----------------------===//
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "isa/isa.h"
#include "isa/layout.h"

namespace tessera::isa {

/// An instruction word of up to 256 bits, little-endian: bit i is bit i % 64 of
/// limbs[i / 64]. A 128-bit word leaves limbs 2 and 3 zero.
struct Word {
  std::array<uint64_t, kWideInstructionBits / 64> limbs{};
  bool operator==(const Word &) const = default;
};

/// The `width` (<= 64) bits of `word` from bit `offset`; bits past 256 read as zero.
uint64_t extractBits(const Word &word, int offset, int width);
/// ORs the low `width` (<= 64) bits of `value` into `word` from bit `offset`.
void insertBits(Word &word, int offset, int width, uint64_t value);

/// A decoded instruction: the opcode and the value of every field (absent fields are 0).
struct Instruction {
  Opcode opcode = Opcode::finish;
  std::array<int64_t, kFieldCount> values{};

  int64_t operator[](Field field) const { return values[size_t(field)]; }
  int64_t &operator[](Field field) { return values[size_t(field)]; }

  bool popPrev() const { return (*this)[Field::pop_prev] != 0; }
  bool popNext() const { return (*this)[Field::pop_next] != 0; }
  bool pushPrev() const { return (*this)[Field::push_prev] != 0; }
  bool pushNext() const { return (*this)[Field::push_next] != 0; }
  Buffer buffer() const { return Buffer((*this)[Field::buffer]); }
  AluOp aluOp() const { return AluOp((*this)[Field::alu_op]); }

  bool operator==(const Instruction &) const = default;
};

/// Convenience constructor: an instruction of `opcode` with every field zero.
Instruction makeInstruction(Opcode opcode);

/// The unit that executes an instruction: 0 load, 1 compute, 2 store.
enum class Unit : uint8_t { load = 0, compute = 1, store = 2 };
inline constexpr int kUnitCount = 3;
std::string_view unitName(Unit unit);
/// Load/store go to their units except LOADs of uop/acc, which the compute unit runs.
Unit unitOf(const Instruction &instruction);

/// Encodes; the error names the field whose value does not fit its width.
StatusOr<Word> encode(const IsaLayout &layout, const Instruction &instruction);
/// Decodes; rejects unknown opcodes, buffer ids and ALU ops and set reserved bits (those
/// past the format, up to the layout's instruction width).
StatusOr<Instruction> decode(const IsaLayout &layout, const Word &word);

/// A micro-op: indices into acc (dst), inp or acc (src), wgt (wgt).
struct Uop {
  uint32_t dst = 0;
  uint32_t src = 0;
  uint32_t wgt = 0;
  bool operator==(const Uop &) const = default;
};

/// The micro-op word (32 or 64 bits, per the layout's uopBits()).
StatusOr<uint64_t> encodeUop(const IsaLayout &layout, const Uop &uop);
/// Decoding a micro-op cannot fail: every bit pattern names some indices.
Uop decodeUop(const IsaLayout &layout, uint64_t word);

/// The first `byteCount` bytes of a word, little-endian, and back (the layout's
/// instructionBytes() or uopBytes()).
void storeWord(const Word &word, uint8_t *bytes, int byteCount);
Word loadWord(const uint8_t *bytes, int byteCount);
/// A micro-op word of `byteCount` (4 or 8) bytes, little-endian, and back.
void storeUopWord(uint64_t word, uint8_t *bytes, int byteCount);
uint64_t loadUopWord(const uint8_t *bytes, int byteCount);

} // namespace tessera::isa
