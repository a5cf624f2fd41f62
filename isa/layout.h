//===- layout.h - Bit layout of every instruction format for one config ------===//
//
// isa.def gives each field a width rule; IsaLayout evaluates the rules for a hardware
// config and packs the fields from bit 0 upwards. The instruction word is 128 bits when
// every format fits, else 256; the micro-op word is 32 bits when its fields fit, else 64.
// A config that needs more is rejected with the field and config key to change. The
// encoder, decoder, binary container, simulators, SystemVerilog package generator and
// docs generator all read the widths and the layout from here.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <array>
#include <vector>

#include "isa/config.h"
#include "isa/isa.h"

namespace tessera::isa {

struct FieldLayout {
  Field field;
  int offset = 0; ///< bit position of the field's LSB in the instruction word
  int width = 0;
  WidthRule rule = WidthRule::Fixed;
  int ruleArg = 0; ///< bits for Fixed, the Buffer for Depth/DepthPlus1
  bool optional = false;
  bool isSigned = false;
  bool inHeader = false;
};

struct FormatLayout {
  Opcode opcode;
  std::vector<FieldLayout> fields;
  int usedBits = 0;
  /// The field's layout, or nullptr when this format has no such field.
  const FieldLayout *find(Field field) const;
};

struct UopFieldLayout {
  UopField field;
  int offset = 0;
  int width = 0;
  WidthRule rule = WidthRule::Fixed;
  int ruleArg = 0;
};

/// The instruction and micro-op word widths of one config.
struct IsaWidths {
  int instructionBits = kNarrowInstructionBits;
  int uopBits = kNarrowUopBits;
  int instructionBytes() const { return instructionBits / 8; }
  int uopBytes() const { return uopBits / 8; }
};

class IsaLayout {
public:
  /// Evaluates the width rules for `config` and picks the word widths; the error names the
  /// format (or micro-op) that overflows the widest word, its widest field and the config
  /// key that drives it.
  static StatusOr<IsaLayout> build(const HardwareConfig &config);

  int instructionBits() const { return widths_.instructionBits; }
  int instructionBytes() const { return widths_.instructionBytes(); }
  int uopBits() const { return widths_.uopBits; }
  int uopBytes() const { return widths_.uopBytes(); }
  const IsaWidths &widths() const { return widths_; }

  const FormatLayout &format(Opcode opcode) const { return formats_[size_t(opcode)]; }
  const std::array<UopFieldLayout, kUopFieldCount> &uopFields() const { return uopFields_; }
  int uopUsedBits() const { return uopUsedBits_; }

private:
  std::array<FormatLayout, kOpcodeCount> formats_;
  std::array<UopFieldLayout, kUopFieldCount> uopFields_;
  int uopUsedBits_ = 0;
  IsaWidths widths_;
};

/// The word widths IsaLayout::build picks for `config` (without its overflow checks).
IsaWidths isaWidthsFor(const HardwareConfig &config);
/// Bits of the micro-op word for `config`: 32 when its fields fit, else 64. The uop
/// scratchpad's entry size (HardwareConfig::entryBytes) follows it.
int uopWordBits(const HardwareConfig &config);

/// Width of a field with `rule`/`arg` under `config`.
int evaluateWidth(const HardwareConfig &config, WidthRule rule, int arg);
/// "32", "log2(acc depth)", ...: the rule as text, for docs.
std::string describeWidthRule(WidthRule rule, int arg);

} // namespace tessera::isa
