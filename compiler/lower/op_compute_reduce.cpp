//===- op_compute_reduce.cpp - Reductions, arg-reductions and softmax as stages ---------===//
//
// ReduceSum/Mean/Max/Min/Prod/L1/L2/LogSum/LogSumExp/SumSquare (axes as an attribute
// or a constant input, keepdims, noop_with_empty_axes), ArgMax/ArgMin (first or last
// index), and Softmax/LogSoftmax/Hardmax (one axis, or every axis from it on for the
// pre-13 opsets), LayerNormalization (mean and inverse standard deviation stages,
// results or temporaries). Each is one reduction stage over the input, with a max
// (or sum) stage before it where the result needs one.
//
//===----------------------------------------------------------------------===//
#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <set>

#include "compiler/loop/ir_util.h"
#include "compiler/lower/op_compute_builder.h"

namespace tessera::lower::detail {
namespace {

using loop::Combiner;
using loop::MathFn;

/// How the input's axes map to a reduction's output: the reduced ones read reduction
/// variables `r<d>`, the kept ones the output axes.
struct ReduceMap {
  std::vector<bool> reduced;
  bool keepdims = true;
  std::vector<loop::ReduceAxis> reduceAxes;

  /// The input index at an output point whose axes are `out`.
  std::vector<Expr> inputIndex(const std::vector<std::string> &out) const {
    std::vector<Expr> index;
    size_t o = 0;
    for (size_t d = 0; d < reduced.size(); ++d) {
      if (reduced[d]) {
        index.push_back(loop::var(strCat("r", d)));
        if (keepdims) ++o;
        continue;
      }
      index.push_back(loop::var(out[o++]));
    }
    return index;
  }
};

ReduceMap makeMap(const Shape &in, const std::vector<bool> &reduced, bool keepdims) {
  ReduceMap map{reduced, keepdims, {}};
  for (size_t d = 0; d < in.size(); ++d)
    if (reduced[d]) map.reduceAxes.push_back({strCat("r", d), in[d]});
  return map;
}


/// Axes given at run time, with keepdims: the static shapes determine the reduction
/// exactly for the ops that map a single element to itself (reducing an axis of extent
/// 1 or not gives the same result), so the kernel needs no axes values. Without
/// keepdims the dropped axes can be ambiguous: not described.
StatusOr<std::vector<bool>> axesFromShapes(const Builder &b, const Node &node, bool &noop) {
  const Shape &in = b.shapeOf(node.input(0)), &out = b.shapeOf(node.outputs[0]);
  static const std::set<std::string> kIdentityOnOne = {"ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd"};
  if (!kIdentityOnOne.count(node.op) || !node.attrs.getInt("keepdims", 1) || in.size() != out.size())
    return unimplemented(node, "axes is not a constant");
  std::vector<bool> reduced(in.size(), false);
  bool any = false;
  for (size_t d = 0; d < in.size(); ++d) {
    if (out[d] != in[d] && out[d] != 1) return unimplemented(node, "output shape does not match a reduction");
    reduced[d] = out[d] != in[d];
    any = any || reduced[d];
  }
  noop = !any;
  return reduced;
}

StatusOr<std::vector<bool>> reducedAxes(const Builder &b, const Node &node, size_t rank, bool &noop) {
  std::vector<int64_t> axes = node.attrs.getInts("axes");
  if (!node.attrs.has("axes") && node.hasInput(1)) {
    auto c = constantInts(b.graph_, node.input(1));
    if (!c) return axesFromShapes(b, node, noop);
    axes = *c;
  }
  noop = axes.empty() && node.attrs.getInt("noop_with_empty_axes", 0);
  std::vector<bool> reduced(rank, axes.empty());
  for (int64_t axis : axes) {
    int64_t a = normalizeAxis(axis, rank);
    if (a < 0 || a >= static_cast<int64_t>(rank)) return unimplemented(node, "axis out of range");
    reduced[a] = true;
  }
  return reduced;
}

/// A stage reducing `x` with `map` into `out` (its axes are the output's).
loop::Stage reduction(const loop::Buffer &out, const ReduceMap &map, Combiner combiner) {
  loop::Stage s;
  s.output = out;
  s.axes = axisNames(out.shape.size(), "o");
  s.reduceAxes = map.reduceAxes;
  s.combiner = combiner;
  s.init = reduceInit(combiner, out.dtype);
  return s;
}

/// The count of reduced elements, as `type`.
Expr reducedCount(const ReduceMap &map, DType type) {
  int64_t n = 1;
  for (const loop::ReduceAxis &r : map.reduceAxes) n *= r.extent;
  return constant(static_cast<double>(n), type);
}

/// The keepdims shape of a reduction (reduced axes as 1).
Shape keptShape(const Shape &in, const std::vector<bool> &reduced) {
  Shape s = in;
  for (size_t d = 0; d < s.size(); ++d)
    if (reduced[d]) s[d] = 1;
  return s;
}

/// `buffer` (of keepdims shape) read at the output point of a stage with `map`'s layout.
Expr keptLoad(const loop::Buffer &buffer, const ReduceMap &map, const std::vector<std::string> &out) {
  std::vector<Expr> index;
  size_t o = 0;
  for (size_t d = 0; d < map.reduced.size(); ++d) {
    if (map.reduced[d]) {
      index.push_back(i(0));
      if (map.keepdims) ++o;
      continue;
    }
    index.push_back(loop::var(out[o++]));
  }
  return loop::load(buffer.name, buffer.dtype, index);
}

/// A max (or min) over `map` into a keepdims temporary, pushed as a stage of `b`.
loop::Buffer extremumTemp(Builder &b, const loop::Buffer &x, const ReduceMap &map, Combiner combiner, const std::string &name) {
  loop::Buffer m = b.temp(name, keptShape(x.shape, map.reduced), x.dtype);
  ReduceMap kept = map;
  kept.keepdims = true;
  loop::Stage s = reduction(m, kept, combiner);
  s.body = loop::load(x.name, x.dtype, kept.inputIndex(s.axes));
  b.func_.stages.push_back(s);
  return m;
}

} // namespace

bool isReduceOp(const std::string &op) { return graph::hasOpTrait(op, graph::op_trait::Reduce); }

Expr reduceInit(loop::Combiner combiner, DType type) {
  if (combiner == loop::Combiner::Prod) return constant(1, type);
  if (loop::isFloat(type)) return loop::combinerIdentity(combiner, type);
  if (combiner == loop::Combiner::Sum) return constant(0, type);
  bool unsignedType = isUnsigned(type);
  double lowest = unsignedType ? 0 : -std::ldexp(1.0, static_cast<int>(dtypeSize(type) * 8 - 1));
  double highest = std::ldexp(1.0, static_cast<int>(dtypeSize(type) * 8 - (unsignedType ? 0 : 1))) - 1;
  if (type == DType::I64) return loop::cast(type, i(combiner == loop::Combiner::Max ? std::numeric_limits<int64_t>::min() : std::numeric_limits<int64_t>::max()));
  if (type == DType::U64) return loop::cast(type, i(combiner == loop::Combiner::Max ? 0 : -1));
  return constant(combiner == loop::Combiner::Max ? lowest : highest, type);
}

StatusOr<loop::Stage> describeReduce(Builder &b, const Node &node) {
  TS_ASSIGN_OR_RETURN(loop::Buffer x, b.param(node.input(0)));
  const Shape &xs = b.shapeOf(node.input(0));
  bool noop = false;
  TS_ASSIGN_OR_RETURN(std::vector<bool> reduced, reducedAxes(b, node, xs.size(), noop));
  if (noop) {
    loop::Stage s = b.stageFor(b.output_);
    s.body = loop::load(x.name, x.dtype, axisVars(s.axes));
    return s;
  }
  if (xs.empty()) return unimplemented(node, "reduction of a scalar");
  ReduceMap map = makeMap(xs, reduced, node.attrs.getInt("keepdims", 1) != 0);
  const std::string &op = node.op;
  DType t = x.dtype;
  bool floatOnly = op == "ReduceL2" || op == "ReduceLogSum" || op == "ReduceLogSumExp";
  if (t != b.output_.dtype || (floatOnly && !loop::isFloat(t)) || t == DType::Bool)
    return unimplemented(node, strCat("no description for ", dtypeName(t), " elements"));
  Combiner combiner = op == "ReduceMax" ? Combiner::Max : op == "ReduceMin" ? Combiner::Min
                    : op == "ReduceProd" ? Combiner::Prod : Combiner::Sum;
  loop::Buffer peak;
  if (op == "ReduceLogSumExp") peak = extremumTemp(b, x, map, Combiner::Max, "peak");
  loop::Stage s = reduction(b.output_, map, combiner);
  Expr v = loop::load(x.name, t, map.inputIndex(s.axes));
  if (op == "ReduceSumSquare" || op == "ReduceL2") v = v * v;
  if (op == "ReduceL1") v = loop::isFloat(t) ? loop::math(MathFn::Abs, v) : loop::select(loop::ltExpr(v, constant(0, t)), constant(0, t) - v, v);
  if (op == "ReduceLogSumExp") {
    // A peak of -inf (all elements -inf, or none) would make x - peak NaN.
    Expr p = keptLoad(peak, map, s.axes);
    Expr finite = loop::select(loop::binary(loop::BinOp::Eq, p, constant(-INFINITY, t)), constant(0, t), p);
    v = loop::math(MathFn::Exp, v - finite);
    s.body = v;
    s.epilogue = loop::math(MathFn::Log, s.accumulated()) + finite;
    return s;
  }
  s.body = v;
  if (op == "ReduceMean") s.epilogue = s.accumulated() / reducedCount(map, t);
  if (op == "ReduceL2") s.epilogue = loop::math(MathFn::Sqrt, s.accumulated());
  if (op == "ReduceLogSum") s.epilogue = loop::math(MathFn::Log, s.accumulated());
  return s;
}

StatusOr<loop::Stage> describeArgReduce(Builder &b, const Node &node) {
  TS_ASSIGN_OR_RETURN(loop::Buffer x, b.param(node.input(0)));
  const Shape &xs = b.shapeOf(node.input(0));
  if (xs.empty() || x.dtype == DType::Bool) return unimplemented(node, "arg-reduction of a scalar or bools");
  int64_t axis = normalizeAxis(node.attrs.getInt("axis", 0), xs.size());
  if (axis < 0 || axis >= static_cast<int64_t>(xs.size())) return unimplemented(node, "axis out of range");
  std::vector<bool> reduced(xs.size(), false);
  reduced[axis] = true;
  ReduceMap map = makeMap(xs, reduced, node.attrs.getInt("keepdims", 1) != 0);
  bool isMax = node.op == "ArgMax", last = node.attrs.getInt("select_last_index", 0) != 0;
  loop::Buffer peak = extremumTemp(b, x, map, isMax ? Combiner::Max : Combiner::Min, "peak");
  // The first (smallest) or last (largest) index holding the extremum.
  loop::Stage s = reduction(b.output_, map, last ? Combiner::Max : Combiner::Min);
  Expr hit = loop::binary(loop::BinOp::Eq, loop::load(x.name, x.dtype, map.inputIndex(s.axes)), keptLoad(peak, map, s.axes));
  Expr index = loop::var(strCat("r", axis));
  s.init = constant(last ? -1 : static_cast<double>(xs[axis]), b.output_.dtype);
  s.body = loop::select(hit, loop::cast(b.output_.dtype, index), s.init);
  return s;
}

namespace {

/// Hardmax: 1 at the first index of the maximum (row-major over the reduced axes).
loop::Stage hardmaxStages(Builder &b, const loop::Buffer &x, const ReduceMap &map, const loop::Buffer &peak, loop::Stage out) {
  loop::Buffer first = b.temp("first", peak.shape, DType::I64);
  loop::Stage s = reduction(first, map, Combiner::Min);
  Expr flat = i(0), here = i(0);
  for (size_t d = 0; d < x.shape.size(); ++d) {
    if (!map.reduced[d]) continue;
    flat = flat * i(x.shape[d]) + loop::var(strCat("r", d));
    here = here * i(x.shape[d]) + loop::var(out.axes[d]);
  }
  s.init = i(std::numeric_limits<int32_t>::max());
  Expr isPeak = loop::binary(loop::BinOp::Eq, loop::load(x.name, x.dtype, map.inputIndex(s.axes)), keptLoad(peak, map, s.axes));
  s.body = loop::select(isPeak, flat, s.init);
  b.func_.stages.push_back(s);
  Expr hit = loop::binary(loop::BinOp::Eq, keptLoad(first, map, out.axes), here);
  out.body = loop::select(hit, constant(1, x.dtype), constant(0, x.dtype));
  return out;
}

} // namespace

StatusOr<loop::Stage> describeSoftmax(Builder &b, const Node &node) {
  TS_ASSIGN_OR_RETURN(loop::Buffer x, b.param(node.input(0)));
  const Shape &xs = b.shapeOf(node.input(0));
  if (xs.empty() || !loop::isFloat(x.dtype)) return unimplemented(node, "softmax of a scalar or non-float tensor");
  bool legacy = node.attrs.getInt("coerce_2d", 0) != 0;
  int64_t axis = normalizeAxis(node.attrs.getInt("axis", legacy ? 1 : -1), xs.size());
  if (axis < 0 || axis >= static_cast<int64_t>(xs.size())) return unimplemented(node, "axis out of range");
  std::vector<bool> reduced(xs.size(), false);
  for (size_t d = axis; d < (legacy ? xs.size() : static_cast<size_t>(axis) + 1); ++d) reduced[d] = true;
  ReduceMap map = makeMap(xs, reduced, /*keepdims=*/true);
  DType t = x.dtype;
  loop::Buffer peak = extremumTemp(b, x, map, Combiner::Max, "peak");
  loop::Stage out = b.stageFor(b.output_);
  if (node.op == "Hardmax") return hardmaxStages(b, x, map, peak, out);
  loop::Buffer sum = b.temp("sum", peak.shape, t);
  loop::Stage s = reduction(sum, map, Combiner::Sum);
  // Output axes are the input's; the kept buffers read 0 on the reduced ones.
  if (node.op == "LogSoftmax") {
    Expr shifted = loop::load(x.name, t, axisVars(out.axes)) - keptLoad(peak, map, out.axes);
    s.body = loop::math(MathFn::Exp, loop::load(x.name, t, map.inputIndex(s.axes)) - keptLoad(peak, map, s.axes));
    b.func_.stages.push_back(s);
    out.body = shifted - loop::math(MathFn::Log, keptLoad(sum, map, out.axes));
    return out;
  }
  // Softmax: each exponential once, in an elementwise (vectorized) stage, then
  // summed and divided.
  loop::Buffer exps = b.temp("exps", xs, t);
  loop::Stage e = b.stageFor(exps, "e");
  e.body = loop::math(MathFn::Exp, loop::load(x.name, t, axisVars(e.axes)) - keptLoad(peak, map, e.axes));
  b.func_.stages.push_back(e);
  s.body = loop::load(exps.name, t, map.inputIndex(s.axes));
  b.func_.stages.push_back(s);
  out.body = loop::load(exps.name, t, axisVars(out.axes)) / keptLoad(sum, map, out.axes);
  return out;
}

/// InstanceNormalization: per (n, c) mean and variance over the spatial axes, then
/// scale[c] * (x - mean) / sqrt(var + epsilon) + B[c].
StatusOr<loop::Stage> describeInstanceNorm(Builder &b, const Node &node) {
  TS_ASSIGN_OR_RETURN(loop::Buffer x, b.param(node.input(0)));
  TS_ASSIGN_OR_RETURN(loop::Buffer scale, b.param(node.input(1)));
  TS_ASSIGN_OR_RETURN(loop::Buffer bias, b.param(node.input(2)));
  const Shape &xs = x.shape;
  DType t = x.dtype;
  if (xs.size() < 3 || !loop::isFloat(t) || scale.dtype != t || bias.dtype != t)
    return unimplemented(node, "float (N, C, spatial...) input expected");
  std::vector<bool> reduced(xs.size(), true);
  reduced[0] = reduced[1] = false;
  ReduceMap map = makeMap(xs, reduced, /*keepdims=*/true);
  Shape kept = keptShape(xs, reduced);
  loop::Buffer mean = b.temp("mean", kept, t), inv = b.temp("invstd", kept, t);
  loop::Stage m = reduction(mean, map, Combiner::Sum);
  m.body = loop::load(x.name, t, map.inputIndex(m.axes));
  m.epilogue = m.accumulated() / reducedCount(map, t);
  b.func_.stages.push_back(m);
  loop::Stage v = reduction(inv, map, Combiner::Sum);
  Expr centered = loop::load(x.name, t, map.inputIndex(v.axes)) - keptLoad(mean, map, v.axes);
  v.body = centered * centered;
  Expr eps = constant(node.attrs.getFloat("epsilon", 1e-5f), t);
  v.epilogue = constant(1, t) / loop::math(MathFn::Sqrt, v.accumulated() / reducedCount(map, t) + eps);
  b.func_.stages.push_back(v);
  loop::Stage y = b.stageFor(b.output_);
  Expr c = loop::var(y.axes[1]);
  Expr normalized = (loop::load(x.name, t, axisVars(y.axes)) - keptLoad(mean, map, y.axes)) * keptLoad(inv, map, y.axes);
  y.body = normalized * loop::load(scale.name, t, {c}) + loop::load(bias.name, t, {c});
  return y;
}

/// LRN: x / (bias + alpha / size * sum of squares over the channel window)^beta.
StatusOr<loop::Stage> describeLrn(Builder &b, const Node &node) {
  TS_ASSIGN_OR_RETURN(loop::Buffer x, b.param(node.input(0)));
  const Shape &xs = x.shape;
  DType t = x.dtype;
  int64_t size = node.attrs.getInt("size", 0);
  if (xs.size() < 3 || !loop::isFloat(t) || size < 1) return unimplemented(node, "float (N, C, ...) input and a size expected");
  int64_t before = (size - 1) / 2;
  loop::Stage s = b.stageFor(b.output_);
  s.reduceAxes = {{"k", size}};
  s.combiner = Combiner::Sum;
  s.init = constant(0, t);
  std::vector<Expr> index = axisVars(s.axes);
  Expr channel = index[1] + loop::var("k") - i(before);
  Expr inside = loop::andExpr(loop::geExpr(channel, i(0)), loop::ltExpr(channel, i(xs[1])));
  index[1] = clampIndex(channel, xs[1]);
  Expr v = loop::load(x.name, t, index);
  s.body = loop::select(inside, v * v, s.init);
  Expr alpha = constant(node.attrs.getFloat("alpha", 1e-4f) / static_cast<double>(size), t);
  Expr base = constant(node.attrs.getFloat("bias", 1.0f), t) + alpha * s.accumulated();
  s.epilogue = loop::load(x.name, t, axisVars(s.axes)) /
               loop::binary(loop::BinOp::Pow, base, constant(node.attrs.getFloat("beta", 0.75f), t));
  return s;
}

/// A keepdims statistic of LayerNormalization: result `index` when the graph uses it.
StatusOr<loop::Buffer> statistic(Builder &b, const Node &node, size_t index, const Shape &kept, DType t, const char *name) {
  if (node.outputs.size() > index && !node.outputs[index].empty()) return b.param(node.outputs[index]);
  return b.temp(name, kept, t);
}

StatusOr<loop::Stage> describeLayerNorm(Builder &b, const Node &node) {
  TS_ASSIGN_OR_RETURN(loop::Buffer x, b.param(node.input(0)));
  const Shape &xs = b.shapeOf(node.input(0));
  int64_t axis = normalizeAxis(node.attrs.getInt("axis", -1), xs.size());
  if (xs.empty() || axis < 0 || axis >= static_cast<int64_t>(xs.size()) || !loop::isFloat(x.dtype))
    return unimplemented(node, "float input and an axis in range expected");
  std::vector<bool> reduced(xs.size(), false);
  for (size_t d = axis; d < xs.size(); ++d) reduced[d] = true;
  ReduceMap map = makeMap(xs, reduced, /*keepdims=*/true);
  DType t = x.dtype;
  Shape kept = keptShape(xs, reduced);
  TS_ASSIGN_OR_RETURN(loop::Buffer mean, statistic(b, node, 1, kept, t, "mean"));
  TS_ASSIGN_OR_RETURN(loop::Buffer inv, statistic(b, node, 2, kept, t, "invstd"));
  if (mean.dtype != t || inv.dtype != t) return unimplemented(node, "statistics of another type");
  loop::Stage m = reduction(mean, map, Combiner::Sum);
  m.body = loop::load(x.name, t, map.inputIndex(m.axes));
  m.epilogue = m.accumulated() / reducedCount(map, t);
  b.func_.stages.push_back(m);
  loop::Stage v = reduction(inv, map, Combiner::Sum);
  Expr centered = loop::load(x.name, t, map.inputIndex(v.axes)) - keptLoad(mean, map, v.axes);
  v.body = centered * centered;
  Expr eps = constant(node.attrs.getFloat("epsilon", 1e-5f), t);
  v.epilogue = constant(1, t) / loop::math(MathFn::Sqrt, v.accumulated() / reducedCount(map, t) + eps);
  b.func_.stages.push_back(v);
  loop::Stage y = b.stageFor(b.output_);
  Expr normalized = (loop::load(x.name, t, axisVars(y.axes)) - keptLoad(mean, map, y.axes)) * keptLoad(inv, map, y.axes);
  TS_ASSIGN_OR_RETURN(Expr scale, b.broadcastLoad(node.input(1), y.axes));
  y.body = normalized * scale;
  if (node.hasInput(2)) {
    TS_ASSIGN_OR_RETURN(Expr bias, b.broadcastLoad(node.input(2), y.axes));
    y.body = y.body + bias;
  }
  return y;
}

} // namespace tessera::lower::detail

