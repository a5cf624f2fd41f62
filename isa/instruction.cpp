//===- instruction.cpp - Instruction and micro-op encoding ----------------------===//
#include "isa/instruction.h"

namespace tessera::isa {
namespace {

uint64_t extractBits(Word128 word, int offset, int width) {
  uint64_t value = 0;
  for (int bit = 0; bit < width; ++bit) {
    int position = offset + bit;
    if (position >= kInstructionBits) break;
    uint64_t source = position < 64 ? word.lo >> position : word.hi >> (position - 64);
    value |= (source & 1) << bit;
  }
  return value;
}

void insertBits(Word128 &word, int offset, int width, uint64_t value) {
  for (int bit = 0; bit < width; ++bit) {
    int position = offset + bit;
    uint64_t one = (value >> bit) & 1;
    if (position < 64) word.lo |= one << position;
    else word.hi |= one << (position - 64);
  }
}

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

} // namespace

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

StatusOr<Word128> encode(const IsaLayout &layout, const Instruction &instruction) {
  TS_RETURN_IF_ERROR(validateEnums(instruction));
  const FormatLayout &format = layout.format(instruction.opcode);
  Word128 word;
  for (const FieldLayout &field : format.fields) {
    int64_t value = field.field == Field::opcode ? int64_t(instruction.opcode) : instruction[field.field];
    TS_ASSIGN_OR_RETURN(uint64_t bits, fieldBits(field, instruction.opcode, value));
    insertBits(word, field.offset, field.width, bits);
  }
  return word;
}

StatusOr<Instruction> decode(const IsaLayout &layout, Word128 word) {
  uint64_t opcode = word.lo & 7;
  if (!isValidOpcode(opcode)) return invalidInput("unknown opcode %d", opcode);
  Instruction instruction = makeInstruction(Opcode(opcode));
  const FormatLayout &format = layout.format(instruction.opcode);
  for (const FieldLayout &field : format.fields) {
    uint64_t bits = extractBits(word, field.offset, field.width);
    instruction[field.field] = field.isSigned ? signExtend(bits, field.width) : int64_t(bits);
  }
  if (format.usedBits < kInstructionBits &&
      extractBits(word, format.usedBits, 64) + extractBits(word, format.usedBits + 64, 64) != 0)
    return invalidInput("%s: reserved bits [%d, 127] are not zero", opcodeName(instruction.opcode),
                        format.usedBits);
  TS_RETURN_IF_ERROR(validateEnums(instruction));
  return instruction;
}

StatusOr<uint32_t> encodeUop(const IsaLayout &layout, const Uop &uop) {
  const uint32_t values[] = {uop.dst, uop.src, uop.wgt};
  uint32_t word = 0;
  for (const UopFieldLayout &field : layout.uopFields()) {
    uint32_t value = values[size_t(field.field)];
    if (field.width < 32 && value >> field.width != 0)
      return invalidInput("micro-op field %s = %d does not fit in %d bits", uopFieldName(field.field),
                          value, field.width);
    word |= value << field.offset;
  }
  return word;
}

Uop decodeUop(const IsaLayout &layout, uint32_t word) {
  uint32_t values[3] = {};
  for (const UopFieldLayout &field : layout.uopFields()) {
    uint32_t mask = field.width >= 32 ? ~0u : (1u << field.width) - 1;
    values[size_t(field.field)] = (word >> field.offset) & mask;
  }
  return Uop{values[0], values[1], values[2]};
}

void storeWord(Word128 word, uint8_t *bytes) {
  for (int i = 0; i < 8; ++i) bytes[i] = uint8_t(word.lo >> (8 * i));
  for (int i = 0; i < 8; ++i) bytes[8 + i] = uint8_t(word.hi >> (8 * i));
}

Word128 loadWord(const uint8_t *bytes) {
  Word128 word;
  for (int i = 0; i < 8; ++i) word.lo |= uint64_t(bytes[i]) << (8 * i);
  for (int i = 0; i < 8; ++i) word.hi |= uint64_t(bytes[8 + i]) << (8 * i);
  return word;
}

} // namespace tessera::isa
