//===- lut_table.cpp - An int8 unary function as the ALU's lookup table -----------===//
#include "compiler/quant/arith/lut_table.h"

#include <cmath>

namespace tessera::quant {
namespace {

Status checkQuantization(LutQuantization q, const char *side) {
  if (!(q.scale > 0) || !std::isfinite(q.scale))
    return invalidInput("lookup table: the %s scale must be positive and finite, got %g", side, double(q.scale));
  if (q.zeroPoint < -128 || q.zeroPoint > 127)
    return invalidInput("lookup table: the %s zero point must be an int8, got %d", side, q.zeroPoint);
  return absl::OkStatus();
}

/// saturate_int8(round_half_even(y / scale) + zeroPoint), in float like QuantizeLinear.
int8_t quantize(float y, LutQuantization q) {
  float scaled = std::nearbyint(y / q.scale) + float(q.zeroPoint);
  if (scaled >= 127.0f) return 127;
  if (scaled <= -128.0f) return -128;
  return int8_t(scaled);
}

} // namespace

StatusOr<isa::LutTable> buildLutTable(const std::function<float(float)> &f, LutQuantization input,
                                      LutQuantization output) {
  TS_RETURN_IF_ERROR(checkQuantization(input, "input"));
  TS_RETURN_IF_ERROR(checkQuantization(output, "output"));
  isa::LutTable table{};
  for (int32_t q = -128; q <= 127; ++q) {
    float x = float(q - input.zeroPoint) * input.scale;
    float y = f(x);
    if (std::isnan(y)) return invalidInput("lookup table: the function is NaN at input %d (real %g)", q, double(x));
    table[size_t(q + 128)] = quantize(y, output);
  }
  return table;
}

int32_t lutLane(const isa::LutTable &table, int32_t x) {
  return isa::aluLane(isa::AluOp::lut, x, 0, /*useImm=*/true, table);
}

} // namespace tessera::quant
