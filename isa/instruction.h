//===- instruction.h - Decoded instructions and micro-ops -----------------------===//
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "isa/isa.h"
#include "isa/layout.h"

namespace tessera::isa {

/// A 128-bit instruction word, little-endian: bits 0-63 in lo, 64-127 in hi.
struct Word128 {
  uint64_t lo = 0;
  uint64_t hi = 0;
  bool operator==(const Word128 &) const = default;
};

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
StatusOr<Word128> encode(const IsaLayout &layout, const Instruction &instruction);
/// Decodes; rejects unknown opcodes, buffer ids and ALU ops and set reserved bits.
StatusOr<Instruction> decode(const IsaLayout &layout, Word128 word);

/// A micro-op: indices into acc (dst), inp or acc (src), wgt (wgt).
struct Uop {
  uint32_t dst = 0;
  uint32_t src = 0;
  uint32_t wgt = 0;
  bool operator==(const Uop &) const = default;
};

StatusOr<uint32_t> encodeUop(const IsaLayout &layout, const Uop &uop);
/// Decoding a micro-op cannot fail: every bit pattern names some indices.
Uop decodeUop(const IsaLayout &layout, uint32_t word);

/// The bytes of a word, little-endian, and back.
void storeWord(Word128 word, uint8_t *bytes);
Word128 loadWord(const uint8_t *bytes);

} // namespace tessera::isa
