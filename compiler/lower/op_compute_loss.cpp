//===- op_compute_loss.cpp - NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss ------===//
//
// NLL: loss[n, d..] = -x[n, t, d..] * w[t] with t = target[n, d..], zero where t is
// ignore_index; reduced by `none` (the loss tensor), `sum`, or `mean` (the sum divided
// by the sum of the weights of the counted elements, a second reduction).
// SoftmaxCrossEntropyLoss: log-softmax over axis 1 (max and sum stages, the log
// probabilities as a result or a temporary), then the NLL stages on it.
//
//===----------------------------------------------------------------------===//
#include "compiler/lower/op_compute_builder.h"

namespace tessera::lower::detail {
namespace {

using loop::Combiner;
using loop::MathFn;

struct NllInputs {
  loop::Buffer scores;  ///< (N, C, d...) log probabilities
  loop::Buffer target;  ///< (N, d...) class indices
  std::optional<loop::Buffer> weight;
  std::optional<int64_t> ignoreIndex;
};

/// The loss and the weight of one target element at `at` (N, d... variables).
std::pair<Expr, Expr> lossTerm(const NllInputs &in, const std::vector<Expr> &at) {
  DType t = in.scores.dtype;
  Expr raw = loop::load(in.target.name, in.target.dtype, at);
  Expr cls = clampIndex(loop::cast(DType::I64, raw), in.scores.shape[1]);
  std::vector<Expr> index = {at[0], cls};
  for (size_t d = 1; d < at.size(); ++d) index.push_back(at[d]);
  Expr w = in.weight ? loop::load(in.weight->name, t, {cls}) : constant(1, t);
  Expr loss = constant(0, t) - loop::load(in.scores.name, t, index) * w;
  if (!in.ignoreIndex) return {loss, w};
  Expr counted = loop::binary(loop::BinOp::Ne, loop::cast(DType::I64, raw), i(*in.ignoreIndex));
  return {loop::select(counted, loss, constant(0, t)), loop::select(counted, w, constant(0, t))};
}

StatusOr<loop::Stage> nllStages(Builder &b, const Node &node, const NllInputs &in) {
  std::string reduction = node.attrs.getString("reduction", "mean");
  if (reduction == "none") {
    loop::Stage s = b.stageFor(b.output_);
    s.body = lossTerm(in, axisVars(s.axes)).first;
    return s;
  }
  if (reduction != "sum" && reduction != "mean") return unimplemented(node, strCat("reduction '", reduction, "'"));
  std::vector<loop::ReduceAxis> all;
  std::vector<Expr> at;
  for (size_t d = 0; d < in.target.shape.size(); ++d) {
    all.push_back({strCat("r", d), in.target.shape[d]});
    at.push_back(loop::var(strCat("r", d)));
  }
  auto [loss, weight] = lossTerm(in, at);
  DType t = in.scores.dtype;
  loop::Stage s = b.stageFor(b.output_, "o");
  s.reduceAxes = all;
  s.combiner = Combiner::Sum;
  s.init = constant(0, t);
  s.body = loss;
  if (reduction == "sum") return s;
  loop::Buffer total = b.temp("weights", {1}, t);
  loop::Stage w = b.stageFor(total, "w");
  w.reduceAxes = all;
  w.combiner = Combiner::Sum;
  w.init = constant(0, t);
  w.body = weight;
  b.func_.stages.push_back(w);
  s.epilogue = s.accumulated() / loop::load(total.name, t, {i(0)});
  return s;
}

StatusOr<NllInputs> nllInputs(Builder &b, const Node &node, const loop::Buffer &scores) {
  NllInputs in;
  in.scores = scores;
  TS_ASSIGN_OR_RETURN(in.target, b.param(node.input(1)));
  if (loop::isFloat(in.target.dtype) || b.shapeOf(node.input(1)).size() + 1 != scores.shape.size())
    return unimplemented(node, "integer targets of the scores' rank minus one expected");
  if (node.hasInput(2)) {
    TS_ASSIGN_OR_RETURN(loop::Buffer w, b.param(node.input(2)));
    if (w.dtype != scores.dtype) return unimplemented(node, "weights of another type");
    in.weight = w;
  }
  if (node.attrs.has("ignore_index")) in.ignoreIndex = node.attrs.getInt("ignore_index", 0);
  return in;
}

/// Log-softmax of `x` over axis 1 into `out` (a result or a temporary).
void logSoftmaxStages(Builder &b, const loop::Buffer &x, const loop::Buffer &out) {
  Shape kept = x.shape;
  kept[1] = 1;
  DType t = x.dtype;
  auto reduceOver = [&](const loop::Buffer &into, Combiner c) {
    loop::Stage s = b.stageFor(into, strCat(into.name, "_"));
    s.reduceAxes = {{"c", x.shape[1]}};
    s.combiner = c;
    s.init = loop::combinerIdentity(c, t);
    return s;
  };
  auto at = [&](const loop::Stage &s, bool channel) {
    std::vector<Expr> index = axisVars(s.axes);
    index[1] = channel ? loop::var("c") : i(0);
    return index;
  };
  loop::Buffer peak = b.temp("peak", kept, t), sum = b.temp("sum", kept, t);
  loop::Stage m = reduceOver(peak, Combiner::Max);
  m.body = loop::load(x.name, t, at(m, true));
  b.func_.stages.push_back(m);
  loop::Stage s = reduceOver(sum, Combiner::Sum);
  s.body = loop::math(MathFn::Exp, loop::load(x.name, t, at(s, true)) - loop::load(peak.name, t, at(s, false)));
  b.func_.stages.push_back(s);
  loop::Stage l = b.stageFor(out, "l");
  l.body = loop::load(x.name, t, axisVars(l.axes)) - loop::load(peak.name, t, at(l, false)) -
           loop::math(MathFn::Log, loop::load(sum.name, t, at(l, false)));
  b.func_.stages.push_back(l);
}

} // namespace

StatusOr<loop::Stage> describeLoss(Builder &b, const Node &node) {
  TS_ASSIGN_OR_RETURN(loop::Buffer x, b.param(node.input(0)));
  if (!loop::isFloat(x.dtype) || x.shape.size() < 2) return unimplemented(node, "float scores (N, C, ...) expected");
  if (node.op == "NegativeLogLikelihoodLoss") {
    TS_ASSIGN_OR_RETURN(NllInputs in, nllInputs(b, node, x));
    return nllStages(b, node, in);
  }
  loop::Buffer logProb;
  if (node.outputs.size() > 1 && !node.outputs[1].empty()) {
    TS_ASSIGN_OR_RETURN(logProb, b.param(node.outputs[1]));
  } else {
    logProb = b.temp("logprob", x.shape, x.dtype);
  }
  TS_ASSIGN_OR_RETURN(NllInputs in, nllInputs(b, node, logProb));
  logSoftmaxStages(b, x, logProb);
  return nllStages(b, node, in);
}

} // namespace tessera::lower::detail
