//===- layout.cpp - Field packing from isa.def ---------------------------------===//
#include "isa/layout.h"

#include <algorithm>
#include <optional>

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

namespace {

/// The scratchpad whose depth sets a field of `rule`/`arg` (the deepest one for the max
/// rules), or nullopt for fixed widths.
std::optional<Buffer> drivingBuffer(const HardwareConfig &config, WidthRule rule, int arg) {
  auto deepest = [&](std::initializer_list<Buffer> buffers) {
    Buffer best = *buffers.begin();
    for (Buffer buffer : buffers) {
      if (config.logDepth(buffer) > config.logDepth(best)) best = buffer;
    }
    return best;
  };
  switch (rule) {
  case WidthRule::Fixed: return std::nullopt;
  case WidthRule::Depth:
  case WidthRule::DepthPlus1: return Buffer(arg);
  case WidthRule::SramIndex: return deepest({Buffer::uop, Buffer::inp, Buffer::wgt, Buffer::acc, Buffer::out});
  case WidthRule::SrcIndex: return deepest({Buffer::inp, Buffer::acc});
  }
  return std::nullopt;
}

/// What to change in the config to make `buffer` shallower.
std::string_view shrinkAdvice(Buffer buffer) {
  switch (buffer) {
  case Buffer::uop: return "lower `uop_buffer_bytes`";
  case Buffer::inp: return "lower `input_buffer_bytes` or raise `block_in`";
  case Buffer::wgt: return "lower `weight_buffer_bytes` or raise `block_in`/`block_out`";
  case Buffer::acc:
  case Buffer::acc8:
  case Buffer::out: return "lower `acc_buffer_bytes` and `output_buffer_bytes` or raise `block_out`";
  }
  return "shrink the scratchpads";
}

/// "field `uop_end` is 14 bits from log2(uop depth) + 1; lower `uop_buffer_bytes`".
std::string widestFieldAdvice(const HardwareConfig &config, std::string_view name, int width, WidthRule rule,
                              int arg) {
  std::optional<Buffer> buffer = drivingBuffer(config, rule, arg);
  if (!buffer) return strCat("field `", name, "` is ", width, " bits");
  WidthRule shown = rule == WidthRule::DepthPlus1 ? rule : WidthRule::Depth;
  return strCat("field `", name, "` is ", width, " bits from ", describeWidthRule(shown, int(*buffer)), "; ",
                shrinkAdvice(*buffer));
}

/// The overflow error of `format`, naming its widest config-derived field.
Status formatTooWide(const HardwareConfig &config, const FormatLayout &format) {
  const FieldLayout *widest = nullptr;
  for (const FieldLayout &field : format.fields) {
    if (field.rule != WidthRule::Fixed && (!widest || field.width > widest->width)) widest = &field;
  }
  std::string advice = widest ? widestFieldAdvice(config, fieldName(widest->field), widest->width, widest->rule,
                                                  widest->ruleArg)
                              : "shrink the scratchpads";
  return invalidInput("config '%s': %s needs %d bits (> %d): %s", config.name, opcodeName(format.opcode),
                      format.usedBits, kWideInstructionBits, advice);
}

/// The micro-op's error when it needs more than 64 bits or a field exceeds 32 (the index
/// registers of the uop loop are 32 bits).
Status checkUopFields(const HardwareConfig &config, const std::array<UopFieldLayout, kUopFieldCount> &fields,
                      int usedBits) {
  const UopFieldLayout *widest = &fields[0];
  for (const UopFieldLayout &field : fields) {
    if (field.width > widest->width) widest = &field;
  }
  if (usedBits <= kWideUopBits && widest->width <= 32) return absl::OkStatus();
  return invalidInput("config '%s': a micro-op needs %d bits (at most %d, each field at most 32): %s",
                      config.name, usedBits, kWideUopBits,
                      widestFieldAdvice(config, uopFieldName(widest->field), widest->width, widest->rule,
                                        widest->ruleArg));
}

int usedUopBits(const HardwareConfig &config) {
  int bits = 0;
  for (const UopRow &row : kUopRows) bits += evaluateWidth(config, row.rule, row.arg);
  return bits;
}

int wordBits(int usedBits, int narrow, int wide) { return usedBits <= narrow ? narrow : wide; }

} // namespace

int uopWordBits(const HardwareConfig &config) {
  return wordBits(usedUopBits(config), kNarrowUopBits, kWideUopBits);
}

IsaWidths isaWidthsFor(const HardwareConfig &config) {
  int widest = 0;
  for (Opcode opcode : kOpcodes) {
    int bits = 0;
    for (const FieldRow &row : kFieldRows) {
      if (row.opcode < 0 || row.opcode == int(opcode)) bits += evaluateWidth(config, row.rule, row.arg);
    }
    widest = std::max(widest, bits);
  }
  return {wordBits(widest, kNarrowInstructionBits, kWideInstructionBits), uopWordBits(config)};
}

StatusOr<IsaLayout> IsaLayout::build(const HardwareConfig &config) {
  IsaLayout layout;
  for (const UopRow &row : kUopRows) {
    UopFieldLayout &field = layout.uopFields_[size_t(row.field)];
    field = {row.field, layout.uopUsedBits_, evaluateWidth(config, row.rule, row.arg), row.rule, row.arg};
    layout.uopUsedBits_ += field.width;
  }
  TS_RETURN_IF_ERROR(checkUopFields(config, layout.uopFields_, layout.uopUsedBits_));
  int widest = 0;
  for (Opcode opcode : kOpcodes) {
    FormatLayout &format = layout.formats_[size_t(opcode)];
    format.opcode = opcode;
    for (const FieldRow &row : kFieldRows) {
      if (row.opcode < 0 || row.opcode == int(opcode)) appendField(format, config, row);
    }
    if (format.usedBits > kWideInstructionBits) return formatTooWide(config, format);
    widest = std::max(widest, format.usedBits);
  }
  layout.widths_ = {wordBits(widest, kNarrowInstructionBits, kWideInstructionBits),
                    wordBits(layout.uopUsedBits_, kNarrowUopBits, kWideUopBits)};
  return layout;
}

} // namespace tessera::isa
