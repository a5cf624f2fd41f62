//===- elementwise_ops.cpp - Scalar functions of the elementwise ops -----------===//
#include "compiler/interp/elementwise_ops.h"

#include <cmath>
#include <unordered_map>

namespace tessera::interp {
namespace {

using Attrs = graph::AttributeMap;
using UnaryFactory = UnaryFn (*)(const Attrs &);

double sigmoid(double x) { return x >= 0 ? 1 / (1 + std::exp(-x)) : std::exp(x) / (1 + std::exp(x)); }

const std::unordered_map<std::string, UnaryFactory> &unaryTable() {
  static const std::unordered_map<std::string, UnaryFactory> table = {
      {"Abs", [](const Attrs &) -> UnaryFn { return [](double x) { return std::fabs(x); }; }},
      {"Neg", [](const Attrs &) -> UnaryFn { return [](double x) { return -x; }; }},
      {"Relu", [](const Attrs &) -> UnaryFn { return [](double x) { return x < 0 ? 0.0 : x; }; }}, // NaN stays NaN
      {"Sigmoid", [](const Attrs &) -> UnaryFn { return sigmoid; }},
      {"Tanh", [](const Attrs &) -> UnaryFn { return [](double x) { return std::tanh(x); }; }},
      {"Exp", [](const Attrs &) -> UnaryFn { return [](double x) { return std::exp(x); }; }},
      {"Log", [](const Attrs &) -> UnaryFn { return [](double x) { return std::log(x); }; }},
      {"Sqrt", [](const Attrs &) -> UnaryFn { return [](double x) { return std::sqrt(x); }; }},
      {"Reciprocal", [](const Attrs &) -> UnaryFn { return [](double x) { return 1 / x; }; }},
      {"Floor", [](const Attrs &) -> UnaryFn { return [](double x) { return std::floor(x); }; }},
      {"Ceil", [](const Attrs &) -> UnaryFn { return [](double x) { return std::ceil(x); }; }},
      {"Round", [](const Attrs &) -> UnaryFn { return [](double x) { return std::nearbyint(x); }; }},
      {"Sin", [](const Attrs &) -> UnaryFn { return [](double x) { return std::sin(x); }; }},
      {"Cos", [](const Attrs &) -> UnaryFn { return [](double x) { return std::cos(x); }; }},
      {"Tan", [](const Attrs &) -> UnaryFn { return [](double x) { return std::tan(x); }; }},
      {"Asin", [](const Attrs &) -> UnaryFn { return [](double x) { return std::asin(x); }; }},
      {"Acos", [](const Attrs &) -> UnaryFn { return [](double x) { return std::acos(x); }; }},
      {"Atan", [](const Attrs &) -> UnaryFn { return [](double x) { return std::atan(x); }; }},
      {"Sinh", [](const Attrs &) -> UnaryFn { return [](double x) { return std::sinh(x); }; }},
      {"Cosh", [](const Attrs &) -> UnaryFn { return [](double x) { return std::cosh(x); }; }},
      {"Asinh", [](const Attrs &) -> UnaryFn { return [](double x) { return std::asinh(x); }; }},
      {"Acosh", [](const Attrs &) -> UnaryFn { return [](double x) { return std::acosh(x); }; }},
      {"Atanh", [](const Attrs &) -> UnaryFn { return [](double x) { return std::atanh(x); }; }},
      {"Erf", [](const Attrs &) -> UnaryFn { return [](double x) { return std::erf(x); }; }},
      {"Sign", [](const Attrs &) -> UnaryFn { return [](double x) { return double((x > 0) - (x < 0)); }; }},
      {"Not", [](const Attrs &) -> UnaryFn { return [](double x) { return double(x == 0); }; }},
      {"Softplus", [](const Attrs &) -> UnaryFn {
         return [](double x) { return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)); };
       }},
      {"Softsign", [](const Attrs &) -> UnaryFn { return [](double x) { return x / (1 + std::fabs(x)); }; }},
      {"Elu", [](const Attrs &a) -> UnaryFn {
         double alpha = a.getFloat("alpha", 1.0f);
         return [alpha](double x) { return x >= 0 ? x : alpha * (std::exp(x) - 1); };
       }},
      {"Celu", [](const Attrs &a) -> UnaryFn {
         double alpha = a.getFloat("alpha", 1.0f);
         return [alpha](double x) { return std::max(0.0, x) + std::min(0.0, alpha * (std::exp(x / alpha) - 1)); };
       }},
      {"Selu", [](const Attrs &a) -> UnaryFn {
         double alpha = a.getFloat("alpha", 1.67326319217681884765625f);
         double gamma = a.getFloat("gamma", 1.05070102214813232421875f);
         return [alpha, gamma](double x) { return gamma * (x > 0 ? x : alpha * (std::exp(x) - 1)); };
       }},
      {"LeakyRelu", [](const Attrs &a) -> UnaryFn {
         double alpha = a.getFloat("alpha", 0.01f);
         return [alpha](double x) { return x >= 0 ? x : alpha * x; };
       }},
      {"HardSigmoid", [](const Attrs &a) -> UnaryFn {
         double alpha = a.getFloat("alpha", 0.2f), beta = a.getFloat("beta", 0.5f);
         return [alpha, beta](double x) { return std::max(0.0, std::min(1.0, alpha * x + beta)); };
       }},
      {"HardSwish", [](const Attrs &) -> UnaryFn {
         return [](double x) { return x * std::max(0.0, std::min(1.0, x / 6 + 0.5)); };
       }},
      {"ThresholdedRelu", [](const Attrs &a) -> UnaryFn {
         double alpha = a.getFloat("alpha", 1.0f);
         return [alpha](double x) { return x > alpha ? x : 0.0; };
       }},
      {"Shrink", [](const Attrs &a) -> UnaryFn {
         double lambd = a.getFloat("lambd", 0.5f), bias = a.getFloat("bias", 0.0f);
         return [lambd, bias](double x) { return x < -lambd ? x + bias : x > lambd ? x - bias : 0.0; };
       }},
  };
  return table;
}

