//===- isa.h - Opcodes, buffers, ALU ops and field names from isa.def --------===//
//
// The enums here are expanded from isa/isa.def; nothing is listed twice.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace tessera::isa {

enum class Opcode : uint8_t {
#define ISA_OPCODE(NAME, VALUE, UNIT, SUMMARY) NAME = VALUE,
#include "isa/isa.def"
};

enum class Buffer : uint8_t {
#define ISA_BUFFER(NAME, VALUE, SUMMARY) NAME = VALUE,
#include "isa/isa.def"
};

enum class AluOp : uint8_t {
#define ISA_ALU_OP(NAME, VALUE, SUMMARY) NAME = VALUE,
#include "isa/isa.def"
};

enum class Field : uint8_t {
#define ISA_FIELD(NAME, SUMMARY) NAME,
#include "isa/isa.def"
};

enum class UopField : uint8_t {
#define ISA_UOP_FIELD(NAME, RULE, ARG, SUMMARY) NAME,
#include "isa/isa.def"
};

inline constexpr int kOpcodeCount = 0
#define ISA_OPCODE(NAME, VALUE, UNIT, SUMMARY) +1
#include "isa/isa.def"
    ;
inline constexpr int kBufferCount = 0
#define ISA_BUFFER(NAME, VALUE, SUMMARY) +1
#include "isa/isa.def"
    ;
inline constexpr int kAluOpCount = 0
#define ISA_ALU_OP(NAME, VALUE, SUMMARY) +1
#include "isa/isa.def"
    ;
inline constexpr int kFieldCount = 0
#define ISA_FIELD(NAME, SUMMARY) +1
#include "isa/isa.def"
    ;
inline constexpr int kUopFieldCount = 0
#define ISA_UOP_FIELD(NAME, RULE, ARG, SUMMARY) +1
#include "isa/isa.def"
    ;

/// Instruction word widths a config may get (IsaLayout picks the narrowest that fits).
inline constexpr int kNarrowInstructionBits = 128;
inline constexpr int kWideInstructionBits = 256;
/// Micro-op word widths a config may get.
inline constexpr int kNarrowUopBits = 32;
inline constexpr int kWideUopBits = 64;

/// How a field's width is derived (see isa.def).
enum class WidthRule : uint8_t { Fixed, Depth, DepthPlus1, SramIndex, SrcIndex };

/// Field flags (see isa.def).
enum class FieldFlags : uint8_t { None, Optional, Signed, OptionalSigned };

std::string_view opcodeName(Opcode opcode);
std::string_view bufferName(Buffer buffer);
std::string_view aluOpName(AluOp op);
std::string_view fieldName(Field field);
std::string_view uopFieldName(UopField field);
std::string_view fieldSummary(Field field);
std::string_view opcodeSummary(Opcode opcode);
std::string_view opcodeUnit(Opcode opcode);
std::string_view bufferSummary(Buffer buffer);
std::string_view aluOpSummary(AluOp op);
std::string_view uopFieldSummary(UopField field);

std::optional<Opcode> opcodeFromName(std::string_view name);
std::optional<Buffer> bufferFromName(std::string_view name);
std::optional<AluOp> aluOpFromName(std::string_view name);
std::optional<Field> fieldFromName(std::string_view name);
bool isValidOpcode(uint64_t value);
bool isValidBuffer(uint64_t value);
bool isValidAluOp(uint64_t value);

} // namespace tessera::isa
