//===- op_compute_scatter.cpp - Scatters and GatherND as stages ---------------------------===//
//
// A scatter is described from the output's side: each output element looks for the
// updates aimed at it. With reduction `none` a first stage finds the last such update
// (a max over the update positions; later updates win, as in the ONNX reference) and
// the result takes it or the data; add/mul/max/min fold every hit into the data
// element. ScatterElements (and the deprecated Scatter) bind the update coordinates to
// the output's except along `axis`; ScatterND binds the slice coordinates; MaxUnpool
// scatters by MaxPool's flattened indices. GatherND reads data at the index tuple of its
// output row.
//
//===----------------------------------------------------------------------===//
#include "compiler/loop/ir_util.h"
#include "compiler/lower/op_compute_builder.h"

namespace tessera::lower::detail {
namespace {

using loop::BinOp;
using loop::Combiner;

/// Where the updates of a scatter land: per update position (the reduction axes),
/// the predicate "aims at this output element" and the update's index.
struct ScatterPlan {
  std::vector<loop::ReduceAxis> positions;
  Expr hits;
  std::vector<Expr> updateIndex;
  /// The row-major number of the update position (its order of application).
  Expr order;
};

Expr eq(Expr a, Expr b) { return loop::binary(BinOp::Eq, a, b); }
Expr conj(Expr a, Expr b) { return a ? loop::andExpr(a, b) : b; }

ScatterPlan elementsPlan(const loop::Buffer &indices, const Shape &data, int64_t axis, const std::vector<std::string> &out) {
  ScatterPlan p;
  p.positions = {{"u", indices.shape[axis]}};
  std::vector<Expr> at;
  for (size_t d = 0; d < data.size(); ++d) {
    bool isAxis = static_cast<int64_t>(d) == axis;
    Expr v = isAxis ? loop::var("u") : loop::var(out[d]);
    if (!isAxis) p.hits = conj(p.hits, loop::ltExpr(v, i(indices.shape[d])));
    at.push_back(isAxis ? v : clampIndex(v, indices.shape[d]));
  }
  p.hits = conj(p.hits, eq(wrapIndex(loop::load(indices.name, indices.dtype, at), data[axis]), loop::var(out[axis])));
  p.updateIndex = at;
  p.order = loop::var("u");
  return p;
}

ScatterPlan ndPlan(const loop::Buffer &indices, const Shape &data, const std::vector<std::string> &out) {
  ScatterPlan p;
  size_t q = indices.shape.size();
  int64_t k = indices.shape[q - 1];
  std::vector<Expr> row;
  p.order = i(0);
  for (size_t d = 0; d + 1 < q; ++d) {
    std::string u = strCat("u", d);
    p.positions.push_back({u, indices.shape[d]});
    row.push_back(loop::var(u));
    p.order = p.order * i(indices.shape[d]) + loop::var(u);
  }
  for (int64_t j = 0; j < k; ++j) {
    std::vector<Expr> at = row;
    at.push_back(i(j));
    p.hits = conj(p.hits, eq(wrapIndex(loop::load(indices.name, indices.dtype, at), data[j]), loop::var(out[j])));
  }
  p.updateIndex = row;
  for (size_t d = k; d < data.size(); ++d) p.updateIndex.push_back(loop::var(out[d]));
  if (p.updateIndex.empty()) p.updateIndex.push_back(i(0));
  return p;
}

StatusOr<loop::Stage> scatterStages(Builder &b, const Node &node, const ScatterPlan &p, const loop::Buffer &data,
                                    const loop::Buffer &updates, loop::Stage s) {
  DType t = data.dtype;
  Expr old = loop::load(data.name, t, axisVars(s.axes)), update = loop::load(updates.name, t, p.updateIndex);
  std::string reduction = node.attrs.getString("reduction", "none");
  if (reduction == "none") {
    loop::Buffer last = b.temp("last", data.shape, DType::I64);
    loop::Stage find = b.stageFor(last, "s");
    find.reduceAxes = p.positions;
    find.combiner = Combiner::Max;
    find.init = i(-1);
    auto renamed = [&](const Expr &e) {
      return loop::mapExpr(e, [&](const Expr &x) {
        if (x->kind != loop::ExprKind::Var) return x;
        for (size_t d = 0; d < s.axes.size(); ++d)
          if (x->name == s.axes[d]) return loop::var(find.axes[d]);
        return x;
      });
    };
    // The plan over this stage's axis names.
    find.body = loop::select(renamed(p.hits), renamed(p.order), i(-1));
    b.func_.stages.push_back(find);
    // Re-find the winning update's position from its order number.
    Expr order = loop::load(last.name, DType::I64, axisVars(s.axes));
    Expr rest = loop::maxExpr(order, i(0));
    std::map<std::string, Expr> position;
    for (size_t k = p.positions.size(); k-- > 0;) {
      position[p.positions[k].name] = rest % i(p.positions[k].extent);
      rest = rest / i(p.positions[k].extent);
    }
    Expr chosen = loop::mapExpr(update, [&](const Expr &x) {
      if (x->kind == loop::ExprKind::Var && position.count(x->name)) return position[x->name];
      return x;
    });
    s.body = loop::select(loop::geExpr(order, i(0)), chosen, old);
    return s;
  }
  Combiner c = reduction == "add" ? Combiner::Sum : reduction == "mul" ? Combiner::Prod
             : reduction == "max" ? Combiner::Max : reduction == "min" ? Combiner::Min : Combiner::None;
  if (c == Combiner::None || !loop::isFloat(t)) return unimplemented(node, strCat("reduction '", reduction, "'"));
  s.reduceAxes = p.positions;
  s.combiner = c;
  s.init = old;
  Expr identity = c == Combiner::Prod ? constant(1, t) : c == Combiner::Sum ? constant(0, t) : loop::combinerIdentity(c, t);
  s.body = loop::select(p.hits, update, identity);
  return s;
}

} // namespace

StatusOr<loop::Stage> describeScatter(Builder &b, const Node &node) {
  TS_ASSIGN_OR_RETURN(loop::Buffer data, b.param(node.input(0)));
  TS_ASSIGN_OR_RETURN(loop::Buffer indices, b.param(node.input(1)));
  TS_ASSIGN_OR_RETURN(loop::Buffer updates, b.param(node.input(2)));
  if (loop::isFloat(indices.dtype) || updates.dtype != data.dtype || data.dtype == DType::Bool)
    return unimplemented(node, "integer indices and updates of the data's type expected");
  loop::Stage s = b.stageFor(b.output_, "o");
  const Shape &ds = data.shape;
  if (node.op == "ScatterND") {
    if (indices.shape.empty() || indices.shape.back() > static_cast<int64_t>(ds.size())) return unimplemented(node, "index tuples longer than the rank");
    return scatterStages(b, node, ndPlan(indices, ds, s.axes), data, updates, s);
  }
  int64_t axis = normalizeAxis(node.attrs.getInt("axis", 0), ds.size());
  if (axis < 0 || axis >= static_cast<int64_t>(ds.size()) || indices.shape.size() != ds.size())
    return unimplemented(node, "axis out of range or indices of another rank");
  return scatterStages(b, node, elementsPlan(indices, ds, axis, s.axes), data, updates, s);
}

StatusOr<loop::Stage> describeGatherNd(Builder &b, const Node &node) {
  TS_ASSIGN_OR_RETURN(loop::Buffer data, b.param(node.input(0)));
  TS_ASSIGN_OR_RETURN(loop::Buffer indices, b.param(node.input(1)));
  int64_t batch = node.attrs.getInt("batch_dims", 0);
  size_t q = indices.shape.size();
  if (loop::isFloat(indices.dtype) || q < 1) return unimplemented(node, "integer indices expected");
  int64_t k = indices.shape[q - 1];
  const Shape &ds = data.shape;
  if (batch + k > static_cast<int64_t>(ds.size())) return unimplemented(node, "index tuples longer than the rank");
  loop::Stage s = b.stageFor(b.output_, "o");
  std::vector<Expr> row, index;
  for (size_t d = 0; d + 1 < q; ++d) row.push_back(loop::var(s.axes[d]));
  for (int64_t d = 0; d < batch; ++d) index.push_back(loop::var(s.axes[d]));
  for (int64_t j = 0; j < k; ++j) {
    std::vector<Expr> at = row;
    at.push_back(i(j));
    index.push_back(wrapIndex(loop::load(indices.name, indices.dtype, at), ds[batch + j]));
  }
  for (size_t d = batch + k; d < ds.size(); ++d) index.push_back(loop::var(s.axes[q - 1 + d - batch - k]));
  s.body = loop::load(data.name, data.dtype, index);
  return s;
}

} // namespace tessera::lower::detail

