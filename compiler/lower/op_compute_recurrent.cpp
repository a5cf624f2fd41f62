//===- op_compute_recurrent.cpp - RNN, GRU and LSTM unrolled over time as stages --------===//
//
// The sequence length is static, so the recurrence unrolls into stages: X_t W^T + W_b
// for every step at once, then per step the recurrent product H_{t-1} R^T, the cell
// update (ONNX's equations; gate orders z,r,h for GRU and i,o,f,c for LSTM) and the
// new state. Rows past their sequence length keep their state and write zeros to Y.
// Forward direction; activations Sigmoid, Tanh or Relu; clip, peepholes,
// linear_before_reset, input_forget, initial states and both layouts.
//
//===----------------------------------------------------------------------===//
#include <set>

#include "compiler/lower/op_compute_builder.h"

namespace tessera::lower::detail {
namespace {

using loop::MathFn;

struct Recurrent {
  const Node *node = nullptr;
  int64_t gates = 1, seq = 0, batch = 0, input = 0, hidden = 0;
  bool batchMajor = false;
  double clip = 0;
  std::vector<std::string> activations;
  loop::Buffer x, w, r;
  std::optional<loop::Buffer> bias, lengths, h0, c0, peep;
  DType t = DType::F32;
};

Expr activate(const std::string &name, Expr v) {
  if (name == "Sigmoid") return f(1) / (f(1) + loop::math(MathFn::Exp, loop::math(MathFn::Neg, v)));
  if (name == "Tanh") return loop::math(MathFn::Tanh, v);
  return loop::maxExpr(v, f(0)); // Relu
}

Expr clipped(const Recurrent &rc, Expr v) {
  return rc.clip > 0 ? loop::minExpr(loop::maxExpr(v, f(-rc.clip)), f(rc.clip)) : v;
}

StatusOr<std::optional<loop::Buffer>> optionalInput(Builder &b, const Node &node, size_t k) {
  if (!node.hasInput(k)) return std::optional<loop::Buffer>();
  TS_ASSIGN_OR_RETURN(loop::Buffer p, b.param(node.input(k)));
  return std::optional<loop::Buffer>(p);
}

StatusOr<Recurrent> readRecurrent(Builder &b, const Node &node) {
  Recurrent rc;
  rc.node = &node;
  rc.gates = node.op == "LSTM" ? 4 : node.op == "GRU" ? 3 : 1;
  TS_ASSIGN_OR_RETURN(rc.x, b.param(node.input(0)));
  TS_ASSIGN_OR_RETURN(rc.w, b.param(node.input(1)));
  TS_ASSIGN_OR_RETURN(rc.r, b.param(node.input(2)));
  rc.batchMajor = node.attrs.getInt("layout", 0) != 0;
  const Shape &xs = rc.x.shape;
  if (xs.size() != 3 || rc.w.shape[0] != 1 || rc.x.dtype != DType::F32 || rc.w.dtype != DType::F32 || rc.r.dtype != DType::F32 ||
      node.attrs.getString("direction", "forward") != "forward")
    return unimplemented(node, "f32 operands and the forward direction expected");
  rc.seq = xs[rc.batchMajor ? 1 : 0];
  rc.batch = xs[rc.batchMajor ? 0 : 1];
  rc.input = xs[2];
  rc.hidden = rc.r.shape[2];
  if (rc.w.shape[1] != rc.gates * rc.hidden || rc.w.shape[2] != rc.input) return unimplemented(node, "W has the wrong shape");
  rc.clip = node.attrs.getFloat("clip", 0.0f);
  std::vector<std::string> defaults = node.op == "LSTM" ? std::vector<std::string>{"Sigmoid", "Tanh", "Tanh"}
                                      : node.op == "GRU" ? std::vector<std::string>{"Sigmoid", "Tanh"}
                                                         : std::vector<std::string>{"Tanh"};
  graph::Strings names = node.attrs.getStrings("activations");
  for (size_t k = 0; k < defaults.size(); ++k) {
    std::string name = k < names.size() ? names[k] : defaults[k];
    if (name != "Sigmoid" && name != "Tanh" && name != "Relu") return unimplemented(node, strCat("activation ", name));
    rc.activations.push_back(name);
  }
  TS_ASSIGN_OR_RETURN(rc.bias, optionalInput(b, node, 3));
  TS_ASSIGN_OR_RETURN(rc.lengths, optionalInput(b, node, 4));
  TS_ASSIGN_OR_RETURN(rc.h0, optionalInput(b, node, 5));
  if (node.op == "LSTM") {
    TS_ASSIGN_OR_RETURN(rc.c0, optionalInput(b, node, 6));
    TS_ASSIGN_OR_RETURN(rc.peep, optionalInput(b, node, 7));
  }
  return rc;
}

/// bias[0, offset + j] (0 when absent).
Expr biasAt(const std::optional<loop::Buffer> &bias, int64_t offset, Expr j) {
  if (!bias) return f(0);
  return loop::load(bias->name, DType::F32, {i(0), j + i(offset)});
}

/// An initial state [1, B, H] (or [B, 1, H]) at (b, j), 0 when absent.
Expr initialAt(const Recurrent &rc, const std::optional<loop::Buffer> &state, Expr b, Expr j) {
  if (!state) return f(0);
  return loop::load(state->name, DType::F32, rc.batchMajor ? std::vector<Expr>{b, i(0), j} : std::vector<Expr>{i(0), b, j});
}

/// Per-step state buffers: element [b, j] of step t (t = -1: the initial state).
struct States {
  std::vector<loop::Buffer> steps;
  const Recurrent *rc;
  const std::optional<loop::Buffer> *initial;
  Expr at(int64_t t, Expr b, Expr j) const {
    if (t < 0) return initialAt(*rc, *initial, b, j);
    return loop::load(steps[t].name, DType::F32, {b, j});
  }
};

class Unroller {
public:
  Unroller(Builder &b, const Recurrent &rc) : b_(b), rc_(rc), h_{{}, &rc, &rc.h0}, c_{{}, &rc, &rc.c0} {}

