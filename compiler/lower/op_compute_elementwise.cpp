//===- op_compute_elementwise.cpp - Elementwise ops as expressions ---------------------===//
//
// Unary, n-ary (numpy broadcasting) and select-like ops, for every element type the
// back ends handle: floats, signed and unsigned integers, bool. Each op is one
// expression of its operands; a kernel's anchor stage or a fused epilogue uses it.
//
//===----------------------------------------------------------------------===//
#include <cmath>

#include "compiler/graph/dtype_dispatch.h"
#include "compiler/graph/op_traits.h"
#include "compiler/lower/op_compute_builder.h"

namespace tessera::lower::detail {
namespace {

using loop::MathFn;

Expr m(MathFn fn, Expr x) { return loop::math(fn, x); }
/// Bools as i8 for the operators the loop IR defines only on numbers (==, <, ...).
Expr numeric(Expr e) { return e->type == DType::Bool ? loop::cast(DType::I8, e) : e; }

/// A constant scalar input (any numeric type) as a double, if it is one.
std::optional<double> constantScalar(const graph::Graph &g, const Node &node, size_t index) {
  if (!node.hasInput(index)) return std::nullopt;
  const Tensor *t = g.constantOf(node.input(index));
  if (!t || t->elementCount() != 1) return std::nullopt;
  return graph::loadAsDouble(t->dtype(), t->bytes(), 0);
}

/// Clip's bound `index` (1: min, 2: max): a constant, a runtime scalar, or none.
StatusOr<Expr> clipBound(Builder &b, const Node &node, size_t index, DType type) {
  if (!node.hasInput(index)) {
    const char *attr = index == 1 ? "min" : "max";
    if (!node.attrs.has(attr)) return Expr();
    return constant(node.attrs.getFloat(attr, 0.0f), type);
  }
  if (auto v = constantScalar(b.graph_, node, index)) return constant(*v, type);
  return b.scalarLoad(node.input(index));
}

/// Inverse trigonometric and hyperbolic functions from exp/log/sqrt/atan-free forms.
std::optional<Expr> hyperbolicExpr(const std::string &op, Expr x) {
  DType t = x->type;
  Expr one = constant(1, t), half = constant(0.5, t);
  if (op == "Tan") return m(MathFn::Sin, x) / m(MathFn::Cos, x);
  if (op == "Sinh") return (m(MathFn::Exp, x) - m(MathFn::Exp, m(MathFn::Neg, x))) * half;
  if (op == "Cosh") return (m(MathFn::Exp, x) + m(MathFn::Exp, m(MathFn::Neg, x))) * half;
  if (op == "Asinh") return m(MathFn::Log, x + m(MathFn::Sqrt, x * x + one));
  if (op == "Acosh") return m(MathFn::Log, x + m(MathFn::Sqrt, x * x - one));
  if (op == "Atanh") return m(MathFn::Log, (one + x) / (one - x)) * half;
  Expr asin = m(MathFn::Atan, x / m(MathFn::Sqrt, one - x * x));
  if (op == "Atan") return m(MathFn::Atan, x);
  if (op == "Asin") return asin;
  if (op == "Acos") return constant(M_PI / 2, t) - asin;
  return std::nullopt;
}

/// Ops whose meaning does not depend on the element type being a float.
std::optional<Expr> typeGenericUnary(const graph::Graph &g, const Node &node, Expr x) {
  const std::string &op = node.op;
  DType t = x->type;
  Expr zero = constant(0, t);
  if (op == "Relu") return loop::maxExpr(x, zero);
  if (op == "Identity") return x;
  if (op == "Dropout") {
    auto training = node.hasInput(2) ? constantInts(g, node.input(2)) : std::vector<int64_t>{0};
    if (training && training->size() == 1 && (*training)[0] == 0) return x;
  }
  if (op == "Neg") return loop::isFloat(t) ? m(MathFn::Neg, x) : zero - x;
  if (op == "Abs") return loop::isFloat(t) ? m(MathFn::Abs, x) : loop::select(loop::ltExpr(x, zero), zero - x, x);
  if (op == "Sign")
    return loop::select(loop::ltExpr(zero, x), constant(1, t), loop::select(loop::ltExpr(x, zero), constant(-1, t), zero));
  if (op == "Not") return loop::binary(loop::BinOp::Eq, numeric(x), constant(0, DType::I8));
  if (op == "Cast" || op == "CastLike") return loop::cast(g.typeOf(node.outputs[0]).dtype, x);
  if (op == "IsNaN") return loop::binary(loop::BinOp::Ne, x, x);
  if (op == "IsInf") {
    Expr pos = loop::binary(loop::BinOp::Eq, x, constant(INFINITY, t));
    Expr neg = loop::binary(loop::BinOp::Eq, x, constant(-INFINITY, t));
    bool p = node.attrs.getInt("detect_positive", 1), n = node.attrs.getInt("detect_negative", 1);
    if (p && n) return loop::binary(loop::BinOp::Or, pos, neg);
    if (p) return pos;
    if (n) return neg;
    return constant(0, DType::Bool);
  }
  return std::nullopt;
}

/// The activations with attributes (alpha, beta, gamma, lambd, bias).
std::optional<Expr> activationExpr(const Node &node, Expr x) {
  const std::string &op = node.op;
  auto k = [&](double v) { return constant(v, x->type); };
  auto alpha = [&](float d) { return k(node.attrs.getFloat("alpha", d)); };
  if (op == "LeakyRelu") return loop::select(loop::ltExpr(x, k(0)), x * alpha(0.01f), x);
  Expr expm1 = m(MathFn::Exp, x) - k(1);
  if (op == "Elu") return loop::select(loop::ltExpr(x, k(0)), alpha(1.0f) * expm1, x);
  if (op == "Celu") return loop::maxExpr(x, k(0)) + loop::minExpr(k(0), alpha(1.0f) * (m(MathFn::Exp, x / alpha(1.0f)) - k(1)));
  if (op == "Selu") return k(node.attrs.getFloat("gamma", 1.05070102f)) * loop::select(loop::ltExpr(k(0), x), x, alpha(1.67326319f) * expm1);
  if (op == "ThresholdedRelu") return loop::select(loop::ltExpr(alpha(1.0f), x), x, k(0));
  if (op == "HardSigmoid")
    return loop::maxExpr(k(0), loop::minExpr(k(1), alpha(0.2f) * x + k(node.attrs.getFloat("beta", 0.5f))));
  if (op == "Shrink") {
    Expr lambd = k(node.attrs.getFloat("lambd", 0.5f)), bias = k(node.attrs.getFloat("bias", 0.0f));
    return loop::select(loop::ltExpr(x, k(0) - lambd), x + bias, loop::select(loop::ltExpr(lambd, x), x - bias, k(0)));
  }
  return std::nullopt;
}

/// Float functions without attributes.
std::optional<Expr> floatFunctionExpr(const std::string &op, Expr x) {
  auto k = [&](double v) { return constant(v, x->type); };
  static const std::map<std::string, MathFn> kMath = {
      {"Tanh", MathFn::Tanh}, {"Exp", MathFn::Exp},     {"Log", MathFn::Log},     {"Sqrt", MathFn::Sqrt},
      {"Floor", MathFn::Floor}, {"Ceil", MathFn::Ceil}, {"Round", MathFn::Round}, {"Sin", MathFn::Sin},
      {"Cos", MathFn::Cos},   {"Erf", MathFn::Erf}};
  if (auto it = kMath.find(op); it != kMath.end()) return m(it->second, x);
  if (auto e = hyperbolicExpr(op, x)) return *e;
  if (op == "Sigmoid") return k(1) / (k(1) + m(MathFn::Exp, m(MathFn::Neg, x)));
  if (op == "Reciprocal") return k(1) / x;
  if (op == "HardSwish") return x * loop::maxExpr(k(0), loop::minExpr(k(1), x * k(1.0 / 6.0) + k(0.5)));
  Expr softplus = m(MathFn::Log, m(MathFn::Exp, x) + k(1));
  if (op == "Softplus") return softplus;
  if (op == "Softsign") return x / (k(1) + m(MathFn::Abs, x));
  return std::nullopt;
}

StatusOr<Expr> unaryExpr(Builder &b, const Node &node, Expr x) {
  if (auto e = typeGenericUnary(b.graph_, node, x)) return *e;
  DType t = x->type;
  if (node.op == "Clip") {
    TS_ASSIGN_OR_RETURN(Expr lo, clipBound(b, node, 1, t));
    TS_ASSIGN_OR_RETURN(Expr hi, clipBound(b, node, 2, t));
    if (lo) x = loop::maxExpr(x, lo);
    return hi ? loop::minExpr(x, hi) : x;
  }
  if (!loop::isFloat(t)) return unimplemented(node, strCat("no description for ", dtypeName(t), " elements"));
  if (node.op == "Dropout") return unimplemented(node, "Dropout with a training_mode input");
  if (auto e = floatFunctionExpr(node.op, x)) return *e;
  if (auto e = activationExpr(node, x)) return *e;
  return unimplemented(node, "no elementwise description");
}

/// ONNX Mod: the C remainder with fmod=1, else the result takes the divisor's sign.
Expr modExpr(const Node &node, Expr a, Expr b) {
  Expr r = loop::binary(loop::BinOp::Mod, a, b);
  if (node.attrs.getInt("fmod", 0) || isUnsigned(a->type)) return r;
  Expr zero = constant(0, a->type);
  Expr differ = loop::binary(loop::BinOp::Ne, numeric(loop::ltExpr(r, zero)), numeric(loop::ltExpr(b, zero)));
  return loop::select(loop::andExpr(loop::binary(loop::BinOp::Ne, r, zero), differ), r + b, r);
}

/// Pow with an exponent of another type; integer bases go through f64.
Expr powExpr(Expr a, Expr b) {
  if (loop::isFloat(a->type)) return loop::binary(loop::BinOp::Pow, a, b->type == a->type ? b : loop::cast(a->type, b));
  Expr p = loop::binary(loop::BinOp::Pow, loop::cast(DType::F64, a), loop::cast(DType::F64, b));
  return loop::cast(a->type, p);
}

/// x << s and x >> s for unsigned x, as products with 2^s (exact below 2^53).
Expr bitShiftExpr(const Node &node, Expr a, Expr b) {
  Expr scale = loop::binary(loop::BinOp::Pow, constant(2, DType::F64), loop::cast(DType::F64, b));
  Expr x = loop::cast(DType::F64, a);
  Expr shifted = node.attrs.getString("direction", "") == "LEFT" ? x * scale : m(MathFn::Floor, x / scale);
  return loop::cast(a->type, shifted);
}

Expr binaryExpr(const Node &node, Expr a, Expr b) {
  const std::string &op = node.op;
  using loop::BinOp;
  if (op == "Add" || op == "Sum" || op == "Mean") return a + b; // Mean: divided by the caller
  if (op == "Sub") return a - b;
  if (op == "Mul") return a * b;
  if (op == "Div") return a / b;
  if (op == "Pow") return powExpr(a, b);
  if (op == "Max") return loop::maxExpr(a, b);
  if (op == "Min") return loop::minExpr(a, b);
  if (op == "PRelu") return loop::select(loop::ltExpr(a, constant(0, a->type)), a * b, a);
  if (op == "Mod") return modExpr(node, a, b);
  if (op == "BitShift") return bitShiftExpr(node, a, b);
  static const std::map<std::string, BinOp> kPredicates = {
      {"And", BinOp::And},   {"Or", BinOp::Or},     {"Xor", BinOp::Ne},         {"Equal", BinOp::Eq},
      {"Less", BinOp::Lt},   {"Greater", BinOp::Gt}, {"LessOrEqual", BinOp::Le}, {"GreaterOrEqual", BinOp::Ge}};
  BinOp p = kPredicates.at(op);
  if (p == BinOp::And || p == BinOp::Or) return loop::binary(p, a, b);
  return loop::binary(p, numeric(a), numeric(b));
}

} // namespace

StatusOr<Expr> Builder::elementwise(const Node &node, const std::map<std::string, Expr> &known,
                                    const std::vector<std::string> &axes) {
  auto operand = [&](size_t k) -> StatusOr<Expr> {
    if (auto it = known.find(node.input(k)); it != known.end()) return it->second;
    return broadcastLoad(node.input(k), axes);
  };
  if (graph::hasOpTrait(node.op, graph::op_trait::Unary)) {
    TS_ASSIGN_OR_RETURN(Expr x, operand(0));
    return unaryExpr(*this, node, x);
  }
  if (!graph::hasOpTrait(node.op, graph::op_trait::Broadcast)) return unimplemented(node, "no elementwise description");
  if (node.op == "BitShift" && !isUnsigned(dtypeOf(node.input(0)))) return unimplemented(node, "signed BitShift");
  std::vector<Expr> operands;
  for (size_t k = 0; k < node.inputs.size(); ++k) {
    TS_ASSIGN_OR_RETURN(Expr e, operand(k));
    operands.push_back(e);
  }
  if (operands.empty()) return unimplemented(node, "no operands");
  if (node.op == "Where") {
    if (operands.size() != 3) return unimplemented(node, "Where takes three inputs");
    return loop::select(operands[0], operands[1], operands[2]);
  }
  Expr acc = operands[0];
  for (size_t k = 1; k < operands.size(); ++k) acc = binaryExpr(node, acc, operands[k]);
  if (node.op == "Mean") acc = acc / constant(static_cast<double>(operands.size()), acc->type);
  return acc;
}

} // namespace tessera::lower::detail

