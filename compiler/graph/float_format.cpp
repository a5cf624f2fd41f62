//===- float_format.cpp - Round-trippable number text -------------------------===//
#include "compiler/graph/float_format.h"

#include <cmath>
#include <cstdio>

namespace tessera::graph {
namespace {

std::string formatWithDigits(double value, int digits) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value < 0 ? "-inf" : "inf";
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.*g", digits, value);
  std::string text = buffer;
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text;
}

} // namespace

std::string formatFloat(float value) { return formatWithDigits(value, 9); }
std::string formatDouble(double value) { return formatWithDigits(value, 17); }

} // namespace tessera::graph