namespace tessera::lower::detail {

/// MaxUnpool: the indices (MaxPool's, flattened over the natural output shape) scatter
/// the input; the output (the natural shape, or output_shape's) is zero elsewhere.
/// Like the scatters, the last input element aimed at a position wins.
StatusOr<loop::Stage> describeMaxUnpool(Builder &b, const Node &node) {
  TS_ASSIGN_OR_RETURN(loop::Buffer x, b.param(node.input(0)));
  TS_ASSIGN_OR_RETURN(loop::Buffer idx, b.param(node.input(1)));
  const Shape &xs = x.shape;
  size_t rank = xs.size() < 3 ? 0 : xs.size() - 2;
  std::vector<int64_t> kernel = node.attrs.getInts("kernel_shape"), strides = node.attrs.getInts("strides", std::vector<int64_t>(rank, 1)),
                       pads = node.attrs.getInts("pads", std::vector<int64_t>(2 * rank, 0));
  if (rank == 0 || kernel.size() != rank || strides.size() != rank || pads.size() != 2 * rank || idx.shape != xs ||
      loop::isFloat(idx.dtype) || b.output_.shape.size() != xs.size())
    return unimplemented(node, "input, indices and window attributes of one rank expected");
  Shape natural = {xs[0], xs[1]};
  for (size_t d = 0; d < rank; ++d) natural.push_back((xs[d + 2] - 1) * strides[d] + kernel[d] - pads[d] - pads[d + rank]);
  // Stage 1: the input position (flattened over its spatial axes) aimed at each output element.
  loop::Buffer last = b.temp("last", b.output_.shape, DType::I64);
  loop::Stage find = b.stageFor(last, "u");
  Expr target = i(0), order = i(0), fits;
  std::vector<Expr> at = {loop::var(find.axes[0]), loop::var(find.axes[1])};
  for (size_t d = 0; d < xs.size(); ++d) {
    Expr o = loop::var(find.axes[d]);
    target = target * i(natural[d]) + o;
    Expr ok = loop::ltExpr(o, i(natural[d]));
    fits = fits ? loop::andExpr(fits, ok) : ok;
  }
  for (size_t d = 0; d < rank; ++d) {
    std::string p = strCat("up", d);
    find.reduceAxes.push_back({p, xs[d + 2]});
    at.push_back(loop::var(p));
    order = order * i(xs[d + 2]) + loop::var(p);
  }
  find.combiner = loop::Combiner::Max;
  find.init = i(-1);
  Expr hit = loop::andExpr(fits, loop::binary(loop::BinOp::Eq, loop::cast(DType::I64, loop::load(idx.name, idx.dtype, at)), target));
  find.body = loop::select(hit, order, i(-1));
  b.func_.stages.push_back(find);
  // Stage 2: that input element, or zero.
  loop::Stage s = b.stageFor(b.output_);
  Expr found = loop::load(last.name, DType::I64, axisVars(s.axes)), rest = loop::maxExpr(found, i(0));
  std::vector<Expr> source(xs.size());
  source[0] = loop::var(s.axes[0]);
  source[1] = loop::var(s.axes[1]);
  for (size_t d = xs.size(); d-- > 2;) {
    source[d] = rest % i(xs[d]);
    rest = rest / i(xs[d]);
  }
  s.body = loop::select(loop::geExpr(found, i(0)), loop::load(x.name, x.dtype, source), constant(0, x.dtype));
  return s;
}

} // namespace tessera::lower::detail