namespace tessera::lower::detail {
namespace {

/// A per-tensor (one element) or per-axis (1-D, indexed by output axis `axis`) operand.
StatusOr<Expr> quantParam(Builder &b, const std::string &value, const std::vector<std::string> &axes, int64_t axis) {
  TS_ASSIGN_OR_RETURN(loop::Buffer p, b.param(value));
  if (p.elementCount() == 1) return loop::load(p.name, p.dtype, std::vector<Expr>(p.shape.size(), i(0)));
  if (p.shape.size() != 1 || axis < 0 || axis >= static_cast<int64_t>(axes.size()))
    return absl::UnimplementedError("blocked quantization parameters");
  return loop::load(p.name, p.dtype, {loop::var(axes[axis])});
}

/// The saturation range of a quantized type.
std::pair<double, double> quantRange(DType t) {
  switch (t) {
  case DType::U8: return {0, 255};
  case DType::I8: return {-128, 127};
  case DType::U16: return {0, 65535};
  case DType::I16: return {-32768, 32767};
  default: return {-2147483648.0, 2147483647.0};
  }
}

} // namespace

/// QuantizeLinear: saturate(round_half_even(x / scale) + zero_point); DequantizeLinear:
/// (x - zero_point) * scale; per tensor or per axis.
StatusOr<loop::Stage> describeQuantize(Builder &b, const Node &node) {
  TS_ASSIGN_OR_RETURN(loop::Buffer x, b.param(node.input(0)));
  loop::Stage s = b.stageFor(b.output_);
  int64_t axis = normalizeAxis(node.attrs.getInt("axis", 1), x.shape.size());
  if (node.attrs.has("block_size") && node.attrs.getInt("block_size", 0) != 0) return unimplemented(node, "blocked quantization");
  auto st = quantParam(b, node.input(1), s.axes, axis);
  if (!st.ok()) return unimplemented(node, std::string(st.status().message()));
  Expr scale = loop::cast(DType::F32, *st), zero = f(0);
  if (node.hasInput(2)) {
    auto z = quantParam(b, node.input(2), s.axes, axis);
    if (!z.ok()) return unimplemented(node, std::string(z.status().message()));
    zero = loop::cast(DType::F32, *z);
  }
  Expr xv = loop::cast(DType::F32, loop::load(x.name, x.dtype, axisVars(s.axes)));
  DType out = b.output_.dtype;
  if (node.op == "DequantizeLinear") {
    if (!loop::isFloat(out)) return unimplemented(node, "a float result expected");
    s.body = loop::cast(out, (xv - zero) * scale);
    return s;
  }
  if (loop::isFloat(out) || out == DType::Bool) return unimplemented(node, "an integer result expected");
  auto [lo, hi] = quantRange(out);
  Expr q = loop::math(loop::MathFn::Round, xv / scale) + zero;
  s.body = loop::cast(out, loop::minExpr(loop::maxExpr(q, f(lo)), f(hi)));
  return s;
}

} // namespace tessera::lower::detail
