//===- lut_table.h - An int8 unary function as the ALU's lookup table -------------===//
//
// The accelerator's `lut` ALU operation (docs/isa.md, "Lookup table") maps every int8
// input q to entry q + 128 of a 256-entry int8 table. buildLutTable fills that table
// from a real unary function and the input and output quantization, exactly as an
// fp32 dequantize -> f -> quantize reference does: x = (q - zp_in) * s_in in float,
// y = f(x), entry = saturate_int8(round_half_even(y / s_out) + zp_out). Any unary
// activation (sigmoid, tanh, SiLU, HardSwish, GELU, exp) then runs as one table lookup
// per element, bit for bit what the reference computes.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <functional>

#include "isa/alu_ops.h"
#include "support/status.h"

namespace tessera::quant {

/// The affine int8 quantization of one side of the table: real = (q - zeroPoint) * scale.
struct LutQuantization {
  float scale = 1;
  int32_t zeroPoint = 0;
};

/// The table of `f` from `input` to `output` quantization. A NaN result saturates to
/// neither side, so it is an error naming the input; +-inf saturate to 127 / -128.
/// Errors: a scale that is not positive and finite, a zero point outside int8.
StatusOr<isa::LutTable> buildLutTable(const std::function<float(float)> &f, LutQuantization input,
                                      LutQuantization output);

/// One lane of `lut` with `table` (isa/alu_ops.h, the executors' definition).
int32_t lutLane(const isa::LutTable &table, int32_t x);

} // namespace tessera::quant
