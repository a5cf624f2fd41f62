//===- isagen.h - Generators over the ISA table -----------------------------------===//
#pragma once

#include <string>

#include "isa/layout.h"

namespace tessera::isa {

/// The SystemVerilog package `tessera_pkg`: config parameters, enums, field positions
/// and one packed struct per instruction format.
std::string generateSvPackage(const HardwareConfig &config, const IsaLayout &layout);

/// Markdown tables: opcodes, buffers, ALU ops, and each format's fields with bit ranges
/// for `config` and the width rule.
std::string generateDocsTables(const HardwareConfig &config, const IsaLayout &layout);

/// Markdown table of the config keys with their meaning and `config`'s values.
std::string generateConfigTable(const HardwareConfig &config);

} // namespace tessera::isa