  Status run() {
    xw_ = b_.temp("xw", {rc_.seq, rc_.batch, rc_.gates * rc_.hidden});
    loop::Stage s = b_.stageFor(xw_, "x");
    s.reduceAxes = {{"xk", rc_.input}};
    s.combiner = loop::Combiner::Sum;
    Expr t = loop::var(s.axes[0]), bb = loop::var(s.axes[1]), j = loop::var(s.axes[2]), k = loop::var("xk");
    std::vector<Expr> xIndex = rc_.batchMajor ? std::vector<Expr>{bb, t, k} : std::vector<Expr>{t, bb, k};
    s.init = biasAt(rc_.bias, 0, j);
    s.body = loop::load(rc_.x.name, DType::F32, xIndex) * loop::load(rc_.w.name, DType::F32, {i(0), j, k});
    b_.func_.stages.push_back(s);
    for (int64_t step = 0; step < rc_.seq; ++step) TS_RETURN_IF_ERROR(this->step(step));
    return absl::OkStatus();
  }

  const States &hidden() const { return h_; }
  const States &cell() const { return c_; }

private:
  Expr xwAt(int64_t t, Expr b, int64_t gate, Expr j) const {
    return loop::load(xw_.name, DType::F32, {i(t), b, j + i(gate * rc_.hidden)});
  }
  /// Row b is still inside its sequence at step t.
  Expr active(int64_t t, Expr b) const {
    if (!rc_.lengths) return nullptr;
    Expr len = loop::cast(DType::I64, loop::load(rc_.lengths->name, rc_.lengths->dtype, {b}));
    return loop::ltExpr(i(t), len);
  }
  Expr keepOld(int64_t t, Expr b, Expr fresh, Expr old) const {
    Expr a = active(t, b);
    return a ? loop::select(a, fresh, old) : fresh;
  }

  /// hr[b, j] = sum_k H_{t-1}[b, k] R[j, k] over all gate rows j.
  loop::Buffer recurrentProduct(int64_t t) {
    loop::Buffer hr = b_.temp(strCat("hr", t), {rc_.batch, rc_.gates * rc_.hidden});
    loop::Stage s = b_.stageFor(hr, strCat("r", t, "_"));
    s.reduceAxes = {{"rk", rc_.hidden}};
    s.combiner = loop::Combiner::Sum;
    s.init = f(0);
    Expr bb = loop::var(s.axes[0]), j = loop::var(s.axes[1]), k = loop::var("rk");
    s.body = h_.at(t - 1, bb, k) * loop::load(rc_.r.name, DType::F32, {i(0), j, k});
    b_.func_.stages.push_back(s);
    return hr;
  }

