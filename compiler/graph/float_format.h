//===- float_format.h - Round-trippable number text ---------------------------===//
//
// Floats are printed with enough digits to read back bit-exactly, always with a '.'
// or exponent so the parser can tell them from integers; NaN and infinities are
// written nan, inf and -inf.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>

namespace tessera::graph {

std::string formatFloat(float value);
std::string formatDouble(double value);

} // namespace tessera::graph
