//===- int8_ops.h - Attributes of the accelerator's int8 ops --------------------===//
//
// The quantized ops (QConv, QGemm, QMatMul, QAdd, QMul, QMax, QMin, QClip, QLut, QMaxPool,
// QAveragePool, QGlobalAveragePool; docs/quantization.md) compute on int8 values with zero point 0
// and int32 accumulators exactly as the accelerator does. Their rescaling is not a
// float: it is the ISA's requant operand, one (multiplier, shift) pair per tensor or
// per output channel, held in the attributes `requant_multiplier` and `requant_shift`.
// An optional `clip = [lo, hi]` (int8) is the fused ReLU/ReLU6/clip. The inference
// rules and the interpreter kernels read the attributes through this one function.
// QLut (an int8 unary function as a 256-entry table, the ALU's `lut` operation) holds
// its table in the attribute `table`, read by readLutTable.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "compiler/graph/attribute.h"

namespace tessera::graph {

struct Int8OpAttrs {
  /// One entry (per tensor) or one per output channel.
  std::vector<uint32_t> multipliers;
  std::vector<uint32_t> shifts;
  int32_t clipLo = -128;
  int32_t clipHi = 127;
};

/// Entries of a QLut table: entry i is the result for the int8 input i - 128.
inline constexpr int kLutTableEntries = 256;
using LutTableEntries = std::array<int8_t, kLutTableEntries>;

/// Reads and checks QLut's `table` attribute: 256 integers in [-128, 127].
StatusOr<LutTableEntries> readLutTable(const AttributeMap &attrs);

/// Reads and checks the requant and clip attributes. `channels` is the number of
/// output channels a per-channel operand must have (1 for per-tensor-only ops,
/// kUnknownDim when not known yet); `needsRequant` false allows both to be absent.
StatusOr<Int8OpAttrs> readInt8OpAttrs(const AttributeMap &attrs, int64_t channels, bool needsRequant);

} // namespace tessera::graph