  /// The pre-activation of gate `g` at step t: X W + H R + both biases.
  Expr gate(int64_t t, const loop::Buffer &hr, int64_t g, Expr b, Expr j) const {
    int64_t H = rc_.hidden, GH = rc_.gates * H;
    return xwAt(t, b, g, j) + loop::load(hr.name, DType::F32, {b, j + i(g * H)}) + biasAt(rc_.bias, GH + g * H, j);
  }

  loop::Stage stateStage(const std::string &prefix, int64_t t, std::vector<loop::Buffer> &steps) {
    loop::Buffer out = b_.temp(strCat(prefix, t), {rc_.batch, rc_.hidden});
    steps.push_back(out);
    return b_.stageFor(out, strCat(prefix, t, "_"));
  }

  Status step(int64_t t) {
    loop::Buffer hr = recurrentProduct(t);
    const std::vector<std::string> &act = rc_.activations;
    const std::string &op = rc_.node->op;
    int64_t H = rc_.hidden;
    if (op == "RNN") {
      loop::Stage s = stateStage("h", t, h_.steps);
      Expr bb = loop::var(s.axes[0]), j = loop::var(s.axes[1]);
      s.body = keepOld(t, bb, activate(act[0], clipped(rc_, gate(t, hr, 0, bb, j))), h_.at(t - 1, bb, j));
      b_.func_.stages.push_back(s);
      return absl::OkStatus();
    }
    if (op == "GRU") return gruStep(t, hr);
    // LSTM: the cell state, then the hidden state.
    auto peep = [&](int64_t k, Expr j) { return rc_.peep ? loop::load(rc_.peep->name, DType::F32, {i(0), j + i(k * H)}) : f(0); };
    loop::Stage c = stateStage("c", t, c_.steps);
    Expr bb = loop::var(c.axes[0]), j = loop::var(c.axes[1]);
    Expr old = c_.at(t - 1, bb, j);
    Expr in = activate(act[0], clipped(rc_, gate(t, hr, 0, bb, j) + peep(0, j) * old));
    Expr forget = activate(act[0], clipped(rc_, gate(t, hr, 2, bb, j) + peep(2, j) * old));
    if (rc_.node->attrs.getInt("input_forget", 0)) forget = f(1) - in;
    Expr candidate = activate(act[1], clipped(rc_, gate(t, hr, 3, bb, j)));
    c.body = keepOld(t, bb, forget * old + in * candidate, old);
    b_.func_.stages.push_back(c);
    loop::Stage h = stateStage("h", t, h_.steps);
    bb = loop::var(h.axes[0]);
    j = loop::var(h.axes[1]);
    Expr cell = c_.at(t, bb, j);
    Expr outGate = activate(act[0], clipped(rc_, gate(t, hr, 1, bb, j) + peep(1, j) * cell));
    h.body = keepOld(t, bb, outGate * activate(act[2], cell), h_.at(t - 1, bb, j));
    b_.func_.stages.push_back(h);
    return absl::OkStatus();
  }