namespace tessera::lower::detail {
namespace {

/// One Einsum operand's labels, with "..." expanded to `E0`, `E1`, ... for its
/// leading broadcast dimensions (the ellipsis covers rank - explicit labels).
StatusOr<std::vector<std::string>> einsumLabels(const std::string &term, size_t rank) {
  std::vector<std::string> labels;
  size_t dots = term.find("...");
  std::string explicitPart = term;
  if (dots != std::string::npos) explicitPart.erase(dots, 3);
  if (explicitPart.size() > rank) return absl::UnimplementedError("an Einsum term names more axes than its operand has");
  size_t ellipsis = rank - explicitPart.size();
  for (size_t k = 0; k < term.size(); ++k) {
    if (term.compare(k, 3, "...") == 0) {
      for (size_t e = 0; e < ellipsis; ++e) labels.push_back(strCat("E", e + (8 - ellipsis)));
      k += 2;
      continue;
    }
    labels.push_back(std::string(1, term[k]));
  }
  if (labels.size() != rank) return absl::UnimplementedError("an Einsum term does not match its operand's rank");
  return labels;
}

/// The equation without spaces and with an explicit output ("ij,jk" -> "ij,jk->ik": the
/// labels used once, in alphabetical order).
StatusOr<std::string> explicitEinsum(const std::string &text) {
  std::string equation;
  for (char c : text)
    if (c != ' ') equation += c;
  if (equation.find("->") != std::string::npos) return equation;
  if (equation.find("...") != std::string::npos) return absl::UnimplementedError("implicit Einsum output with an ellipsis");
  std::map<char, int> uses;
  for (char c : equation)
    if (std::isalpha(static_cast<unsigned char>(c))) ++uses[c];
  std::string out;
  for (const auto &[c, n] : uses)
    if (n == 1) out += c;
  return equation + "->" + out;
}

} // namespace

/// Einsum: the output labels are the stage's axes, every other label a reduction axis;
/// the body is the product of the operands read at their labels.
StatusOr<loop::Stage> describeEinsum(Builder &b, const Node &node) {
  auto equation = explicitEinsum(node.attrs.getString("equation", ""));
  if (!equation.ok()) return unimplemented(node, std::string(equation.status().message()));
  size_t arrow = equation->find("->");
  std::string inputs = equation->substr(0, arrow);
  std::vector<std::string_view> terms = splitString(inputs, ',');
  if (terms.size() != node.inputs.size()) return unimplemented(node, "one term per input expected");
  std::map<std::string, int64_t> extents;
  Expr product;
  for (size_t k = 0; k < terms.size(); ++k) {
    TS_ASSIGN_OR_RETURN(loop::Buffer x, b.param(node.input(k)));
    auto labels = einsumLabels(std::string(terms[k]), x.shape.size());
    if (!labels.ok()) return unimplemented(node, std::string(labels.status().message()));
    std::vector<Expr> index;
    for (size_t d = 0; d < x.shape.size(); ++d) {
      extents[(*labels)[d]] = std::max(extents[(*labels)[d]], x.shape[d]);
      index.push_back(x.shape[d] == 1 ? i(0) : loop::var(strCat("e_", (*labels)[d])));
    }
    Expr v = loop::load(x.name, x.dtype, index);
    product = product ? product * v : v;
  }
  auto outLabels = einsumLabels(equation->substr(arrow + 2), b.shapeOf(node.outputs[0]).size());
  if (!outLabels.ok()) return unimplemented(node, std::string(outLabels.status().message()));
  loop::Stage s;
  s.output = b.output_;
  for (const std::string &l : *outLabels) s.axes.push_back(strCat("e_", l));
  if (s.axes.empty()) s.axes = {"e_scalar"};
  for (const auto &[l, extent] : extents)
    if (std::find(outLabels->begin(), outLabels->end(), l) == outLabels->end()) s.reduceAxes.push_back({strCat("e_", l), extent});
  s.body = product;
  if (s.reduceAxes.empty()) return s;
  s.combiner = Combiner::Sum;
  s.init = constant(0, b.output_.dtype);
  return s;
}

/// TopK: each element's rank along the axis (how many come before it: larger, or
/// equal and earlier), then the k results select the element of each rank.
StatusOr<loop::Stage> describeTopK(Builder &b, const Node &node) {
  TS_ASSIGN_OR_RETURN(loop::Buffer x, b.param(node.input(0)));
  const Shape &xs = x.shape;
  int64_t axis = normalizeAxis(node.attrs.getInt("axis", -1), xs.size());
  if (node.outputs.size() != 2 || node.outputs[0].empty() || node.outputs[1].empty() || axis < 0 ||
      axis >= static_cast<int64_t>(xs.size()) || x.dtype == DType::Bool || !node.attrs.getInt("sorted", 1))
    return unimplemented(node, "sorted values and indices along an axis in range expected");
  TS_ASSIGN_OR_RETURN(loop::Buffer indices, b.param(node.outputs[1]));
  bool largest = node.attrs.getInt("largest", 1) != 0;
  loop::Buffer rank = b.temp("rank", xs, DType::I64);
  loop::Stage r = b.stageFor(rank, "r");
  r.reduceAxes = {{"m", xs[axis]}};
  r.combiner = Combiner::Sum;
  r.init = i(0);
  std::vector<Expr> other = axisVars(r.axes);
  other[axis] = loop::var("m");
  Expr xm = loop::load(x.name, x.dtype, other), xj = loop::load(x.name, x.dtype, axisVars(r.axes));
  Expr before = largest ? loop::ltExpr(xj, xm) : loop::ltExpr(xm, xj);
  Expr tie = loop::andExpr(loop::binary(loop::BinOp::Eq, xm, xj), loop::ltExpr(loop::var("m"), loop::var(r.axes[axis])));
  r.body = loop::select(loop::binary(loop::BinOp::Or, before, tie), i(1), i(0));
  b.func_.stages.push_back(r);
  auto pick = [&](const loop::Buffer &out, bool wantIndex) {
    loop::Stage s = b.stageFor(out, wantIndex ? "q" : "v");
    s.reduceAxes = {{"m", xs[axis]}};
    s.combiner = Combiner::Sum;
    s.init = constant(0, out.dtype);
    std::vector<Expr> at = axisVars(s.axes);
    at[axis] = loop::var("m");
    Expr hit = loop::binary(loop::BinOp::Eq, loop::load(rank.name, DType::I64, at), loop::var(s.axes[axis]));
    Expr v = wantIndex ? loop::cast(out.dtype, loop::var("m")) : loop::load(x.name, x.dtype, at);
    s.body = loop::select(hit, v, s.init);
    return s;
  };
  if (b.output_.dtype != x.dtype) return unimplemented(node, "values of another type");
  b.func_.stages.push_back(pick(indices, /*wantIndex=*/true));
  return pick(b.output_, /*wantIndex=*/false);
}

} // namespace tessera::lower::detail

