//===- int8_ops.cpp - Attributes of the accelerator's int8 ops ------------------===//
#include "compiler/graph/int8_ops.h"

#include "compiler/graph/tensor_type.h"

namespace tessera::graph {
namespace {

Status readRequant(const AttributeMap &attrs, int64_t channels, Int8OpAttrs &out) {
  Ints multipliers = attrs.getInts("requant_multiplier"), shifts = attrs.getInts("requant_shift");
  if (multipliers.empty() || multipliers.size() != shifts.size())
    return invalidInput("requant_multiplier and requant_shift need the same non-zero length, got %d and %d",
                        multipliers.size(), shifts.size());
  auto count = static_cast<int64_t>(multipliers.size());
  if (count != 1 && channels != kUnknownDim && count != channels)
    return invalidInput("%d requant operands for %d output channels (expected 1 or %d)", count, channels, channels);
  for (size_t i = 0; i < multipliers.size(); ++i) {
    if (multipliers[i] < 0 || multipliers[i] >= (int64_t(1) << 24))
      return invalidInput("requant_multiplier[%d] = %d is outside [0, 2^24)", i, multipliers[i]);
    if (shifts[i] < 0 || shifts[i] > 63)
      return invalidInput("requant_shift[%d] = %d is outside [0, 63]", i, shifts[i]);
    out.multipliers.push_back(uint32_t(multipliers[i]));
    out.shifts.push_back(uint32_t(shifts[i]));
  }
  return absl::OkStatus();
}

} // namespace

StatusOr<LutTableEntries> readLutTable(const AttributeMap &attrs) {
  Ints values = attrs.getInts("table");
  if (values.size() != kLutTableEntries)
    return invalidInput("table must have %d entries, got %d", kLutTableEntries, values.size());
  LutTableEntries table{};
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i] < -128 || values[i] > 127) return invalidInput("table[%d] = %d is not an int8", i, values[i]);
    table[i] = int8_t(values[i]);
  }
  return table;
}

StatusOr<Int8OpAttrs> readInt8OpAttrs(const AttributeMap &attrs, int64_t channels, bool needsRequant) {
  Int8OpAttrs out;
  if (needsRequant || attrs.has("requant_multiplier") || attrs.has("requant_shift"))
    TS_RETURN_IF_ERROR(readRequant(attrs, channels, out));
  if (!attrs.has("clip")) return out;
  Ints clip = attrs.getInts("clip");
  if (clip.size() != 2 || clip[0] < -128 || clip[1] > 127 || clip[0] > clip[1])
    return invalidInput("clip must be [lo, hi] with -128 <= lo <= hi <= 127");
  out.clipLo = int32_t(clip[0]);
  out.clipHi = int32_t(clip[1]);
  return out;
}

} // namespace tessera::graph
