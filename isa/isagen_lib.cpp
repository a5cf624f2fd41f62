//===- isagen_lib.cpp - SystemVerilog package and docs tables from isa.def ------===//
#include <algorithm>

#include "isa/alu_ops.h"
#include "isa/isagen.h"
#include "support/hash.h"

namespace tessera::isa {
namespace {

const Opcode kOpcodes[] = {
#define ISA_OPCODE(NAME, VALUE, UNIT, SUMMARY) Opcode::NAME,
#include "isa/isa.def"
};
const Buffer kBuffers[] = {
#define ISA_BUFFER(NAME, VALUE, SUMMARY) Buffer::NAME,
#include "isa/isa.def"
};
const AluOp kAluOps[] = {
#define ISA_ALU_OP(NAME, VALUE, SUMMARY) AluOp::NAME,
#include "isa/isa.def"
};

std::string upper(std::string_view text) { return toUpperAscii(text); }

void svConfigParams(std::string &out, const HardwareConfig &config, const IsaLayout &layout) {
  out += "  // Hardware config\n";
#define TESSERA_SV_PARAM(key, type, summary)                                                 \
  if constexpr (std::is_integral_v<type>)                                                    \
    absl::StrAppendFormat(&out, "  localparam int unsigned %s = %d;  // %s\n", upper(#key),  \
                          int64_t(config.key), summary);
  TESSERA_FOR_EACH_CONFIG_KEY(TESSERA_SV_PARAM)
#undef TESSERA_SV_PARAM
  for (Buffer buffer : kBuffers) {
    std::string name = upper(bufferName(buffer));
    absl::StrAppendFormat(&out, "  localparam int unsigned %s_DEPTH = %d;\n", name, config.depth(buffer));
    absl::StrAppendFormat(&out, "  localparam int unsigned %s_ADDR_W = %d;\n", name, std::max(1, config.logDepth(buffer)));
    absl::StrAppendFormat(&out, "  localparam int unsigned %s_ENTRY_BYTES = %d;\n", name, config.entryBytes(buffer));
  }
  absl::StrAppendFormat(&out, "  localparam int unsigned INSN_BITS = %d;\n  localparam int unsigned UOP_BITS = %d;\n",
                        layout.instructionBits(), layout.uopBits());
  absl::StrAppendFormat(&out, "  localparam int unsigned LUT_ENTRIES = %d;  // the ALU's int8 lookup table\n\n",
                        kLutEntries);
}

void svEnums(std::string &out) {
  out += "  typedef enum logic [2:0] {\n";
  for (Opcode op : kOpcodes)
    absl::StrAppendFormat(&out, "    OPC_%s = 3'd%d%s\n", upper(opcodeName(op)), int(op), op == kOpcodes[kOpcodeCount - 1] ? "" : ",");
  out += "  } opcode_e;\n\n  typedef enum logic [2:0] {\n";
  for (Buffer b : kBuffers)
    absl::StrAppendFormat(&out, "    BUF_%s = 3'd%d%s\n", upper(bufferName(b)), int(b), b == kBuffers[kBufferCount - 1] ? "" : ",");
  out += "  } buffer_e;\n\n  typedef enum logic [3:0] {\n";
  for (AluOp op : kAluOps)
    absl::StrAppendFormat(&out, "    ALU_%s = 4'd%d%s\n", upper(aluOpName(op)), int(op), op == kAluOps[kAluOpCount - 1] ? "" : ",");
  out += "  } alu_op_e;\n\n";
}

void svFormat(std::string &out, const FormatLayout &format, int instructionBits) {
  std::string op = upper(opcodeName(format.opcode));
  for (const FieldLayout &field : format.fields) {
    absl::StrAppendFormat(&out, "  localparam int unsigned %s_%s_LSB = %d;\n", op, upper(fieldName(field.field)), field.offset);
    absl::StrAppendFormat(&out, "  localparam int unsigned %s_%s_W = %d;\n", op, upper(fieldName(field.field)), field.width);
  }
  // Packed structs list the most significant member first.
  absl::StrAppendFormat(&out, "  typedef struct packed {\n");
  if (format.usedBits < instructionBits)
    absl::StrAppendFormat(&out, "    logic [%d:0] reserved;\n", instructionBits - format.usedBits - 1);
  for (auto it = format.fields.rbegin(); it != format.fields.rend(); ++it) {
    if (it->width == 0) continue;
    absl::StrAppendFormat(&out, "    logic %s%s %s;\n", it->isSigned ? "signed " : "",
                          it->width > 1 ? absl::StrFormat("[%d:0]", it->width - 1) : std::string(),
                          fieldName(it->field));
  }
  absl::StrAppendFormat(&out, "  } %s_insn_t;\n\n", opcodeName(format.opcode));
}

void svUop(std::string &out, const IsaLayout &layout) {
  out += "  typedef struct packed {\n";
  if (layout.uopUsedBits() < layout.uopBits())
    absl::StrAppendFormat(&out, "    logic [%d:0] reserved;\n", layout.uopBits() - layout.uopUsedBits() - 1);
  for (auto it = layout.uopFields().rbegin(); it != layout.uopFields().rend(); ++it)
    absl::StrAppendFormat(&out, "    logic [%d:0] %s;\n", it->width - 1, uopFieldName(it->field));
  out += "  } uop_t;\n";
}

std::string bitRange(const FieldLayout &field) {
  if (field.width == 0) return "-";
  if (field.width == 1) return std::to_string(field.offset);
  return absl::StrFormat("%d:%d", field.offset + field.width - 1, field.offset);
}

void docsFormat(std::string &out, const FormatLayout &format, int instructionBits) {
  absl::StrAppendFormat(&out, "\n### `%s` (opcode %d, %d of %d bits used)\n\n", opcodeName(format.opcode),
                        int(format.opcode), format.usedBits, instructionBits);
  out += "| bits | field | width | width rule | meaning |\n|---|---|---|---|---|\n";
  for (const FieldLayout &field : format.fields) {
    std::string flags = field.isSigned ? " (signed)" : "";
    absl::StrAppendFormat(&out, "| %s | `%s` | %d | %s | %s%s |\n", bitRange(field), fieldName(field.field), field.width,
                          describeWidthRule(field.rule, field.ruleArg), fieldSummary(field.field), flags);
  }
}

} // namespace

std::string generateConfigTable(const HardwareConfig &config) {
  std::string out = "| key | type | meaning | `" + config.name + "` |\n|---|---|---|---|\n";
  out += "| `name` | string | label echoed in reports (part of the hash) | " + config.name + " |\n";
#define TESSERA_CONFIG_ROW(key, type, summary)                                                   \
  absl::StrAppendFormat(&out, "| `%s` | %s | %s | %s |\n", #key,                                \
                        std::is_integral_v<type> ? "integer" : "number", summary,                  \
                        config.toJson()[#key].dump());
  TESSERA_FOR_EACH_CONFIG_KEY(TESSERA_CONFIG_ROW)
#undef TESSERA_CONFIG_ROW
  return out;
}

std::string generateSvPackage(const HardwareConfig &config, const IsaLayout &layout) {
  std::string out = absl::StrFormat(
      "// Generated by tessera-isagen from isa/isa.def for config '%s' (hash %s).\n"
      "// Do not edit: change isa/isa.def or the config and rebuild.\n\npackage tessera_pkg;\n\n",
      config.name, hashToHex(config.hash()));
  svConfigParams(out, config, layout);
  svEnums(out);
  for (Opcode op : kOpcodes) svFormat(out, layout.format(op), layout.instructionBits());
  svUop(out, layout);
  out += "\nendpackage\n";
  return out;
}

std::string generateDocsTables(const HardwareConfig &config, const IsaLayout &layout) {
  std::string out = absl::StrFormat("Tables generated by `tessera-isagen --docs` from `isa/isa.def`; bit positions "
                                    "are for config `%s` (hash `%s`).\n\n",
                                    config.name, hashToHex(config.hash()));
  out += "### Opcodes\n\n| value | mnemonic | unit | meaning |\n|---|---|---|---|\n";
  for (Opcode op : kOpcodes)
    absl::StrAppendFormat(&out, "| %d | `%s` | %s | %s |\n", int(op), opcodeName(op), opcodeUnit(op), opcodeSummary(op));
  out += "\n### Scratchpads (`buffer` field)\n\n| id | name | entry bytes | depth | meaning |\n|---|---|---|---|---|\n";
  for (Buffer b : kBuffers)
    absl::StrAppendFormat(&out, "| %d | `%s` | %d | %d | %s |\n", int(b), bufferName(b), config.entryBytes(b), config.depth(b),
                          bufferSummary(b));
  out += "\n### ALU operations (`alu_op` field)\n\n| value | name | result written to acc[dst] |\n|---|---|---|\n";
  for (AluOp op : kAluOps) absl::StrAppendFormat(&out, "| %d | `%s` | %s |\n", int(op), aluOpName(op), aluOpSummary(op));
  for (Opcode op : kOpcodes) docsFormat(out, layout.format(op), layout.instructionBits());
  absl::StrAppendFormat(&out, "\n### Micro-op (%d of %d bits used)\n\n| bits | field | width | width rule | meaning |\n|---|---|---|---|---|\n",
                        layout.uopUsedBits(), layout.uopBits());
  for (const UopFieldLayout &field : layout.uopFields())
    absl::StrAppendFormat(&out, "| %d:%d | `%s` | %d | %s | %s |\n", field.offset + field.width - 1, field.offset,
                          uopFieldName(field.field), field.width, describeWidthRule(field.rule, field.ruleArg),
                          uopFieldSummary(field.field));
  return out;
}

} // namespace tessera::isa
