//===- instruction.cpp - Instruction and micro-op encoding ----------------------===//
#include "isa/instruction.h"

#include <algorithm>

namespace tessera::isa {
namespace {

/// The raw bit pattern of `value` in `field`, or an error when it does not fit.
StatusOr<uint64_t> fieldBits(const FieldLayout &field, Opcode opcode, int64_t value) {
  int width = field.width;
  if (field.isSigned) {
    int64_t lo = -(int64_t(1) << (width - 1));
    int64_t hi = (int64_t(1) << (width - 1)) - 1;
    if (value < lo || value > hi)
      return invalidInput("%s: field %s = %d does not fit in %d signed bits [%d, %d]",
                          opcodeName(opcode), fieldName(field.field), value, width, lo, hi);
    return uint64_t(value) & ((width == 64) ? ~0ull : ((1ull << width) - 1));
  }
  uint64_t limit = width >= 64 ? ~0ull : (1ull << width) - 1;
  if (value < 0 || uint64_t(value) > limit)
    return invalidInput("%s: field %s = %d does not fit in %d bits [0, %d]", opcodeName(opcode),
                        fieldName(field.field), value, width, limit);
  return uint64_t(value);
}

int64_t signExtend(uint64_t bits, int width) {
  if (width == 0 || width >= 64) return int64_t(bits);
  uint64_t sign = 1ull << (width - 1);
  return int64_t((bits ^ sign) - sign);
}

Status validateEnums(const Instruction &inst) {
  if (inst.opcode == Opcode::load && !isValidBuffer(uint64_t(inst[Field::buffer])))
    return invalidInput("load: unknown buffer id %d", inst[Field::buffer]);
  if (inst.opcode == Opcode::alu && !isValidAluOp(uint64_t(inst[Field::alu_op])))
    return invalidInput("alu: unknown alu_op %d", inst[Field::alu_op]);
  return absl::OkStatus();
}

/// True when no bit of `word` from `offset` up to `endBit` is set.
bool zeroFrom(const Word &word, int offset, int endBit) {
  for (int at = offset; at < endBit; at += 64) {
    if (extractBits(word, at, std::min(64, endBit - at)) != 0) return false;
  }
  return true;
}

} // namespace

uint64_t extractBits(const Word &word, int offset, int width) {
  if (width <= 0 || offset >= kWideInstructionBits) return 0;
  size_t limb = size_t(offset / 64);
  int shift = offset % 64;
  uint64_t value = word.limbs[limb] >> shift;
  if (shift != 0 && limb + 1 < word.limbs.size()) value |= word.limbs[limb + 1] << (64 - shift);
  return width >= 64 ? value : value & ((uint64_t(1) << width) - 1);
}

void insertBits(Word &word, int offset, int width, uint64_t value) {
  if (width <= 0) return;
  if (width < 64) value &= (uint64_t(1) << width) - 1;
  size_t limb = size_t(offset / 64);
  int shift = offset % 64;
  word.limbs[limb] |= value << shift;
  if (shift != 0 && shift + width > 64 && limb + 1 < word.limbs.size()) word.limbs[limb + 1] |= value >> (64 - shift);
}

Instruction makeInstruction(Opcode opcode) {
  Instruction instruction;
  instruction.opcode = opcode;
  instruction[Field::opcode] = int64_t(opcode);
  return instruction;
}

std::string_view unitName(Unit unit) {
  switch (unit) {
  case Unit::load: return "load";
  case Unit::compute: return "compute";
  case Unit::store: return "store";
  }
  return "?";
}

Unit unitOf(const Instruction &instruction) {
  switch (instruction.opcode) {
  case Opcode::load:
    return instruction.buffer() == Buffer::inp || instruction.buffer() == Buffer::wgt ? Unit::load
                                                                                      : Unit::compute;
  case Opcode::store: return Unit::store;
  default: return Unit::compute;
  }
}

StatusOr<Word> encode(const IsaLayout &layout, const Instruction &instruction) {
  TS_RETURN_IF_ERROR(validateEnums(instruction));
  const FormatLayout &format = layout.format(instruction.opcode);
  Word word;
  for (const FieldLayout &field : format.fields) {
    int64_t value = field.field == Field::opcode ? int64_t(instruction.opcode) : instruction[field.field];
    TS_ASSIGN_OR_RETURN(uint64_t bits, fieldBits(field, instruction.opcode, value));
    insertBits(word, field.offset, field.width, bits);
  }
  return word;
}

StatusOr<Instruction> decode(const IsaLayout &layout, const Word &word) {
  uint64_t opcode = word.limbs[0] & 7;
  if (!isValidOpcode(opcode)) return invalidInput("unknown opcode %d", opcode);
  Instruction instruction = makeInstruction(Opcode(opcode));
  const FormatLayout &format = layout.format(instruction.opcode);
  for (const FieldLayout &field : format.fields) {
    uint64_t bits = extractBits(word, field.offset, field.width);
    instruction[field.field] = field.isSigned ? signExtend(bits, field.width) : int64_t(bits);
  }
  if (!zeroFrom(word, format.usedBits, kWideInstructionBits))
    return invalidInput("%s: reserved bits [%d, %d] are not zero", opcodeName(instruction.opcode),
                        format.usedBits, layout.instructionBits() - 1);
  TS_RETURN_IF_ERROR(validateEnums(instruction));
  return instruction;
}

StatusOr<uint64_t> encodeUop(const IsaLayout &layout, const Uop &uop) {
  const uint32_t values[] = {uop.dst, uop.src, uop.wgt};
  uint64_t word = 0;
  for (const UopFieldLayout &field : layout.uopFields()) {
    uint64_t value = values[size_t(field.field)];
    if (field.width < 32 && value >> field.width != 0)
      return invalidInput("micro-op field %s = %d does not fit in %d bits", uopFieldName(field.field),
                          value, field.width);
    word |= value << field.offset;
  }
  return word;
}

Uop decodeUop(const IsaLayout &layout, uint64_t word) {
  uint32_t values[3] = {};
  for (const UopFieldLayout &field : layout.uopFields()) {
    uint64_t mask = field.width >= 32 ? 0xFFFFFFFFull : (uint64_t(1) << field.width) - 1;
    values[size_t(field.field)] = uint32_t((word >> field.offset) & mask);
  }
  return Uop{values[0], values[1], values[2]};
}

void storeWord(const Word &word, uint8_t *bytes, int byteCount) {
  for (int i = 0; i < byteCount; ++i) bytes[i] = uint8_t(word.limbs[size_t(i / 8)] >> (8 * (i % 8)));
}

Word loadWord(const uint8_t *bytes, int byteCount) {
  Word word;
  for (int i = 0; i < byteCount; ++i) word.limbs[size_t(i / 8)] |= uint64_t(bytes[i]) << (8 * (i % 8));
  return word;
}

void storeUopWord(uint64_t word, uint8_t *bytes, int byteCount) {
  for (int i = 0; i < byteCount; ++i) bytes[i] = uint8_t(word >> (8 * i));
}

uint64_t loadUopWord(const uint8_t *bytes, int byteCount) {
  uint64_t word = 0;
  for (int i = 0; i < byteCount; ++i) word |= uint64_t(bytes[i]) << (8 * i);
  return word;
}

} // namespace tessera::isa