/// Python-style modulo: the result takes the divisor's sign.
double floorMod(double a, double b) {
  double r = std::fmod(a, b);
  return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
}

} // namespace

StatusOr<UnaryFn> makeUnaryFn(const std::string &op, const graph::AttributeMap &attrs) {
  auto it = unaryTable().find(op);
  if (it == unaryTable().end()) return invalidInput("'%s' is not a unary elementwise op", op);
  return it->second(attrs);
}

StatusOr<BinaryFn> makeBinaryFn(const std::string &op, const graph::AttributeMap &attrs) {
  if (op == "Add") return BinaryFn([](double a, double b) { return a + b; });
  if (op == "Sub") return BinaryFn([](double a, double b) { return a - b; });
  if (op == "Mul") return BinaryFn([](double a, double b) { return a * b; });
  if (op == "Div") return BinaryFn([](double a, double b) { return a / b; });
  if (op == "Pow") return BinaryFn([](double a, double b) { return std::pow(a, b); });
  if (op == "Max") return BinaryFn([](double a, double b) { return std::isnan(a) || std::isnan(b) ? NAN : std::max(a, b); });
  if (op == "Min") return BinaryFn([](double a, double b) { return std::isnan(a) || std::isnan(b) ? NAN : std::min(a, b); });
  if (op == "PRelu") return BinaryFn([](double x, double slope) { return x < 0 ? slope * x : x; });
  if (op == "Equal") return BinaryFn([](double a, double b) { return double(a == b); });
  if (op == "Greater") return BinaryFn([](double a, double b) { return double(a > b); });
  if (op == "Less") return BinaryFn([](double a, double b) { return double(a < b); });
  if (op == "GreaterOrEqual") return BinaryFn([](double a, double b) { return double(a >= b); });
  if (op == "LessOrEqual") return BinaryFn([](double a, double b) { return double(a <= b); });
  if (op == "And") return BinaryFn([](double a, double b) { return double(a != 0 && b != 0); });
  if (op == "Or") return BinaryFn([](double a, double b) { return double(a != 0 || b != 0); });
  if (op == "Xor") return BinaryFn([](double a, double b) { return double((a != 0) != (b != 0)); });
  if (op == "Mod") {
    if (attrs.getInt("fmod", 0)) return BinaryFn([](double a, double b) { return std::fmod(a, b); });
    return BinaryFn(floorMod);
  }
  return invalidInput("'%s' is not a binary elementwise op on floats", op);
}

StatusOr<IntBinaryFn> makeIntBinaryFn(const std::string &op, const graph::AttributeMap &attrs, DType dtype) {
  if (op == "Add") return IntBinaryFn([](int64_t a, int64_t b) { return int64_t(uint64_t(a) + uint64_t(b)); });
  if (op == "Sub") return IntBinaryFn([](int64_t a, int64_t b) { return int64_t(uint64_t(a) - uint64_t(b)); });
  if (op == "Mul") return IntBinaryFn([](int64_t a, int64_t b) { return int64_t(uint64_t(a) * uint64_t(b)); });
  if (op == "Div") return IntBinaryFn([](int64_t a, int64_t b) { return b == 0 ? 0 : a / b; });
  if (op == "Mod") {
    bool fmod = attrs.getInt("fmod", 0);
    return IntBinaryFn([fmod](int64_t a, int64_t b) -> int64_t {
      if (b == 0) return 0;
      int64_t r = a % b;
      return (!fmod && r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
    });
  }
  if (op == "BitShift") {
    bool left = attrs.getString("direction", "") == "LEFT";
    int bits = static_cast<int>(dtypeSize(dtype) * 8);
    return IntBinaryFn([left, bits](int64_t a, int64_t b) -> int64_t {
      if (b < 0 || b >= bits) return 0;
      uint64_t mask = bits == 64 ? ~0ull : ((1ull << bits) - 1);
      uint64_t value = uint64_t(a) & mask;
      return int64_t(left ? (value << b) & mask : value >> b);
    });
  }
  if (op == "Max") return IntBinaryFn([](int64_t a, int64_t b) { return std::max(a, b); });
  if (op == "Min") return IntBinaryFn([](int64_t a, int64_t b) { return std::min(a, b); });
  if (op == "PRelu") return IntBinaryFn([](int64_t x, int64_t s) { return x < 0 ? s * x : x; });
  TS_ASSIGN_OR_RETURN(BinaryFn fn, makeBinaryFn(op, attrs));
  return IntBinaryFn([fn](int64_t a, int64_t b) { return static_cast<int64_t>(fn(double(a), double(b))); });
}

} // namespace tessera::interp