namespace tessera::lower::detail {

/// BatchNormalization in training mode: batch mean and (population) variance per
/// channel, Y normalized with them, and the running statistics updated by momentum.
StatusOr<loop::Stage> describeBatchNormTraining(Builder &b, const Node &node) {
  TS_ASSIGN_OR_RETURN(loop::Buffer x, b.param(node.input(0)));
  const Shape &xs = x.shape;
  DType t = x.dtype;
  if (xs.size() < 2 || !loop::isFloat(t)) return unimplemented(node, "float (N, C, ...) input expected");
  std::vector<Expr> per;
  for (size_t k = 1; k <= 4; ++k) {
    TS_ASSIGN_OR_RETURN(loop::Buffer p, b.param(node.input(k)));
    if (p.dtype != t || p.shape.size() != 1) return unimplemented(node, "per-channel parameters of the input's type expected");
    per.push_back(loop::load(p.name, t, {loop::var("c0")}));
  }
  std::vector<bool> reduced(xs.size(), true);
  reduced[1] = false;
  ReduceMap map = makeMap(xs, reduced, /*keepdims=*/true);
  Shape kept = keptShape(xs, reduced);
  loop::Buffer mean = b.temp("mean", kept, t), var = b.temp("var", kept, t);
  loop::Stage m = reduction(mean, map, Combiner::Sum);
  m.body = loop::load(x.name, t, map.inputIndex(m.axes));
  m.epilogue = m.accumulated() / reducedCount(map, t);
  b.func_.stages.push_back(m);
  loop::Stage v = reduction(var, map, Combiner::Sum);
  Expr centered = loop::load(x.name, t, map.inputIndex(v.axes)) - keptLoad(mean, map, v.axes);
  v.body = centered * centered;
  v.epilogue = v.accumulated() / reducedCount(map, t);
  b.func_.stages.push_back(v);
  Expr momentum = constant(node.attrs.getFloat("momentum", 0.9f), t);
  std::vector<Expr> channel(xs.size(), i(0));
  channel[1] = loop::var("c0");
  for (size_t k = 1; k <= 2; ++k) {
    if (node.outputs.size() <= k || node.outputs[k].empty()) continue;
    TS_ASSIGN_OR_RETURN(loop::Buffer running, b.param(node.outputs[k]));
    loop::Stage r = b.stageFor(running, "c");
    const loop::Buffer &batch = k == 1 ? mean : var;
    r.body = per[k + 1] * momentum + loop::load(batch.name, t, channel) * (constant(1, t) - momentum);
    b.func_.stages.push_back(r);
  }
  loop::Stage y = b.stageFor(b.output_);
  auto channelOf = [&](const loop::Buffer &buffer) {
    std::vector<Expr> at(xs.size(), i(0));
    at[1] = loop::var(y.axes[1]);
    return loop::load(buffer.name, t, at);
  };
  auto param = [&](size_t k) {
    return loop::mapExpr(per[k], [&](const Expr &e) { return e->kind == loop::ExprKind::Var ? loop::var(y.axes[1]) : e; });
  };
  Expr eps = constant(node.attrs.getFloat("epsilon", 1e-5f), t);
  Expr xv = loop::load(x.name, t, axisVars(y.axes));
  y.body = (xv - channelOf(mean)) / loop::math(MathFn::Sqrt, channelOf(var) + eps) * param(0) + param(1);
  return y;
}

/// DynamicQuantizeLinear: scale = (max(0, max x) - min(0, min x)) / 255, a uint8 zero
/// point from the minimum, then y = saturate(round(x / scale) + zero point); f32
/// arithmetic throughout, as the op specifies.
StatusOr<loop::Stage> describeDynamicQuantize(Builder &b, const Node &node) {
  TS_ASSIGN_OR_RETURN(loop::Buffer x, b.param(node.input(0)));
  if (x.dtype != DType::F32 || node.outputs.size() != 3 || node.outputs[1].empty() || node.outputs[2].empty())
    return unimplemented(node, "f32 input and all three results expected");
  TS_ASSIGN_OR_RETURN(loop::Buffer scale, b.param(node.outputs[1]));
  TS_ASSIGN_OR_RETURN(loop::Buffer zero, b.param(node.outputs[2]));
  if (scale.dtype != DType::F32 || zero.dtype != DType::U8 || b.output_.dtype != DType::U8)
    return unimplemented(node, "f32 scale and uint8 results expected");
  ReduceMap map = makeMap(x.shape, std::vector<bool>(x.shape.size(), true), /*keepdims=*/false);
  loop::Buffer hi = b.temp("hi", {1}), lo = b.temp("lo", {1});
  for (const auto &[buffer, combiner] : {std::pair{hi, Combiner::Max}, std::pair{lo, Combiner::Min}}) {
    loop::Stage s = reduction(buffer, map, combiner);
    s.init = f(0);
    s.body = loop::load(x.name, DType::F32, map.inputIndex(s.axes));
    b.func_.stages.push_back(s);
  }
  auto first = [](const loop::Buffer &buffer) { return loop::load(buffer.name, buffer.dtype, {i(0)}); };
  auto saturate = [](Expr v) { return loop::cast(DType::U8, loop::minExpr(loop::maxExpr(v, f(0)), f(255))); };
  loop::Stage sc = b.stageFor(scale, "s");
  sc.body = (first(hi) - first(lo)) / f(255);
  b.func_.stages.push_back(sc);
  Expr isZero = loop::binary(loop::BinOp::Eq, first(scale), f(0));
  loop::Stage zp = b.stageFor(zero, "z");
  zp.body = loop::select(isZero, constant(0, DType::U8), saturate(loop::math(MathFn::Round, f(0) - first(lo) / first(scale))));
  b.func_.stages.push_back(zp);
  loop::Stage y = b.stageFor(b.output_);
  Expr z = loop::cast(DType::F32, first(zero));
  Expr q = loop::math(MathFn::Round, loop::load(x.name, DType::F32, axisVars(y.axes)) / first(scale)) + z;
  y.body = loop::select(isZero, first(zero), saturate(q));
  return y;
}

} // namespace tessera::lower::detail

