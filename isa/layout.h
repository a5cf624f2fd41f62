//===- layout.h - Bit layout of every instruction format for one config ------===//
//
// isa.def gives each field a width rule; IsaLayout evaluates the rules for a hardware
// config, packs the fields from bit 0 upwards and checks every format fits in 128 bits
// and the micro-op in 32. The encoder, decoder, the SystemVerilog package generator and
// the docs generator all read the layout from here.
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
  int offset = 0; ///< bit position of the field's LSB in the 128-bit word
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

class IsaLayout {
public:
  /// Evaluates the width rules for `config`; the error names the format that overflows.
  static StatusOr<IsaLayout> build(const HardwareConfig &config);

  const FormatLayout &format(Opcode opcode) const { return formats_[size_t(opcode)]; }
  const std::array<UopFieldLayout, kUopFieldCount> &uopFields() const { return uopFields_; }
  int uopUsedBits() const { return uopUsedBits_; }

private:
  std::array<FormatLayout, kOpcodeCount> formats_;
  std::array<UopFieldLayout, kUopFieldCount> uopFields_;
  int uopUsedBits_ = 0;
};

/// Width of a field with `rule`/`arg` under `config`.
int evaluateWidth(const HardwareConfig &config, WidthRule rule, int arg);
/// "32", "log2(acc depth)", ...: the rule as text, for docs.
std::string describeWidthRule(WidthRule rule, int arg);

} // namespace tessera::isa
