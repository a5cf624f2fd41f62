//===- layout.cpp - Field packing from isa.def ---------------------------------===//
#include "isa/layout.h"

#include <algorithm>

namespace tessera::isa {
namespace {

constexpr int argOf(int value) { return value; }
constexpr int argOf(Buffer buffer) { return int(buffer); }

/// The raw rows of isa.def, in table order.
struct FieldRow {
  int opcode; ///< -1 for header fields
  Field field;
  WidthRule rule;
  int arg;
  FieldFlags flags;
};

// Lets the table name buffers bare (`acc`) inside the rule argument.
constexpr Buffer uop = Buffer::uop, inp = Buffer::inp, wgt = Buffer::wgt, acc = Buffer::acc,
                 out = Buffer::out;

const FieldRow kFieldRows[] = {
#define ISA_HEADER_FIELD(NAME, RULE, ARG, FLAGS)                                   \
  {-1, Field::NAME, WidthRule::RULE, argOf(ARG), FieldFlags::FLAGS},
#define ISA_FORMAT_FIELD(OPCODE, NAME, RULE, ARG, FLAGS)                           \
  {int(Opcode::OPCODE), Field::NAME, WidthRule::RULE, argOf(ARG), FieldFlags::FLAGS},
#include "isa/isa.def"
};

struct UopRow {
  UopField field;
  WidthRule rule;
  int arg;
};

const UopRow kUopRows[] = {
#define ISA_UOP_FIELD(NAME, RULE, ARG, SUMMARY) {UopField::NAME, WidthRule::RULE, argOf(ARG)},
#include "isa/isa.def"
};

const Opcode kOpcodes[] = {
#define ISA_OPCODE(NAME, VALUE, UNIT, SUMMARY) Opcode::NAME,
#include "isa/isa.def"
};

void appendField(FormatLayout &format, const HardwareConfig &config, const FieldRow &row) {
  FieldLayout layout;
  layout.field = row.field;
  layout.rule = row.rule;
  layout.ruleArg = row.arg;
  layout.width = evaluateWidth(config, row.rule, row.arg);
  layout.offset = format.usedBits;
  layout.optional = row.flags == FieldFlags::Optional || row.flags == FieldFlags::OptionalSigned;
  layout.isSigned = row.flags == FieldFlags::Signed || row.flags == FieldFlags::OptionalSigned;
  layout.inHeader = row.opcode < 0;
  format.usedBits += layout.width;
  format.fields.push_back(layout);
}

} // namespace

const FieldLayout *FormatLayout::find(Field field) const {
  for (const FieldLayout &layout : fields) {
    if (layout.field == field) return &layout;
  }
  return nullptr;
}

int evaluateWidth(const HardwareConfig &config, WidthRule rule, int arg) {
  switch (rule) {
  case WidthRule::Fixed: return arg;
  case WidthRule::Depth: return config.logDepth(Buffer(arg));
  case WidthRule::DepthPlus1: return config.logDepth(Buffer(arg)) + 1;
  case WidthRule::SramIndex:
    return std::max({config.logDepth(Buffer::uop), config.logDepth(Buffer::inp),
                     config.logDepth(Buffer::wgt), config.logDepth(Buffer::acc),
                     config.logDepth(Buffer::out)});
  case WidthRule::SrcIndex: return std::max(config.logDepth(Buffer::inp), config.logDepth(Buffer::acc));
  }
  return 0;
}

std::string describeWidthRule(WidthRule rule, int arg) {
  switch (rule) {
  case WidthRule::Fixed: return std::to_string(arg);
  case WidthRule::Depth: return strCat("log2(", bufferName(Buffer(arg)), " depth)");
  case WidthRule::DepthPlus1: return strCat("log2(", bufferName(Buffer(arg)), " depth) + 1");
  case WidthRule::SramIndex: return "log2(deepest scratchpad)";
  case WidthRule::SrcIndex: return "max(log2(inp depth), log2(acc depth))";
  }
  return "?";
}

StatusOr<IsaLayout> IsaLayout::build(const HardwareConfig &config) {
  IsaLayout layout;
  for (Opcode opcode : kOpcodes) {
    FormatLayout &format = layout.formats_[size_t(opcode)];
    format.opcode = opcode;
    for (const FieldRow &row : kFieldRows) {
      if (row.opcode < 0 || row.opcode == int(opcode)) appendField(format, config, row);
    }
    if (format.usedBits > kInstructionBits)
      return invalidInput("config '%s': the %s instruction needs %d bits but instructions are %d; "
                          "shrink the scratchpads that set its index widths",
                          config.name, opcodeName(opcode), format.usedBits, kInstructionBits);
  }
  for (const UopRow &row : kUopRows) {
    UopFieldLayout &field = layout.uopFields_[size_t(row.field)];
    field = {row.field, layout.uopUsedBits_, evaluateWidth(config, row.rule, row.arg), row.rule, row.arg};
    layout.uopUsedBits_ += field.width;
  }
  if (layout.uopUsedBits_ > kUopBits)
    return invalidInput("config '%s': a micro-op needs %d bits (dst %d + src %d + wgt %d) but "
                        "micro-ops are %d; shrink acc_buffer_bytes, input_buffer_bytes or "
                        "weight_buffer_bytes",
                        config.name, layout.uopUsedBits_, layout.uopFields_[0].width,
                        layout.uopFields_[1].width, layout.uopFields_[2].width, kUopBits);
  return layout;
}

} // namespace tessera::isa