  Status gruStep(int64_t t, const loop::Buffer &hr) {
    const std::vector<std::string> &act = rc_.activations;
    int64_t H = rc_.hidden, GH = 3 * H;
    bool linearBeforeReset = rc_.node->attrs.getInt("linear_before_reset", 0) != 0;
    auto reset = [&](Expr b, Expr k) { return activate(act[0], clipped(rc_, gate(t, hr, 1, b, k))); };
    loop::Buffer rh;
    if (!linearBeforeReset) {
      // (r . H_{t-1}) R_h^T: the reset gate applied before the recurrent product.
      rh = b_.temp(strCat("rh", t), {rc_.batch, H});
      loop::Stage s = b_.stageFor(rh, strCat("g", t, "_"));
      s.reduceAxes = {{"gk", H}};
      s.combiner = loop::Combiner::Sum;
      s.init = f(0);
      Expr bb = loop::var(s.axes[0]), j = loop::var(s.axes[1]), k = loop::var("gk");
      s.body = reset(bb, k) * h_.at(t - 1, bb, k) * loop::load(rc_.r.name, DType::F32, {i(0), j + i(2 * H), k});
      b_.func_.stages.push_back(s);
    }
    loop::Stage s = stateStage("h", t, h_.steps);
    Expr bb = loop::var(s.axes[0]), j = loop::var(s.axes[1]);
    Expr z = activate(act[0], clipped(rc_, gate(t, hr, 0, bb, j)));
    Expr hb = biasAt(rc_.bias, GH + 2 * H, j);
    Expr recurrent = linearBeforeReset ? reset(bb, j) * (loop::load(hr.name, DType::F32, {bb, j + i(2 * H)}) + hb)
                                       : loop::load(rh.name, DType::F32, {bb, j}) + hb;
    Expr candidate = activate(act[1], clipped(rc_, xwAt(t, bb, 2, j) + recurrent));
    Expr old = h_.at(t - 1, bb, j);
    s.body = keepOld(t, bb, (f(1) - z) * candidate + z * old, old);
    b_.func_.stages.push_back(s);
    return absl::OkStatus();
  }

  Builder &b_;
  const Recurrent &rc_;
  loop::Buffer xw_;
  States h_, c_;
};

/// Y [S, 1, B, H] (or [B, S, 1, H]): each step's state, zero past a row's length.
loop::Stage sequenceStage(const Recurrent &rc, const States &h, const loop::Buffer &y) {
  loop::Stage s;
  s.output = y;
  s.axes = axisNames(4, "y");
  Expr t = loop::var(s.axes[rc.batchMajor ? 1 : 0]), bb = loop::var(s.axes[rc.batchMajor ? 0 : 2]), j = loop::var(s.axes[3]);
  Expr value = f(0);
  for (int64_t step = rc.seq; step-- > 0;) {
    Expr v = h.at(step, bb, j);
    if (rc.lengths) {
      Expr len = loop::cast(DType::I64, loop::load(rc.lengths->name, rc.lengths->dtype, {bb}));
      v = loop::select(loop::ltExpr(i(step), len), v, f(0));
    }
    value = step + 1 == rc.seq ? v : loop::select(loop::binary(loop::BinOp::Eq, t, i(step)), v, value);
  }
  s.body = value;
  return s;
}

/// Y_h / Y_c [1, B, H] (or [B, 1, H]): the last state.
loop::Stage finalStage(const Recurrent &rc, const States &states, const loop::Buffer &out) {
  loop::Stage s;
  s.output = out;
  s.axes = axisNames(3, strCat(out.name, "_"));
  Expr bb = loop::var(s.axes[rc.batchMajor ? 0 : 1]), j = loop::var(s.axes[2]);
  s.body = states.at(rc.seq - 1, bb, j);
  return s;
}

} // namespace

StatusOr<loop::Stage> describeRecurrent(Builder &b, const Node &node) {
  TS_ASSIGN_OR_RETURN(Recurrent rc, readRecurrent(b, node));
  if (rc.seq < 1) return unimplemented(node, "an empty sequence");
  Unroller unroller(b, rc);
  TS_RETURN_IF_ERROR(unroller.run());
  std::vector<loop::Stage> results;
  for (size_t k = 0; k < node.outputs.size() && k < 3; ++k) {
    if (node.outputs[k].empty()) continue;
    TS_ASSIGN_OR_RETURN(loop::Buffer out, b.param(node.outputs[k]));
    if (out.dtype != DType::F32) return unimplemented(node, "f32 results expected");
    results.push_back(k == 0 ? sequenceStage(rc, unroller.hidden(), out) : finalStage(rc, k == 1 ? unroller.hidden() : unroller.cell(), out));
  }
  if (results.empty()) return unimplemented(node, "no result is used");
  for (size_t k = 0; k + 1 < results.size(); ++k) b.func_.stages.push_back(results[k]);
  return results.back();
}

} // namespace tessera::lower::detail
