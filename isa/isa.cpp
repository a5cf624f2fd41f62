//===- isa.cpp - Names and summaries of the ISA's enums -----------------------===//
#include "isa/isa.h"

namespace tessera::isa {

std::string_view opcodeName(Opcode opcode) {
  switch (opcode) {
#define ISA_OPCODE(NAME, VALUE, UNIT, SUMMARY)                                     \
  case Opcode::NAME:                                                               \
    return #NAME;
#include "isa/isa.def"
  }
  return "?";
}

std::string_view opcodeSummary(Opcode opcode) {
  switch (opcode) {
#define ISA_OPCODE(NAME, VALUE, UNIT, SUMMARY)                                     \
  case Opcode::NAME:                                                               \
    return SUMMARY;
#include "isa/isa.def"
  }
  return "?";
}

std::string_view opcodeUnit(Opcode opcode) {
  switch (opcode) {
#define ISA_OPCODE(NAME, VALUE, UNIT, SUMMARY)                                     \
  case Opcode::NAME:                                                               \
    return UNIT;
#include "isa/isa.def"
  }
  return "?";
}

std::string_view bufferName(Buffer buffer) {
  switch (buffer) {
#define ISA_BUFFER(NAME, VALUE, SUMMARY)                                           \
  case Buffer::NAME:                                                               \
    return #NAME;
#include "isa/isa.def"
  }
  return "?";
}

std::string_view bufferSummary(Buffer buffer) {
  switch (buffer) {
#define ISA_BUFFER(NAME, VALUE, SUMMARY)                                           \
  case Buffer::NAME:                                                               \
    return SUMMARY;
#include "isa/isa.def"
  }
  return "?";
}

std::string_view aluOpName(AluOp op) {
  switch (op) {
#define ISA_ALU_OP(NAME, VALUE, SUMMARY)                                           \
  case AluOp::NAME:                                                                \
    return #NAME;
#include "isa/isa.def"
  }
  return "?";
}

std::string_view aluOpSummary(AluOp op) {
  switch (op) {
#define ISA_ALU_OP(NAME, VALUE, SUMMARY)                                           \
  case AluOp::NAME:                                                                \
    return SUMMARY;
#include "isa/isa.def"
  }
  return "?";
}

std::string_view fieldName(Field field) {
  switch (field) {
#define ISA_FIELD(NAME, SUMMARY)                                                   \
  case Field::NAME:                                                                \
    return #NAME;
#include "isa/isa.def"
  }
  return "?";
}

std::string_view fieldSummary(Field field) {
  switch (field) {
#define ISA_FIELD(NAME, SUMMARY)                                                   \
  case Field::NAME:                                                                \
    return SUMMARY;
#include "isa/isa.def"
  }
  return "?";
}

std::string_view uopFieldName(UopField field) {
  switch (field) {
#define ISA_UOP_FIELD(NAME, RULE, ARG, SUMMARY)                                    \
  case UopField::NAME:                                                             \
    return #NAME;
#include "isa/isa.def"
  }
  return "?";
}

std::string_view uopFieldSummary(UopField field) {
  switch (field) {
#define ISA_UOP_FIELD(NAME, RULE, ARG, SUMMARY)                                    \
  case UopField::NAME:                                                             \
    return SUMMARY;
#include "isa/isa.def"
  }
  return "?";
}

std::optional<Opcode> opcodeFromName(std::string_view name) {
#define ISA_OPCODE(NAME, VALUE, UNIT, SUMMARY)                                     \
  if (name == #NAME) return Opcode::NAME;
#include "isa/isa.def"
  return std::nullopt;
}

std::optional<Buffer> bufferFromName(std::string_view name) {
#define ISA_BUFFER(NAME, VALUE, SUMMARY)                                           \
  if (name == #NAME) return Buffer::NAME;
#include "isa/isa.def"
  return std::nullopt;
}

std::optional<AluOp> aluOpFromName(std::string_view name) {
#define ISA_ALU_OP(NAME, VALUE, SUMMARY)                                           \
  if (name == #NAME) return AluOp::NAME;
#include "isa/isa.def"
  return std::nullopt;
}

std::optional<Field> fieldFromName(std::string_view name) {
#define ISA_FIELD(NAME, SUMMARY)                                                   \
  if (name == #NAME) return Field::NAME;
#include "isa/isa.def"
  return std::nullopt;
}

bool isValidOpcode(uint64_t value) {
#define ISA_OPCODE(NAME, VALUE, UNIT, SUMMARY)                                     \
  if (value == VALUE) return true;
#include "isa/isa.def"
  return false;
}

bool isValidBuffer(uint64_t value) {
#define ISA_BUFFER(NAME, VALUE, SUMMARY)                                           \
  if (value == VALUE) return true;
#include "isa/isa.def"
  return false;
}

bool isValidAluOp(uint64_t value) {
#define ISA_ALU_OP(NAME, VALUE, SUMMARY)                                           \
  if (value == VALUE) return true;
#include "isa/isa.def"
  return false;
}

} // namespace tessera::isa
