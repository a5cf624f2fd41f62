//===- op_compute_integer.cpp - Integer convolutions and matrix products ---------------===//
//
// ConvInteger and MatMulInteger accumulate (x - x_zero_point) * (w - w_zero_point) in
// i32; QLinearConv and QLinearMatMul accumulate the same into an i32 temporary, add
// the bias, scale by x_scale * w_scale / y_scale (per output channel or column where
// w_scale is a vector) and requantize: saturate(round_half_even(v) + y_zero_point).
// Zero points are per tensor, or per row (A) / per output channel or column (W, B).
//
//===----------------------------------------------------------------------===//
#include <algorithm>

#include "compiler/graph/conv_geometry.h"
#include "compiler/lower/op_compute_builder.h"

namespace tessera::lower::detail {
namespace {

/// A zero point (or scale) read at `at` when it is a vector, at 0 when a scalar;
/// `fallback` when the input is absent.
StatusOr<Expr> perIndex(Builder &b, const Node &node, size_t input, Expr at, DType as, Expr fallback) {
  if (!node.hasInput(input)) return fallback;
  TS_ASSIGN_OR_RETURN(loop::Buffer p, b.param(node.input(input)));
  if (p.elementCount() == 1) return loop::cast(as, loop::load(p.name, p.dtype, std::vector<Expr>(p.shape.size(), i(0))));
  if (p.shape.size() != 1) return unimplemented(node, "zero points and scales are scalars or vectors");
  return loop::cast(as, loop::load(p.name, p.dtype, {at}));
}

Expr widen(const loop::Buffer &buffer, std::vector<Expr> index) {
  return loop::cast(DType::I32, loop::load(buffer.name, buffer.dtype, std::move(index)));
}

/// The requantizing stage of a QLinear op reading the i32 accumulator `acc`.
StatusOr<loop::Stage> requantizeStage(Builder &b, const Node &node, const loop::Buffer &acc, Expr scale, size_t yZeroInput) {
  loop::Stage s = b.stageFor(b.output_);
  DType out = b.output_.dtype;
  if (out != DType::U8 && out != DType::I8) return unimplemented(node, "a uint8 or int8 result expected");
  TS_ASSIGN_OR_RETURN(Expr zero, perIndex(b, node, yZeroInput, i(0), DType::F64, constant(0, DType::F64)));
  double lo = out == DType::U8 ? 0 : -128, hi = out == DType::U8 ? 255 : 127;
  Expr scaled = loop::cast(DType::F64, loop::load(acc.name, DType::I32, axisVars(s.axes))) * scale;
  Expr q = loop::math(loop::MathFn::Round, scaled) + zero;
  s.body = loop::cast(out, loop::minExpr(loop::maxExpr(q, constant(lo, DType::F64)), constant(hi, DType::F64)));
  return s;
}

} // namespace

StatusOr<loop::Stage> describeIntegerConv(Builder &b, const Node &node) {
  bool qlinear = node.op == "QLinearConv";
  size_t wInput = qlinear ? 3 : 1;
  TS_ASSIGN_OR_RETURN(loop::Buffer x, b.param(node.input(0)));
  TS_ASSIGN_OR_RETURN(loop::Buffer w, b.param(node.input(wInput)));
  const Shape &xs = x.shape, &ws = w.shape;
  int64_t group = node.attrs.getInt("group", 1);
  if (xs.size() < 3 || xs.size() > 5 || ws.size() != xs.size() || group <= 0 || xs[1] != ws[1] * group || ws[0] % group ||
      loop::isFloat(x.dtype) || loop::isFloat(w.dtype))
    return unimplemented(node, "integer input and weights of a 1-D to 3-D convolution expected");
  size_t rank = xs.size() - 2;
  Shape spatial(xs.begin() + 2, xs.end()), kernel(ws.begin() + 2, ws.end());
  TS_ASSIGN_OR_RETURN(graph::WindowGeometry geo, graph::computeWindowGeometry(node.attrs, spatial, kernel, false));
  loop::Buffer acc = qlinear ? b.temp("acc", b.output_.shape, DType::I32) : b.output_;
  if (acc.dtype != DType::I32) return unimplemented(node, "an int32 result expected");
  loop::Stage s = b.stageFor(acc, "q");
  Expr oc = loop::var(s.axes[1]);
  int64_t perGroup = ws[0] / group;
  Expr channel = (oc / i(perGroup)) * i(ws[1]) + loop::var("qc");
  s.reduceAxes = {{"qc", ws[1]}};
  WindowRead window = windowRead(s, geo, spatial);
  std::vector<Expr> xIndex = {loop::var(s.axes[0]), channel}, wIndex = {oc, loop::var("qc")};
  xIndex.insert(xIndex.end(), window.spatial.begin(), window.spatial.end());
  for (size_t d = 0; d < rank; ++d) wIndex.push_back(loop::var(strCat("qk", d)));
  size_t xZero = 2, wZero = qlinear ? 5 : 3;
  TS_ASSIGN_OR_RETURN(Expr xz, perIndex(b, node, xZero, i(0), DType::I32, constant(0, DType::I32)));
  TS_ASSIGN_OR_RETURN(Expr wz, perIndex(b, node, wZero, oc, DType::I32, constant(0, DType::I32)));
  Expr product = (widen(x, xIndex) - xz) * (widen(w, wIndex) - wz);
  s.combiner = loop::Combiner::Sum;
  s.init = constant(0, DType::I32);
  if (qlinear && node.hasInput(8)) {
    TS_ASSIGN_OR_RETURN(loop::Buffer bias, b.param(node.input(8)));
    s.init = widen(bias, {oc});
  }
  s.body = loop::select(window.inside, product, constant(0, DType::I32));
  if (!qlinear) return s;
  b.func_.stages.push_back(s);
  loop::Stage out = b.stageFor(b.output_);
  Expr outChannel = loop::var(out.axes[1]);
  TS_ASSIGN_OR_RETURN(Expr xScale, perIndex(b, node, 1, i(0), DType::F64, constant(1, DType::F64)));
  TS_ASSIGN_OR_RETURN(Expr wScale, perIndex(b, node, 4, outChannel, DType::F64, constant(1, DType::F64)));
  TS_ASSIGN_OR_RETURN(Expr yScale, perIndex(b, node, 6, i(0), DType::F64, constant(1, DType::F64)));
  return requantizeStage(b, node, acc, xScale * wScale / yScale, 7);
}

StatusOr<loop::Stage> describeIntegerMatMul(Builder &b, const Node &node) {
  bool qlinear = node.op == "QLinearMatMul";
  size_t bInput = qlinear ? 3 : 1;
  TS_ASSIGN_OR_RETURN(loop::Buffer a, b.param(node.input(0)));
  TS_ASSIGN_OR_RETURN(loop::Buffer m, b.param(node.input(bInput)));
  const Shape &as = a.shape, &bs = m.shape;
  if (as.size() < 2 || bs.size() < 2 || loop::isFloat(a.dtype) || loop::isFloat(m.dtype))
    return unimplemented(node, "integer matrix operands expected");
  loop::Buffer acc = qlinear ? b.temp("acc", b.output_.shape, DType::I32) : b.output_;
  if (acc.dtype != DType::I32) return unimplemented(node, "an int32 result expected");
  loop::Stage s = b.stageFor(acc, "q");
  size_t rank = s.axes.size();
  Expr row = loop::var(s.axes[rank - 2]), col = loop::var(s.axes[rank - 1]), k = loop::var("qk");
  s.reduceAxes = {{"qk", as.back()}};
  // Batch dimensions broadcast from the right, as MatMul's.
  auto operandIndex = [&](const Shape &shape, Expr first, Expr second) {
    std::vector<Expr> index;
    for (size_t d = 0; d + 2 < shape.size(); ++d)
      index.push_back(shape[d] == 1 ? i(0) : loop::var(s.axes[rank - shape.size() + d]));
    index.push_back(first);
    index.push_back(second);
    return index;
  };
  TS_ASSIGN_OR_RETURN(Expr az, perIndex(b, node, 2, row, DType::I32, constant(0, DType::I32)));
  TS_ASSIGN_OR_RETURN(Expr bz, perIndex(b, node, qlinear ? 5 : 3, col, DType::I32, constant(0, DType::I32)));
  s.combiner = loop::Combiner::Sum;
  s.init = constant(0, DType::I32);
  s.body = (widen(a, operandIndex(as, row, k)) - az) * (widen(m, operandIndex(bs, k, col)) - bz);
  if (!qlinear) return s;
  b.func_.stages.push_back(s);
  loop::Stage out = b.stageFor(b.output_);
  Expr outCol = loop::var(out.axes[rank - 1]);
  TS_ASSIGN_OR_RETURN(Expr aScale, perIndex(b, node, 1, i(0), DType::F64, constant(1, DType::F64)));
  TS_ASSIGN_OR_RETURN(Expr bScale, perIndex(b, node, 4, outCol, DType::F64, constant(1, DType::F64)));
  TS_ASSIGN_OR_RETURN(Expr yScale, perIndex(b, node, 6, i(0), DType::F64, constant(1, DType::F64)));
  return requantizeStage(b, node, acc, aScale * bScale / yScale, 7);
}

} // namespace tessera::lower::detail
