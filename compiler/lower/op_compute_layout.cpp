//===- op_compute_layout.cpp - Data movement and index ops as stages -------------------===//
//
// Ops whose output element reads one input element at a computed index (Transpose,
// DepthToSpace, SpaceToDepth, Tile, Expand, Gather, GatherElements, Pad, Trilu,
// OneHot) and ops whose values follow from the index alone (Shape, Size, EyeLike,
// ConstantOfShape, Range), plus CumSum as a masked reduction. Output shapes come from
// the graph's static types, so shape operands (Tile's repeats, Expand's shape) need
// not be constants; indices read at run time are wrapped and clamped in bounds.
//
//===----------------------------------------------------------------------===//
#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>
#include <set>

#include "compiler/graph/dtype_dispatch.h"
#include "compiler/lower/op_compute_builder.h"

namespace tessera::lower::detail {
namespace {

using Describe = StatusOr<loop::Stage> (*)(Builder &, const Node &);

StatusOr<loop::Stage> describeTranspose(Builder &b, const Node &node) {
  TS_ASSIGN_OR_RETURN(loop::Buffer x, b.param(node.input(0)));
  size_t rank = b.shapeOf(node.input(0)).size();
  std::vector<int64_t> perm = node.attrs.getInts("perm");
  if (perm.empty())
    for (size_t d = rank; d-- > 0;) perm.push_back(static_cast<int64_t>(d));
  if (perm.size() != rank || rank == 0) return unimplemented(node, "perm does not match the rank");
  // The last two axes kept in place (a channel shuffle's image rows and columns):
  // they move as one axis of h * w elements, a longer contiguous row to vectorize.
  const Shape &xs = b.shapeOf(node.input(0));
  bool keepsLastTwo = rank >= 3 && normalizeAxis(perm[rank - 2], rank) == static_cast<int64_t>(rank - 2) &&
                      normalizeAxis(perm[rank - 1], rank) == static_cast<int64_t>(rank - 1);
  if (keepsLastTwo) {
    b.mergeSpatialAxes(xs[rank - 2], xs[rank - 1]);
    TS_ASSIGN_OR_RETURN(x, b.param(node.input(0)));
  }
  size_t moved = keepsLastTwo ? rank - 1 : rank;
  loop::Stage s = b.stageFor(b.output_);
  std::vector<Expr> index(moved);
  for (size_t d = 0; d < moved; ++d)
    index[d == rank - 2 && keepsLastTwo ? d : normalizeAxis(perm[d], rank)] = loop::var(s.axes[d]);
  s.body = loop::load(x.name, x.dtype, index);
  return s;
}

/// An int64 vector of known values, selected by the stage's single axis.
Expr valueTable(const std::vector<int64_t> &values, const Expr &at, DType type) {
  Expr e = constant(static_cast<double>(values.empty() ? 0 : values.back()), type);
  for (size_t k = values.size() - 1; k-- > 0 && !values.empty();)
    e = loop::select(loop::binary(loop::BinOp::Eq, at, i(static_cast<int64_t>(k))), constant(static_cast<double>(values[k]), type), e);
  return e;
}

StatusOr<loop::Stage> describeShape(Builder &b, const Node &node) {
  const Shape &xs = b.shapeOf(node.input(0));
  if (!b.graph_.typeOf(node.input(0)).isStatic()) return unimplemented(node, "dynamic input shape");
  int64_t rank = static_cast<int64_t>(xs.size());
  int64_t start = std::clamp(normalizeAxis(node.attrs.getInt("start", 0), rank), int64_t{0}, rank);
  int64_t end = std::clamp(normalizeAxis(node.attrs.getInt("end", rank), rank), int64_t{0}, rank);
  loop::Stage s = b.stageFor(b.output_);
  if (node.op == "Size") {
    s.body = constant(static_cast<double>(shapeElementCount(xs)), b.output_.dtype);
    return s;
  }
  std::vector<int64_t> dims(xs.begin() + start, xs.begin() + std::max(start, end));
  if (dims.empty()) return unimplemented(node, "empty shape slice");
  s.body = valueTable(dims, loop::var(s.axes[0]), b.output_.dtype);
  return s;
}

StatusOr<loop::Stage> describeTrilu(Builder &b, const Node &node) {
  TS_ASSIGN_OR_RETURN(loop::Buffer x, b.param(node.input(0)));
  size_t rank = b.shapeOf(node.input(0)).size();
  if (rank < 2) return unimplemented(node, "Trilu of rank below 2");
  Expr k = i(0);
  if (node.hasInput(1)) {
    TS_ASSIGN_OR_RETURN(k, b.scalarLoad(node.input(1)));
    k = loop::cast(DType::I64, k);
  }
  loop::Stage s = b.stageFor(b.output_);
  Expr diagonal = loop::var(s.axes[rank - 1]) - loop::var(s.axes[rank - 2]);
  Expr keep = node.attrs.getInt("upper", 1) ? loop::geExpr(diagonal, k) : loop::geExpr(k, diagonal);
  s.body = loop::select(keep, loop::load(x.name, x.dtype, axisVars(s.axes)), constant(0, x.dtype));
  return s;
}

StatusOr<loop::Stage> describeDepthSpace(Builder &b, const Node &node) {
  TS_ASSIGN_OR_RETURN(loop::Buffer x, b.param(node.input(0)));
  const Shape &xs = b.shapeOf(node.input(0));
  int64_t bs = node.attrs.getInt("blocksize", 0);
  if (xs.size() != 4 || bs < 1) return unimplemented(node, "NCHW input and a blocksize expected");
  loop::Stage s = b.stageFor(b.output_);
  Expr n = loop::var(s.axes[0]), c = loop::var(s.axes[1]), h = loop::var(s.axes[2]), w = loop::var(s.axes[3]);
  if (node.op == "SpaceToDepth") {
    Expr block = c / i(xs[1]);
    s.body = loop::load(x.name, x.dtype, {n, c % i(xs[1]), h * i(bs) + block / i(bs), w * i(bs) + block % i(bs)});
    return s;
  }
  int64_t oc = b.output_.shape[1];
  Expr offset = (h % i(bs)) * i(bs) + w % i(bs);
  Expr channel = node.attrs.getString("mode", "DCR") == "CRD" ? c * i(bs * bs) + offset : offset * i(oc) + c;
  s.body = loop::load(x.name, x.dtype, {n, channel, h / i(bs), w / i(bs)});
  return s;
}

/// Tile and Expand: the output shape is static, so the repeats/shape operand is not read.
StatusOr<loop::Stage> describeRepeat(Builder &b, const Node &node) {
  TS_ASSIGN_OR_RETURN(loop::Buffer x, b.param(node.input(0)));
  const Shape &xs = b.shapeOf(node.input(0));
  loop::Stage s = b.stageFor(b.output_);
  if (node.op == "Expand") {
    if (xs.size() > s.axes.size()) return unimplemented(node, "Expand to a lower rank");
    TS_ASSIGN_OR_RETURN(s.body, b.broadcastLoad(node.input(0), s.axes));
    return s;
  }
  if (xs.size() != s.axes.size()) return unimplemented(node, "Tile changes the rank");
  std::vector<Expr> index;
  for (size_t d = 0; d < xs.size(); ++d) index.push_back(loop::var(s.axes[d]) % i(xs[d]));
  s.body = loop::load(x.name, x.dtype, index);
  return s;
}

StatusOr<loop::Stage> describeGather(Builder &b, const Node &node) {
  TS_ASSIGN_OR_RETURN(loop::Buffer x, b.param(node.input(0)));
  TS_ASSIGN_OR_RETURN(loop::Buffer idx, b.param(node.input(1)));
  const Shape &xs = b.shapeOf(node.input(0)), &is = b.shapeOf(node.input(1));
  int64_t axis = normalizeAxis(node.attrs.getInt("axis", 0), xs.size());
  if (axis < 0 || axis >= static_cast<int64_t>(xs.size())) return unimplemented(node, "axis out of range");
  loop::Stage s = b.stageFor(b.output_);
  if (node.op == "GatherElements") {
    std::vector<Expr> index = axisVars(s.axes);
    index[axis] = wrapIndex(loop::load(idx.name, idx.dtype, axisVars(s.axes)), xs[axis]);
    s.body = loop::load(x.name, x.dtype, index);
    return s;
  }
  size_t q = is.size();
  std::vector<Expr> at;
  for (size_t d = 0; d < q; ++d) at.push_back(loop::var(s.axes[axis + d]));
  if (at.empty()) at.push_back(i(0));
  std::vector<Expr> index;
  for (int64_t d = 0; d < axis; ++d) index.push_back(loop::var(s.axes[d]));
  index.push_back(wrapIndex(loop::load(idx.name, idx.dtype, at), xs[axis]));
  for (size_t d = axis + 1; d < xs.size(); ++d) index.push_back(loop::var(s.axes[d + q - 1]));
  s.body = loop::load(x.name, x.dtype, index);
  return s;
}

/// The source index of output index `o` along a dimension of `n` elements padded by
/// `before` (constant or read at run time), for Pad's reflect/edge/wrap modes; constant
/// mode clamps and masks.
Expr padSource(const std::string &mode, Expr o, Expr before, int64_t n) {
  Expr src = o - before;
  if (mode == "reflect" && n > 1) {
    src = loop::select(loop::ltExpr(src, i(0)), i(0) - src, src);
    src = loop::select(loop::geExpr(src, i(n)), i(2 * (n - 1)) - src, src);
  }
  if (mode == "wrap") src = (src % i(n) + i(n)) % i(n);
  return clampIndex(src, n);
}

/// Pad's leading amounts per dimension: constants, or read at run time from `pads`.
StatusOr<std::vector<Expr>> padBefore(Builder &b, const Node &node, size_t rank) {
  std::vector<int64_t> axes;
  if (node.hasInput(3)) {
    auto c = constantInts(b.graph_, node.input(3));
    if (!c) return unimplemented(node, "axes is not a constant");
    axes = *c;
  } else {
    for (size_t d = 0; d < rank; ++d) axes.push_back(static_cast<int64_t>(d));
  }
  std::vector<Expr> before(rank, i(0));
  std::vector<int64_t> pads = node.attrs.getInts("pads");
  auto constantPads = node.hasInput(1) ? constantInts(b.graph_, node.input(1)) : std::optional(pads);
  if (constantPads) {
    if (constantPads->size() != 2 * axes.size()) return unimplemented(node, "pads does not match the axes");
    for (size_t k = 0; k < axes.size(); ++k) before[normalizeAxis(axes[k], rank)] = i((*constantPads)[k]);
    return before;
  }
  TS_ASSIGN_OR_RETURN(loop::Buffer p, b.param(node.input(1)));
  if (p.elementCount() != static_cast<int64_t>(2 * axes.size()) || loop::isFloat(p.dtype))
    return unimplemented(node, "pads does not match the axes");
  for (size_t k = 0; k < axes.size(); ++k)
    before[normalizeAxis(axes[k], rank)] = loop::cast(DType::I64, loop::load(p.name, p.dtype, {i(static_cast<int64_t>(k))}));
  return before;
}

StatusOr<loop::Stage> describePad(Builder &b, const Node &node) {
  TS_ASSIGN_OR_RETURN(loop::Buffer x, b.param(node.input(0)));
  const Shape &xs = b.shapeOf(node.input(0));
  size_t rank = xs.size();
  TS_ASSIGN_OR_RETURN(std::vector<Expr> before, padBefore(b, node, rank));
  std::string mode = node.attrs.getString("mode", "constant");
  loop::Stage s = b.stageFor(b.output_);
  std::vector<Expr> index;
  Expr inside;
  for (size_t d = 0; d < rank; ++d) {
    Expr o = loop::var(s.axes[d]);
    index.push_back(padSource(mode, o, before[d], xs[d]));
    Expr in = loop::andExpr(loop::geExpr(o - before[d], i(0)), loop::ltExpr(o - before[d], i(xs[d])));
    inside = inside ? loop::andExpr(inside, in) : in;
  }
  Expr value = loop::load(x.name, x.dtype, index);
  if (mode != "constant" || !inside) {
    s.body = value;
    return s;
  }
  Expr fill = constant(node.attrs.getFloat("value", 0.0f), x.dtype);
  if (node.hasInput(2)) {
    TS_ASSIGN_OR_RETURN(fill, b.scalarLoad(node.input(2)));
  }
  s.body = loop::select(inside, value, fill);
  return s;
}

/// ReverseSequence: the first len[b] time steps of each batch row reversed.
StatusOr<loop::Stage> describeReverseSequence(Builder &b, const Node &node) {
  TS_ASSIGN_OR_RETURN(loop::Buffer x, b.param(node.input(0)));
  TS_ASSIGN_OR_RETURN(loop::Buffer lens, b.param(node.input(1)));
  size_t rank = x.shape.size();
  int64_t batch = normalizeAxis(node.attrs.getInt("batch_axis", 1), rank);
  int64_t time = normalizeAxis(node.attrs.getInt("time_axis", 0), rank);
  if (rank < 2 || batch < 0 || time < 0 || batch >= static_cast<int64_t>(rank) || time >= static_cast<int64_t>(rank) || batch == time)
    return unimplemented(node, "batch and time axes in range expected");
  loop::Stage s = b.stageFor(b.output_);
  std::vector<Expr> index = axisVars(s.axes);
  Expr t = index[time];
  Expr len = loop::cast(DType::I64, loop::load(lens.name, lens.dtype, {index[batch]}));
  index[time] = loop::select(loop::ltExpr(t, len), clampIndex(len - i(1) - t, x.shape[time]), t);
  s.body = loop::load(x.name, x.dtype, index);
  return s;
}

/// Compress: the k-th result along the axis is the element at the k-th true condition
/// (a prefix count of the condition, then a masked sum); without an axis, of the
/// flattened input.
StatusOr<loop::Stage> describeCompress(Builder &b, const Node &node) {
  TS_ASSIGN_OR_RETURN(loop::Buffer x, b.param(node.input(0)));
  TS_ASSIGN_OR_RETURN(loop::Buffer cond, b.param(node.input(1)));
  bool flat = !node.attrs.has("axis");
  int64_t axis = flat ? 0 : normalizeAxis(node.attrs.getInt("axis", 0), x.shape.size());
  int64_t extent = flat ? x.elementCount() : x.shape[axis];
  if (cond.shape.size() != 1 || axis < 0 || axis >= static_cast<int64_t>(x.shape.size()))
    return unimplemented(node, "a 1-D condition and an axis in range expected");
  int64_t length = std::min(extent, cond.shape[0]);
  Expr truth = loop::cast(DType::I64, loop::load(cond.name, cond.dtype, {loop::var("m")}));
  loop::Buffer prefix = b.temp("prefix", {length}, DType::I64);
  loop::Stage p = b.stageFor(prefix, "c");
  p.reduceAxes = {{"m", length}};
  p.combiner = loop::Combiner::Sum;
  p.init = i(0);
  p.body = loop::select(loop::geExpr(loop::var(p.axes[0]), loop::var("m")), truth, i(0));
  b.func_.stages.push_back(p);
  loop::Stage s = b.stageFor(b.output_);
  s.reduceAxes = {{"m", length}};
  s.combiner = loop::Combiner::Sum;
  s.init = constant(0, x.dtype);
  std::vector<Expr> index = axisVars(s.axes);
  if (flat) {
    index.clear();
    Expr rest = loop::var("m");
    for (size_t d = x.shape.size(); d-- > 0;) {
      index.insert(index.begin(), rest % i(x.shape[d]));
      rest = rest / i(x.shape[d]);
    }
  } else {
    index[axis] = loop::var("m");
  }
  Expr k = loop::var(s.axes[flat ? 0 : axis]);
  Expr hit = loop::andExpr(loop::binary(loop::BinOp::Ne, truth, i(0)),
                           loop::binary(loop::BinOp::Eq, loop::load(prefix.name, DType::I64, {loop::var("m")}), k + i(1)));
  s.body = loop::select(hit, loop::load(x.name, x.dtype, index), s.init);
  return s;
}

StatusOr<loop::Stage> describeIndexOp(Builder &b, const Node &node) {
  loop::Stage s = b.stageFor(b.output_);
  DType t = b.output_.dtype;
  if (node.op == "EyeLike") {
    if (s.axes.size() != 2) return unimplemented(node, "EyeLike of rank other than 2");
    Expr diagonal = loop::var(s.axes[1]) - loop::var(s.axes[0]);
    s.body = loop::select(loop::binary(loop::BinOp::Eq, diagonal, i(node.attrs.getInt("k", 0))), constant(1, t), constant(0, t));
    return s;
  }
  if (node.op == "ConstantOfShape") {
    const Tensor *value = node.attrs.getTensor("value");
    s.body = constant(value && value->elementCount() == 1 ? graph::loadAsDouble(value->dtype(), value->bytes(), 0) : 0.0, t);
    return s;
  }
  // Range: start + i * delta.
  TS_ASSIGN_OR_RETURN(Expr start, b.scalarLoad(node.input(0)));
  TS_ASSIGN_OR_RETURN(Expr delta, b.scalarLoad(node.input(2)));
  if (s.axes.size() != 1) return unimplemented(node, "Range of rank other than 1");
  s.body = start + loop::cast(t, loop::var(s.axes[0])) * delta;
  return s;
}

/// Hann, Hamming and Blackman windows: cosine sums of 2 pi n / N (N - 1 when symmetric).
StatusOr<loop::Stage> describeWindow(Builder &b, const Node &node) {
  loop::Stage s = b.stageFor(b.output_);
  DType t = b.output_.dtype;
  if (s.axes.size() != 1 || !loop::isFloat(t)) return unimplemented(node, "a float vector result expected");
  int64_t n = b.output_.shape[0];
  double denominator = static_cast<double>(node.attrs.getInt("periodic", 1) ? n : n - 1);
  Expr phase = loop::cast(DType::F64, loop::var(s.axes[0])) * constant(2 * M_PI / std::max(denominator, 1.0), DType::F64);
  auto cosine = [&](double k) { return loop::math(loop::MathFn::Cos, phase * constant(k, DType::F64)); };
  Expr w;
  if (node.op == "HannWindow") w = constant(0.5, DType::F64) - constant(0.5, DType::F64) * cosine(1);
  if (node.op == "HammingWindow") w = constant(25.0 / 46, DType::F64) - constant(21.0 / 46, DType::F64) * cosine(1);
  if (node.op == "BlackmanWindow")
    w = constant(0.42, DType::F64) - constant(0.5, DType::F64) * cosine(1) + constant(0.08, DType::F64) * cosine(2);
  s.body = loop::cast(t, w);
  return s;
}

/// Inference BatchNormalization's scale, bias, mean and variance folded into
/// y = x * multiplier + shift, multiplier = scale / sqrt(var + eps) and shift =
/// bias - mean * multiplier (computed in double), when all four are f32 constants of
/// `channels` elements; nullopt otherwise.
std::optional<std::pair<Tensor, Tensor>> foldedBatchNorm(const graph::Graph &graph, const Node &node,
                                                         int64_t channels, double eps) {
  std::vector<const Tensor *> p;
  for (size_t k = 1; k <= 4; ++k) {
    const Tensor *t = graph.constantOf(node.input(k));
    if (!t || t->dtype() != DType::F32 || t->elementCount() != channels) return std::nullopt;
    p.push_back(t);
  }
  Tensor multiplier(DType::F32, {channels}), shift(DType::F32, {channels});
  for (int64_t c = 0; c < channels; ++c) {
    double m = p[0]->data<float>()[c] / std::sqrt(static_cast<double>(p[3]->data<float>()[c]) + eps);
    multiplier.data<float>()[c] = static_cast<float>(m);
    shift.data<float>()[c] = static_cast<float>(p[1]->data<float>()[c] - p[2]->data<float>()[c] * m);
  }
  return std::make_pair(std::move(multiplier), std::move(shift));
}

/// BatchNormalization in inference mode: per-channel (axis 1) affine normalization;
/// one multiply-add per element when the parameters are constants.
StatusOr<loop::Stage> describeBatchNorm(Builder &b, const Node &node) {
  if (node.attrs.getInt("training_mode", 0)) return describeBatchNormTraining(b, node);
  TS_ASSIGN_OR_RETURN(loop::Buffer x, b.param(node.input(0)));
  DType t = x.dtype;
  if (x.shape.size() < 2 || !loop::isFloat(t)) return unimplemented(node, "float (N, C, ...) input expected");
  loop::Stage s = b.stageFor(b.output_);
  Expr c = loop::var(s.axes[1]);
  float epsilon = node.attrs.getFloat("epsilon", 1e-5f);
  if (auto folded = foldedBatchNorm(b.graph_, node, x.shape[1], epsilon); folded && t == DType::F32) {
    loop::Buffer multiplier = b.constantParam(strCat(node.outputs[0], ".bn_multiplier"), std::move(folded->first));
    loop::Buffer shift = b.constantParam(strCat(node.outputs[0], ".bn_shift"), std::move(folded->second));
    s.body = loop::load(x.name, t, axisVars(s.axes)) * loop::load(multiplier.name, t, {c}) +
             loop::load(shift.name, t, {c});
    return s;
  }
  std::vector<Expr> per;
  for (size_t k = 1; k <= 4; ++k) {
    TS_ASSIGN_OR_RETURN(loop::Buffer p, b.param(node.input(k)));
    if (p.dtype != t) return unimplemented(node, "parameters of another type");
    per.push_back(loop::load(p.name, t, {c}));
  }
  Expr eps = constant(epsilon, t);
  Expr xv = loop::load(x.name, t, axisVars(s.axes));
  s.body = (xv - per[2]) / loop::math(loop::MathFn::Sqrt, per[3] + eps) * per[0] + per[1];
  return s;
}

StatusOr<loop::Stage> describeOneHot(Builder &b, const Node &node) {
  TS_ASSIGN_OR_RETURN(loop::Buffer idx, b.param(node.input(0)));
  TS_ASSIGN_OR_RETURN(loop::Buffer values, b.param(node.input(2)));
  loop::Stage s = b.stageFor(b.output_);
  size_t rank = s.axes.size();
  int64_t axis = normalizeAxis(node.attrs.getInt("axis", -1), rank);
  if (axis < 0 || axis >= static_cast<int64_t>(rank) || values.dtype != b.output_.dtype)
    return unimplemented(node, "axis out of range or values of another type");
  int64_t depth = b.output_.shape[axis];
  std::vector<Expr> at;
  for (size_t d = 0; d < rank; ++d)
    if (static_cast<int64_t>(d) != axis) at.push_back(loop::var(s.axes[d]));
  if (at.empty()) at.push_back(i(0));
  Expr index = loop::load(idx.name, idx.dtype, at);
  if (!loop::isFloat(idx.dtype)) index = loop::cast(DType::F64, index);
  index = loop::cast(DType::I64, loop::cast(DType::F64, index));
  index = loop::select(loop::ltExpr(index, i(0)), index + i(depth), index);
  Expr hit = loop::binary(loop::BinOp::Eq, index, loop::var(s.axes[axis]));
  s.body = loop::select(hit, loop::load(values.name, values.dtype, {i(1)}), loop::load(values.name, values.dtype, {i(0)}));
  return s;
}

/// An int operand read at run time as i64, negative values counted from `rank`.
StatusOr<Expr> runtimeAxis(Builder &b, const std::string &value, size_t k, size_t rank) {
  TS_ASSIGN_OR_RETURN(loop::Buffer buffer, b.param(value));
  if (loop::isFloat(buffer.dtype)) return absl::UnimplementedError(strCat("value ", value, " is not an integer tensor"));
  Expr a = loop::cast(DType::I64, loop::load(buffer.name, buffer.dtype, {i(static_cast<int64_t>(k))}));
  return loop::select(loop::ltExpr(a, i(0)), a + i(static_cast<int64_t>(rank)), a);
}

/// CumSum along an axis known only at run time: the reduction runs over the longest
/// dimension; each input index picks the reduction variable on the chosen axis.
StatusOr<loop::Stage> describeCumSumAnyAxis(Builder &b, const Node &node, const loop::Buffer &x) {
  const Shape &xs = x.shape;
  TS_ASSIGN_OR_RETURN(Expr axis, runtimeAxis(b, node.input(1), 0, xs.size()));
  loop::Stage s = b.stageFor(b.output_);
  int64_t longest = *std::max_element(xs.begin(), xs.end());
  s.reduceAxes = {{"k", longest}};
  s.combiner = loop::Combiner::Sum;
  s.init = constant(0, x.dtype);
  Expr k = loop::var("k"), position = i(0), extent = i(0);
  std::vector<Expr> index;
  for (size_t d = 0; d < xs.size(); ++d) {
    Expr here = loop::binary(loop::BinOp::Eq, axis, i(static_cast<int64_t>(d)));
    Expr o = loop::var(s.axes[d]);
    position = loop::select(here, o, position);
    extent = loop::select(here, i(xs[d]), extent);
    index.push_back(loop::select(here, clampIndex(k, xs[d]), o));
  }
  bool exclusive = node.attrs.getInt("exclusive", 0), reverse = node.attrs.getInt("reverse", 0);
  Expr o = position;
  Expr include = reverse ? (exclusive ? loop::ltExpr(o, k) : loop::geExpr(k, o)) : (exclusive ? loop::ltExpr(k, o) : loop::geExpr(o, k));
  include = loop::andExpr(include, loop::ltExpr(k, extent));
  s.body = loop::select(include, loop::load(x.name, x.dtype, index), s.init);
  return s;
}

StatusOr<loop::Stage> describeCumSum(Builder &b, const Node &node) {
  TS_ASSIGN_OR_RETURN(loop::Buffer x, b.param(node.input(0)));
  const Shape &xs = b.shapeOf(node.input(0));
  if (xs.empty()) return unimplemented(node, "CumSum of a scalar");
  auto axisValue = constantInts(b.graph_, node.input(1));
  if (!axisValue) return describeCumSumAnyAxis(b, node, x);
  if (axisValue->size() != 1) return unimplemented(node, "axis must hold one value");
  int64_t axis = normalizeAxis((*axisValue)[0], xs.size());
  if (axis < 0 || axis >= static_cast<int64_t>(xs.size())) return unimplemented(node, "axis out of range");
  loop::Stage s = b.stageFor(b.output_);
  s.reduceAxes = {{"k", xs[axis]}};
  s.combiner = loop::Combiner::Sum;
  s.init = constant(0, x.dtype);
  std::vector<Expr> index = axisVars(s.axes);
  index[axis] = loop::var("k");
  Expr k = loop::var("k"), o = loop::var(s.axes[axis]);
  bool exclusive = node.attrs.getInt("exclusive", 0), reverse = node.attrs.getInt("reverse", 0);
  Expr include = reverse ? (exclusive ? loop::ltExpr(o, k) : loop::geExpr(k, o)) : (exclusive ? loop::ltExpr(k, o) : loop::geExpr(o, k));
  s.body = loop::select(include, loop::load(x.name, x.dtype, index), s.init);
  return s;
}

/// The first input element and the step of each axis of a Slice whose starts, axes
/// and steps are constants (nullopt otherwise): starts normalized and clamped as the
/// op specifies (the output shape is static, so ends are implied).
struct SliceWindow {
  std::vector<int64_t> start, step;
};
std::optional<SliceWindow> constantSliceWindow(const Builder &b, const Node &node) {
  const Shape &xs = b.shapeOf(node.input(0));
  std::optional<std::vector<int64_t>> starts = constantInts(b.graph_, node.input(1));
  std::optional<std::vector<int64_t>> axes = node.hasInput(3) ? constantInts(b.graph_, node.input(3)) : std::nullopt;
  std::optional<std::vector<int64_t>> steps = node.hasInput(4) ? constantInts(b.graph_, node.input(4)) : std::nullopt;
  if (!starts || (node.hasInput(3) && !axes) || (node.hasInput(4) && !steps)) return std::nullopt;
  SliceWindow w{std::vector<int64_t>(xs.size(), 0), std::vector<int64_t>(xs.size(), 1)};
  for (size_t k = 0; k < starts->size(); ++k) {
    int64_t axis = axes ? normalizeAxis((*axes)[k], xs.size()) : static_cast<int64_t>(k);
    if (axis < 0 || axis >= static_cast<int64_t>(xs.size())) return std::nullopt;
    int64_t dim = xs[axis], step = steps ? (*steps)[k] : 1, first = (*starts)[k];
    if (step == 0) return std::nullopt;
    first = first < 0 ? first + dim : first;
    w.start[axis] = std::clamp<int64_t>(first, 0, step > 0 ? dim : dim - 1);
    w.step[axis] = step;
  }
  return w;
}

/// Slice with constant starts, axes and steps: affine input indices (a unit-step
/// slice copies whole vectors).
StatusOr<loop::Stage> describeConstantSlice(Builder &b, const Node &node, const SliceWindow &w) {
  TS_ASSIGN_OR_RETURN(loop::Buffer x, b.param(node.input(0)));
  loop::Stage s = b.stageFor(b.output_);
  std::vector<Expr> index;
  for (size_t d = 0; d < w.start.size(); ++d) index.push_back(i(w.start[d]) + loop::var(s.axes[d]) * i(w.step[d]));
  s.body = loop::load(x.name, x.dtype, index);
  return s;
}

/// Slice with starts/axes/steps read at run time (the output shape is static, so ends
/// are implied): each output axis finds its entry, normalizes and clamps the start.
StatusOr<loop::Stage> describeSlice(Builder &b, const Node &node) {
  if (!node.hasInput(1)) return unimplemented(node, "Slice with attribute starts (opset 1)");
  if (std::optional<SliceWindow> window = constantSliceWindow(b, node)) return describeConstantSlice(b, node, *window);
  TS_ASSIGN_OR_RETURN(loop::Buffer x, b.param(node.input(0)));
  TS_ASSIGN_OR_RETURN(loop::Buffer starts, b.param(node.input(1)));
  const Shape &xs = b.shapeOf(node.input(0));
  if (loop::isFloat(starts.dtype)) return unimplemented(node, "starts is not an integer tensor");
  std::optional<loop::Buffer> steps;
  if (node.hasInput(4)) {
    TS_ASSIGN_OR_RETURN(steps, b.param(node.input(4)));
  }
  loop::Stage s = b.stageFor(b.output_);
  std::vector<Expr> index;
  for (size_t d = 0; d < xs.size(); ++d) {
    int64_t dim = xs[d];
    Expr start = i(0), step = i(1);
    for (int64_t k = 0; k < starts.elementCount(); ++k) {
      Expr axis = i(k);
      if (node.hasInput(3)) {
        TS_ASSIGN_OR_RETURN(axis, runtimeAxis(b, node.input(3), static_cast<size_t>(k), xs.size()));
      }
      Expr here = loop::binary(loop::BinOp::Eq, axis, i(static_cast<int64_t>(d)));
      Expr st = steps ? loop::cast(DType::I64, loop::load(steps->name, steps->dtype, {i(k)})) : i(1);
      Expr first = loop::cast(DType::I64, loop::load(starts.name, starts.dtype, {i(k)}));
      first = loop::select(loop::ltExpr(first, i(0)), first + i(dim), first);
      Expr upper = loop::select(loop::ltExpr(i(0), st), i(dim), i(dim - 1));
      first = loop::minExpr(loop::maxExpr(first, i(0)), upper);
      start = loop::select(here, first, start);
      step = loop::select(here, st, step);
    }
    index.push_back(clampIndex(start + loop::var(s.axes[d]) * step, dim));
  }
  s.body = loop::load(x.name, x.dtype, index);
  return s;
}

/// Split: one stage per output, each reading its slice of the axis (offsets from the
/// outputs' static shapes); the first output's stage is returned.
StatusOr<loop::Stage> describeSplit(Builder &b, const Node &node) {
  TS_ASSIGN_OR_RETURN(loop::Buffer x, b.param(node.input(0)));
  size_t rank = b.shapeOf(node.input(0)).size();
  int64_t axis = normalizeAxis(node.attrs.getInt("axis", 0), rank);
  if (axis < 0 || axis >= static_cast<int64_t>(rank)) return unimplemented(node, "axis out of range");
  // The outputs' static shapes hold the sizes only when they are known at compile time.
  if (node.hasInput(1) && !constantInts(b.graph_, node.input(1))) return unimplemented(node, "split is not a constant");
  std::vector<loop::Stage> stages;
  int64_t offset = 0;
  for (const std::string &out : node.outputs) {
    if (out.empty() || !b.graph_.typeOf(out).isStatic()) return unimplemented(node, "an output is absent or dynamic");
    TS_ASSIGN_OR_RETURN(loop::Buffer o, b.param(out));
    loop::Stage s = b.stageFor(o, strCat("s", stages.size(), "_"));
    std::vector<Expr> index = axisVars(s.axes);
    index[axis] = index[axis] + i(offset);
    offset += b.shapeOf(out).size() == rank ? b.shapeOf(out)[axis] : 0;
    s.body = loop::load(x.name, x.dtype, index);
    stages.push_back(s);
  }
  for (size_t k = 1; k < stages.size(); ++k) b.func_.stages.push_back(stages[k]);
  return stages[0];
}

const std::map<std::string, Describe> &layoutOps() {
  static const std::map<std::string, Describe> ops = {
      {"Transpose", describeTranspose},   {"Shape", describeShape},       {"Size", describeShape},
      {"Trilu", describeTrilu},           {"DepthToSpace", describeDepthSpace}, {"SpaceToDepth", describeDepthSpace},
      {"Tile", describeRepeat},           {"Expand", describeRepeat},     {"Gather", describeGather},
      {"GatherElements", describeGather}, {"Pad", describePad},           {"EyeLike", describeIndexOp},
      {"ConstantOfShape", describeIndexOp}, {"Range", describeIndexOp},   {"OneHot", describeOneHot},
      {"CumSum", describeCumSum},         {"Split", describeSplit},       {"Slice", describeSlice},
      {"HannWindow", describeWindow},     {"HammingWindow", describeWindow}, {"BlackmanWindow", describeWindow},
      {"BatchNormalization", describeBatchNorm}, {"ReverseSequence", describeReverseSequence},
      {"Compress", describeCompress}};
  return ops;
}

} // namespace

bool isLayoutOp(const std::string &op) { return layoutOps().count(op) != 0; }

StatusOr<loop::Stage> describeLayout(Builder &b, const Node &node) {
  if (b.output_.elementCount() == 0) return unimplemented(node, "empty output");
  return layoutOps().at(node.op)(b, node);
}

} // namespace tessera::lower::detail
