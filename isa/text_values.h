//===- text_values.h - Numbers and element values in the assembly text form -----===//
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "isa/layout.h"
#include "support/dtype.h"

namespace tessera::isa {

/// Decimal or 0x-hex, non-negative.
StatusOr<uint64_t> parseUnsigned(std::string_view text);
/// Decimal or 0x-hex with an optional leading '-'.
StatusOr<int64_t> parseSigned(std::string_view text);
StatusOr<double> parseFloat(std::string_view text);
/// "A", "A+16", "uops-2" -> (symbol, addend).
StatusOr<std::pair<std::string, int64_t>> parseSymbolRef(std::string_view text);

/// Parses one element of `dtype` and appends its little-endian bytes.
Status appendValue(DType dtype, std::string_view text, std::vector<uint8_t> &bytes);
/// Prints the element at `bytes` (integers in decimal, floats round-trippable).
std::string formatValue(DType dtype, const uint8_t *bytes);

/// "buffer, sram_base, ..." for error messages.
std::string formatFieldList(const FormatLayout &format);

} // namespace tessera::isa
