//===- text_values.cpp - Number and element parsing/printing ---------------------===//
#include "isa/text_values.h"

#include <charconv>
#include <cstring>

#include "support/strings.h"

namespace tessera::isa {
namespace {

template <typename T> void appendBytes(std::vector<uint8_t> &bytes, T value) {
  uint8_t raw[sizeof(T)];
  std::memcpy(raw, &value, sizeof(T));
  bytes.insert(bytes.end(), raw, raw + sizeof(T));
}

template <typename T> T readAs(const uint8_t *bytes) {
  T value;
  std::memcpy(&value, bytes, sizeof(T));
  return value;
}

Status checkRange(std::string_view text, DType dtype, int64_t value, int64_t lo, int64_t hi) {
  if (value < lo || value > hi)
    return invalidInput("value %s does not fit %s [%d, %d]", std::string(text), dtypeName(dtype), lo, hi);
  return absl::OkStatus();
}

} // namespace

StatusOr<uint64_t> parseUnsigned(std::string_view text) {
  int base = 10;
  std::string_view digits = text;
  if (digits.starts_with("0x") || digits.starts_with("0X")) {
    base = 16;
    digits.remove_prefix(2);
  }
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value, base);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size())
    return invalidInput("'%s' is not a non-negative integer", std::string(text));
  return value;
}

StatusOr<int64_t> parseSigned(std::string_view text) {
  bool negative = text.starts_with('-');
  TS_ASSIGN_OR_RETURN(uint64_t magnitude, parseUnsigned(negative ? text.substr(1) : text));
  if (magnitude > (uint64_t(1) << 63) - (negative ? 0 : 1))
    return invalidInput("'%s' is out of the 64-bit range", std::string(text));
  return negative ? -int64_t(magnitude) : int64_t(magnitude);
}

StatusOr<double> parseFloat(std::string_view text) {
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size())
    return invalidInput("'%s' is not a number", std::string(text));
  return value;
}

StatusOr<std::pair<std::string, int64_t>> parseSymbolRef(std::string_view text) {
  size_t split = text.find_first_of("+-");
  std::string symbol(text.substr(0, split));
  if (split == std::string_view::npos) return std::make_pair(symbol, int64_t(0));
  TS_ASSIGN_OR_RETURN(int64_t addend, parseSigned(text.substr(split + (text[split] == '+' ? 1 : 0))));
  return std::make_pair(symbol, addend);
}

Status appendValue(DType dtype, std::string_view text, std::vector<uint8_t> &bytes) {
  if (dtype == DType::F32 || dtype == DType::F64) {
    TS_ASSIGN_OR_RETURN(double value, parseFloat(text));
    if (dtype == DType::F32) appendBytes(bytes, float(value));
    else appendBytes(bytes, value);
    return absl::OkStatus();
  }
  if (dtype == DType::U64) {
    TS_ASSIGN_OR_RETURN(uint64_t value, parseUnsigned(text));
    appendBytes(bytes, value);
    return absl::OkStatus();
  }
  TS_ASSIGN_OR_RETURN(int64_t value, parseSigned(text));
  switch (dtype) {
  case DType::I8: TS_RETURN_IF_ERROR(checkRange(text, dtype, value, INT8_MIN, INT8_MAX)); appendBytes(bytes, int8_t(value)); break;
  case DType::U8: TS_RETURN_IF_ERROR(checkRange(text, dtype, value, 0, UINT8_MAX)); appendBytes(bytes, uint8_t(value)); break;
  case DType::Bool: TS_RETURN_IF_ERROR(checkRange(text, dtype, value, 0, 1)); appendBytes(bytes, uint8_t(value)); break;
  case DType::I16: TS_RETURN_IF_ERROR(checkRange(text, dtype, value, INT16_MIN, INT16_MAX)); appendBytes(bytes, int16_t(value)); break;
  case DType::U16:
  case DType::F16: TS_RETURN_IF_ERROR(checkRange(text, dtype, value, 0, UINT16_MAX)); appendBytes(bytes, uint16_t(value)); break;
  case DType::I32: TS_RETURN_IF_ERROR(checkRange(text, dtype, value, INT32_MIN, INT32_MAX)); appendBytes(bytes, int32_t(value)); break;
  case DType::U32: TS_RETURN_IF_ERROR(checkRange(text, dtype, value, 0, UINT32_MAX)); appendBytes(bytes, uint32_t(value)); break;
  default: appendBytes(bytes, value); break;
  }
  return absl::OkStatus();
}

std::string formatValue(DType dtype, const uint8_t *bytes) {
  switch (dtype) {
  case DType::F32: return absl::StrFormat("%.9g", readAs<float>(bytes));
  case DType::F64: return absl::StrFormat("%.17g", readAs<double>(bytes));
  case DType::I8: return std::to_string(readAs<int8_t>(bytes));
  case DType::U8:
  case DType::Bool: return std::to_string(readAs<uint8_t>(bytes));
  case DType::I16: return std::to_string(readAs<int16_t>(bytes));
  case DType::U16:
  case DType::F16: return std::to_string(readAs<uint16_t>(bytes));
  case DType::I32: return std::to_string(readAs<int32_t>(bytes));
  case DType::U32: return std::to_string(readAs<uint32_t>(bytes));
  case DType::I64: return std::to_string(readAs<int64_t>(bytes));
  case DType::U64: return std::to_string(readAs<uint64_t>(bytes));
  }
  return "?";
}

std::string formatFieldList(const FormatLayout &format) {
  std::vector<std::string_view> names;
  for (const FieldLayout &field : format.fields) {
    if (field.field != Field::opcode) names.push_back(fieldName(field.field));
  }
  return joinStrings(names, ", ");
}

} // namespace tessera::isa