namespace tessera::lower::detail {

/// MeanVarianceNormalization: (x - mean) / (std + 1e-9) over `axes` (default 0, 2, 3);
/// the variance is computed centered (the same value as E[x^2] - E[x]^2, without the
/// cancellation).
StatusOr<loop::Stage> describeMeanVarianceNorm(Builder &b, const Node &node) {
  TS_ASSIGN_OR_RETURN(loop::Buffer x, b.param(node.input(0)));
  const Shape &xs = x.shape;
  DType t = x.dtype;
  if (!loop::isFloat(t) || xs.empty()) return unimplemented(node, "a float tensor expected");
  std::vector<bool> reduced(xs.size(), false);
  for (int64_t axis : node.attrs.getInts("axes", {0, 2, 3})) {
    int64_t a = normalizeAxis(axis, xs.size());
    if (a < 0 || a >= static_cast<int64_t>(xs.size())) return unimplemented(node, "axis out of range");
    reduced[a] = true;
  }
  ReduceMap map = makeMap(xs, reduced, /*keepdims=*/true);
  Shape kept = keptShape(xs, reduced);
  loop::Buffer mean = b.temp("mean", kept, t), stddev = b.temp("std", kept, t);
  loop::Stage m = reduction(mean, map, Combiner::Sum);
  m.body = loop::load(x.name, t, map.inputIndex(m.axes));
  m.epilogue = m.accumulated() / reducedCount(map, t);
  b.func_.stages.push_back(m);
  loop::Stage v = reduction(stddev, map, Combiner::Sum);
  Expr centered = loop::load(x.name, t, map.inputIndex(v.axes)) - keptLoad(mean, map, v.axes);
  v.body = centered * centered;
  v.epilogue = loop::math(MathFn::Sqrt, v.accumulated() / reducedCount(map, t));
  b.func_.stages.push_back(v);
  loop::Stage y = b.stageFor(b.output_);
  Expr xv = loop::load(x.name, t, axisVars(y.axes));
  y.body = (xv - keptLoad(mean, map, y.axes)) / (keptLoad(stddev, map, y.axes) + constant(1e-9, t));
  return y;
}

} // namespace tessera::lower::detail
