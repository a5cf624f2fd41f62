//===- kernels_recurrent.cpp - RNN, GRU and LSTM -------------------------------===//
//
// One loop serves the three ops: for each direction and time step, the gates'
// pre-activations X_t W^T + H_{t-1} R^T + biases are computed per batch row, then the
// op's cell update applies (ONNX's equations, gate orders z,r,h for GRU and i,o,f,c
// for LSTM). Steps past a row's sequence length leave its state unchanged and write
// zeros to Y.
//
//===----------------------------------------------------------------------===//
#include <cmath>

#include "compiler/interp/elementwise_ops.h"
#include "compiler/interp/kernel_util.h"
#include "compiler/interp/kernels.h"

namespace tessera::interp {
namespace {

using Vec = std::vector<double>;

struct RecurrentSpec {
  std::string op;
  int64_t gates = 1, seq = 0, batch = 0, input = 0, hidden = 0, directions = 1;
  bool batchMajor = false, linearBeforeReset = false, inputForget = false;
  double clip = 0;
  std::vector<UnaryFn> activations; // per direction: f, g, h as the op needs
};

StatusOr<UnaryFn> namedActivation(const std::string &name, double alpha, double beta) {
  if (name == "Affine") return UnaryFn([=](double x) { return alpha * x + beta; });
  if (name == "ScaledTanh") return UnaryFn([=](double x) { return alpha * std::tanh(beta * x); });
  graph::AttributeMap attrs;
  attrs.set("alpha", static_cast<float>(alpha));
  attrs.set("beta", static_cast<float>(beta));
  return makeUnaryFn(name, attrs);
}

StatusOr<RecurrentSpec> readSpec(const KernelContext &context) {
  RecurrentSpec spec;
  spec.op = context.node.op;
  spec.gates = spec.op == "LSTM" ? 4 : spec.op == "GRU" ? 3 : 1;
  const Shape &x = context.in(0).shape(), &w = context.in(1).shape();
  spec.batchMajor = context.attrs().getInt("layout", 0) != 0;
  spec.seq = x[spec.batchMajor ? 1 : 0];
  spec.batch = x[spec.batchMajor ? 0 : 1];
  spec.input = x[2];
  spec.directions = w[0];
  spec.hidden = context.attrs().getInt("hidden_size", context.in(2).shape()[2]);
  if (w[1] != spec.gates * spec.hidden || w[2] != spec.input) return context.error("W has the wrong shape");
  spec.linearBeforeReset = context.attrs().getInt("linear_before_reset", 0) != 0;
  spec.inputForget = context.attrs().getInt("input_forget", 0) != 0;
  spec.clip = context.attrs().getFloat("clip", 0.f);
  graph::Strings names = context.attrs().getStrings("activations");
  size_t perDirection = spec.op == "LSTM" ? 3 : spec.op == "GRU" ? 2 : 1;
  graph::Strings defaults = spec.op == "LSTM"  ? graph::Strings{"Sigmoid", "Tanh", "Tanh"}
                            : spec.op == "GRU" ? graph::Strings{"Sigmoid", "Tanh"}
                                               : graph::Strings{"Tanh"};
  graph::Floats alphas = context.attrs().getFloats("activation_alpha"), betas = context.attrs().getFloats("activation_beta");
  for (int64_t d = 0; d < spec.directions; ++d)
    for (size_t k = 0; k < perDirection; ++k) {
      size_t index = d * perDirection + k;
      std::string name = index < names.size() ? names[index] : defaults[k];
      double alpha = index < alphas.size() ? alphas[index] : (name == "LeakyRelu" ? 0.01 : name == "HardSigmoid" ? 0.2 : 1.0);
      double beta = index < betas.size() ? betas[index] : (name == "HardSigmoid" ? 0.5 : name == "ScaledTanh" ? 1.0 : 0.0);
      TS_ASSIGN_OR_RETURN(UnaryFn fn, namedActivation(name, alpha, beta));
      spec.activations.push_back(fn);
    }
  return spec;
}

/// out[g*H + j] = sum_k in[k] * M[d][g*H + j][k]  for a [dirs, G*H, K] matrix.
void multiply(const Vec &in, const Vec &matrix, int64_t direction, int64_t rows, int64_t cols, Vec &out) {
  const double *m = matrix.data() + direction * rows * cols;
  for (int64_t row = 0; row < rows; ++row) {
    double sum = 0;
    for (int64_t k = 0; k < cols; ++k) sum += in[k] * m[row * cols + k];
    out[row] += sum;
  }
}

double clipped(const RecurrentSpec &spec, double v) { return spec.clip > 0 ? std::clamp(v, -spec.clip, spec.clip) : v; }

/// One cell update for one batch row; `h` and `c` are updated in place.
void cellStep(const RecurrentSpec &spec, int64_t d, const Vec &xw, const Vec &rDir, const Vec &rBias, const Vec &peep,
              Vec &h, Vec &c) {
  int64_t H = spec.hidden;
  const UnaryFn *act = spec.activations.data() + d * (spec.op == "LSTM" ? 3 : spec.op == "GRU" ? 2 : 1);
  Vec hr(spec.gates * H, 0.0);
  multiply(h, rDir, 0, spec.gates * H, H, hr);
  if (spec.op == "RNN") {
    for (int64_t j = 0; j < H; ++j) h[j] = act[0](clipped(spec, xw[j] + hr[j] + rBias[j]));
    return;
  }
  if (spec.op == "GRU") {
    Vec z(H), r(H), hidden(H);
    for (int64_t j = 0; j < H; ++j) {
      z[j] = act[0](clipped(spec, xw[j] + hr[j] + rBias[j]));
      r[j] = act[0](clipped(spec, xw[H + j] + hr[H + j] + rBias[H + j]));
    }
    Vec gated(H, 0.0), rh(3 * H, 0.0);
    for (int64_t j = 0; j < H; ++j) gated[j] = r[j] * h[j];
    if (!spec.linearBeforeReset) multiply(gated, rDir, 0, 3 * H, H, rh);
    for (int64_t j = 0; j < H; ++j) {
      double recurrent = spec.linearBeforeReset ? r[j] * (hr[2 * H + j] + rBias[2 * H + j]) : rh[2 * H + j] + rBias[2 * H + j];
      hidden[j] = act[1](clipped(spec, xw[2 * H + j] + recurrent));
    }
    for (int64_t j = 0; j < H; ++j) h[j] = (1 - z[j]) * hidden[j] + z[j] * h[j];
    return;
  }
  for (int64_t j = 0; j < H; ++j) { // LSTM, gates i, o, f, c
    double i = act[0](clipped(spec, xw[j] + hr[j] + rBias[j] + peep[j] * c[j]));
    double f = act[0](clipped(spec, xw[2 * H + j] + hr[2 * H + j] + rBias[2 * H + j] + peep[2 * H + j] * c[j]));
    if (spec.inputForget) f = 1 - i;
    double cand = act[1](clipped(spec, xw[3 * H + j] + hr[3 * H + j] + rBias[3 * H + j]));
    c[j] = f * c[j] + i * cand;
    double o = act[0](clipped(spec, xw[H + j] + hr[H + j] + rBias[H + j] + peep[H + j] * c[j]));
    h[j] = o * act[2](c[j]);
  }
}

} // namespace

KernelResult kernelRecurrent(const KernelContext &context) {
  TS_RETURN_IF_ERROR(context.require(3));
  TS_ASSIGN_OR_RETURN(RecurrentSpec spec, readSpec(context));
  int64_t S = spec.seq, B = spec.batch, I = spec.input, H = spec.hidden, G = spec.gates, D = spec.directions;
  Vec x = toDoubles(context.in(0)), w = toDoubles(context.in(1)), r = toDoubles(context.in(2));
  Vec bias = context.has(3) ? toDoubles(context.in(3)) : Vec(D * 2 * G * H, 0.0);
  std::vector<int64_t> lengths = context.has(4) ? toInts(context.in(4)) : std::vector<int64_t>(B, S);
  Vec h0 = context.has(5) ? toDoubles(context.in(5)) : Vec(D * B * H, 0.0);
  Vec c0 = context.has(6) ? toDoubles(context.in(6)) : Vec(D * B * H, 0.0);
  Vec peep = context.has(7) ? toDoubles(context.in(7)) : Vec(D * 3 * H, 0.0);
  Vec y(S * D * B * H, 0.0), yh(D * B * H), yc(D * B * H);
  auto xAt = [&](int64_t t, int64_t b) { return x.data() + (spec.batchMajor ? (b * S + t) : (t * B + b)) * I; };
  for (int64_t d = 0; d < D; ++d) {
    bool reverse = context.attrs().getString("direction", "forward") == "reverse" || d == 1;
    Vec rDir(r.begin() + d * G * H * H, r.begin() + (d + 1) * G * H * H);
    Vec rBias(G * H), peepDir(peep.begin() + d * 3 * H, peep.begin() + (d + 1) * 3 * H);
    peepDir.resize(4 * H, 0.0);
    for (int64_t k = 0; k < G * H; ++k) rBias[k] = bias[d * 2 * G * H + G * H + k];
    for (int64_t b = 0; b < B; ++b) {
      Vec h(h0.begin() + (d * B + b) * H, h0.begin() + (d * B + b + 1) * H);
      Vec c(c0.begin() + (d * B + b) * H, c0.begin() + (d * B + b + 1) * H);
      int64_t length = std::min<int64_t>(lengths[b], S);
      for (int64_t step = 0; step < length; ++step) {
        int64_t t = reverse ? length - 1 - step : step;
        Vec xw(bias.begin() + d * 2 * G * H, bias.begin() + d * 2 * G * H + G * H);
        multiply(Vec(xAt(t, b), xAt(t, b) + I), w, d, G * H, I, xw);
        cellStep(spec, d, xw, rDir, rBias, peepDir, h, c);
        for (int64_t j = 0; j < H; ++j) {
          int64_t index = spec.batchMajor ? ((b * S + t) * D + d) * H + j : ((t * D + d) * B + b) * H + j;
          y[index] = h[j];
        }
      }
      for (int64_t j = 0; j < H; ++j) {
        int64_t index = spec.batchMajor ? (b * D + d) * H + j : (d * B + b) * H + j;
        yh[index] = h[j];
        yc[index] = c[j];
      }
    }
  }
  DType dtype = context.in(0).dtype();
  Shape yShape = spec.batchMajor ? Shape{B, S, D, H} : Shape{S, D, B, H};
  Shape stateShape = spec.batchMajor ? Shape{B, D, H} : Shape{D, B, H};
  return std::vector<Tensor>{fromDoubles(dtype, yShape, y), fromDoubles(dtype, stateShape, yh), fromDoubles(dtype, stateShape, yc)};
}

} // namespace tessera::interp
