//===- ptq_ops.cpp - Post-training quantization: one quantizer per op family ---===//
#include <algorithm>
#include <cmath>
#include <set>

#include "compiler/interp/kernel_util.h"
#include "compiler/quant/ptq_rewriter.h"

namespace tessera::quant::detail {

std::string resultName(PtqRewriter &r, const graph::Node &node, const std::optional<FusedActivation> &fused) {
  return fused ? r.graph().nodes[fused->node].outputs[0] : node.outputs[0];
}

void setRequant(graph::Node &node, const graph::Ints &multipliers, const graph::Ints &shifts) {
  node.attrs.set("requant_multiplier", multipliers);
  node.attrs.set("requant_shift", shifts);
}

void setClip(graph::Node &node, const std::optional<FusedActivation> &fused, float scale) {
  if (fused) node.attrs.set("clip", PtqRewriter::clipBounds(fused->lo, fused->hi, scale));
}

bool isActivation(PtqRewriter &r, const std::string &name) { return !name.empty() && !r.graph().constantOf(name); }

namespace {

using graph::Node;

/// Per-output-channel int8 weights, int32 bias and requant operands of a conv/gemm.
struct QuantizedWeights {
  Tensor weights, bias;
  graph::Ints multipliers, shifts;
};

/// `w` is [M, ...] with M output channels; `bias` has M entries (or is empty).
StatusOr<QuantizedWeights> quantizeWeights(const Tensor &w, const std::vector<double> &bias, float sx, float sy) {
  std::vector<double> values = interp::toDoubles(w);
  int64_t channels = w.shape()[0], per = channels == 0 ? 0 : w.elementCount() / channels;
  std::vector<int64_t> q(values.size()), b(channels);
  QuantizedWeights out;
  for (int64_t m = 0; m < channels; ++m) {
    double maxAbs = 0;
    for (int64_t i = 0; i < per; ++i) maxAbs = std::max(maxAbs, std::fabs(values[m * per + i]));
    double sw = maxAbs > 0 ? maxAbs / 127 : 1;
    for (int64_t i = 0; i < per; ++i) q[m * per + i] = std::clamp<int64_t>(std::llround(values[m * per + i] / sw), -127, 127);
    double biasQ = bias.empty() ? 0 : std::round(bias[m] / (double(sx) * sw));
    if (std::fabs(biasQ) > 2147483647.0)
      return invalidInput("bias of output channel %d does not fit int32 at scale %g", m, double(sx) * sw);
    b[m] = int64_t(biasQ);
    TS_ASSIGN_OR_RETURN(RequantParams requant, requantFromScale(double(sx) * sw / sy));
    out.multipliers.push_back(requant.multiplier);
    out.shifts.push_back(requant.shift);
  }
  out.weights = interp::fromInts(DType::I8, w.shape(), q);
  out.bias = interp::fromInts(DType::I32, {channels}, b);
  return out;
}

/// Emits `op`(x, weights, bias) for a conv or gemm whose weights are [M, ...].
Status emitWeighted(PtqRewriter &r, size_t index, const std::string &op, const Tensor &weights,
                    const std::vector<double> &bias, graph::AttributeMap attrs) {
  const Node &node = r.graph().nodes[index];
  auto fused = r.fusedActivation(index);
  std::string result = resultName(r, node, fused);
  TS_ASSIGN_OR_RETURN(float sx, r.scale(node.input(0)));
  TS_ASSIGN_OR_RETURN(float sy, r.scale(result));
  TS_ASSIGN_OR_RETURN(QuantizedWeights q, quantizeWeights(weights, bias, sx, sy));
  TS_ASSIGN_OR_RETURN(std::string x, r.int8(node.input(0)));
  Node qnode;
  qnode.op = op;
  qnode.name = node.name;
  qnode.attrs = std::move(attrs);
  qnode.inputs = {x, r.graph().addConstant(node.input(1) + "_i8", q.weights),
                  r.graph().addConstant(result + "_bias_i32", q.bias)};
  setRequant(qnode, q.multipliers, q.shifts);
  setClip(qnode, fused, sy);
  r.emitInt8(std::move(qnode), result, sy, fused);
  return absl::OkStatus();
}

/// B as the [M, K] weights of x[..., K] * B, scaled by alpha.
Tensor transposedWeights(const Tensor &b, bool transposed, double alpha) {
  Tensor w = transposed ? b : interp::transposeTensor(b, {1, 0});
  std::vector<double> values = interp::toDoubles(w);
  for (double &v : values) v *= alpha;
  return interp::fromDoubles(DType::F32, w.shape(), values);
}

} // namespace

StatusOr<bool> quantizeConv(PtqRewriter &r, size_t index) {
  const Node &node = r.graph().nodes[index];
  if (node.op != "Conv" || !isActivation(r, node.input(0))) return false;
  const Tensor *w = r.graph().constantOf(node.input(1));
  const Tensor *b = node.hasInput(2) ? r.graph().constantOf(node.input(2)) : nullptr;
  if (!w || w->dtype() != DType::F32 || w->shape().size() < 3 || (node.hasInput(2) && !b)) return false;
  TS_RETURN_IF_ERROR(emitWeighted(r, index, "QConv", *w, b ? interp::toDoubles(*b) : std::vector<double>{}, node.attrs));
  return true;
}

StatusOr<bool> quantizeGemm(PtqRewriter &r, size_t index) {
  const Node &node = r.graph().nodes[index];
  if ((node.op != "Gemm" && node.op != "MatMul") || !isActivation(r, node.input(0))) return false;
  const Tensor *b = r.graph().constantOf(node.input(1));
  const graph::TensorType &x = r.graph().typeOf(node.input(0));
  if (!b || b->dtype() != DType::F32 || b->shape().size() != 2 || !x.ranked || x.rank() < 2) return false;
  if (node.op == "MatMul") {
    TS_RETURN_IF_ERROR(emitWeighted(r, index, "QGemm", transposedWeights(*b, false, 1), {}, {}));
    return true;
  }
  if (node.attrs.getInt("transA", 0) || x.rank() != 2) return false;
  Tensor w = transposedWeights(*b, node.attrs.getInt("transB", 0) != 0, node.attrs.getFloat("alpha", 1));
  std::vector<double> bias;
  if (node.hasInput(2)) {
    const Tensor *c = r.graph().constantOf(node.input(2));
    if (!c || (c->elementCount() != w.shape()[0] && c->elementCount() != 1)) return false;
    std::vector<double> cs = interp::toDoubles(*c);
    for (int64_t m = 0; m < w.shape()[0]; ++m) bias.push_back(node.attrs.getFloat("beta", 1) * cs[cs.size() == 1 ? 0 : m]);
  }
  TS_RETURN_IF_ERROR(emitWeighted(r, index, "QGemm", w, bias, {}));
  return true;
}

StatusOr<bool> quantizeAdd(PtqRewriter &r, size_t index) {
  const Node &node = r.graph().nodes[index];
  if (node.op != "Add" || !isActivation(r, node.input(0)) || !isActivation(r, node.input(1))) return false;
  const graph::TensorType &a = r.graph().typeOf(node.input(0)), &b = r.graph().typeOf(node.input(1));
  if (!a.isStatic() || a.shape != b.shape || a.dtype != DType::F32 || b.dtype != DType::F32) return false;
  auto fused = r.fusedActivation(index);
  std::string result = resultName(r, node, fused);
  TS_ASSIGN_OR_RETURN(float sa, r.scale(node.input(0)));
  TS_ASSIGN_OR_RETURN(float sb, r.scale(node.input(1)));
  TS_ASSIGN_OR_RETURN(float sy, r.scale(result));
  TS_ASSIGN_OR_RETURN(AddOperands ops, addOperandsFromRatios(double(sa) / sy, double(sb) / sy));
  Node qnode;
  qnode.op = "QAdd";
  qnode.name = node.name;
  TS_ASSIGN_OR_RETURN(std::string qa, r.int8(node.input(0)));
  TS_ASSIGN_OR_RETURN(std::string qb, r.int8(node.input(1)));
  qnode.inputs = {qa, qb};
  qnode.attrs.set("mul_a", int64_t(ops.mulA));
  qnode.attrs.set("mul_b", int64_t(ops.mulB));
  setRequant(qnode, {ops.requant.multiplier}, {ops.requant.shift});
  setClip(qnode, fused, sy);
  r.emitInt8(std::move(qnode), result, sy, fused);
  return true;
}

namespace {

/// AveragePool's int8 form sums with zero padding, so it must count the padding.
bool averageFitsInt8(const Node &node) {
  graph::Ints pads = node.attrs.getInts("pads");
  bool padded = std::any_of(pads.begin(), pads.end(), [](int64_t p) { return p != 0; });
  std::string autoPad = node.attrs.getString("auto_pad", "NOTSET");
  return node.attrs.getInt("ceil_mode", 0) == 0 && (autoPad == "NOTSET" || autoPad == "VALID") &&
         (!padded || node.attrs.getInt("count_include_pad", 0) != 0);
}

/// The number of elements each output of an average pool sums.
StatusOr<int64_t> windowSize(PtqRewriter &r, const Node &node) {
  if (node.op == "AveragePool") return shapeElementCount(node.attrs.getInts("kernel_shape"));
  const graph::TensorType &x = r.graph().typeOf(node.input(0));
  if (!x.isStatic() || x.rank() < 3) return int64_t(0);
  return shapeElementCount(Shape(x.shape.begin() + 2, x.shape.end()));
}

} // namespace

StatusOr<bool> quantizePool(PtqRewriter &r, size_t index) {
  const Node &node = r.graph().nodes[index];
  bool average = node.op == "AveragePool" && averageFitsInt8(node);
  if ((!average && node.op != "GlobalAveragePool") || !isActivation(r, node.input(0))) return false;
  TS_ASSIGN_OR_RETURN(int64_t window, windowSize(r, node));
  if (window <= 0) return false;
  auto fused = r.fusedActivation(index);
  std::string result = resultName(r, node, fused);
  TS_ASSIGN_OR_RETURN(float sx, r.scale(node.input(0)));
  TS_ASSIGN_OR_RETURN(float sy, r.scale(result));
  TS_ASSIGN_OR_RETURN(RequantParams requant, requantFromScale(double(sx) / (double(sy) * window)));
  TS_ASSIGN_OR_RETURN(std::string x, r.int8(node.input(0)));
  Node qnode = node;
  qnode.op = average ? "QAveragePool" : "QGlobalAveragePool";
  qnode.inputs = {x};
  qnode.attrs.erase("count_include_pad");
  setRequant(qnode, {requant.multiplier}, {requant.shift});
  setClip(qnode, fused, sy);
  r.emitInt8(std::move(qnode), result, sy, fused);
  return true;
}

StatusOr<bool> quantizePassThrough(PtqRewriter &r, size_t index) {
  const Node &node = r.graph().nodes[index];
  static const std::set<std::string> kOps = {"Relu", "Clip", "MaxPool", "Flatten", "Reshape", "Squeeze", "Unsqueeze"};
  if (!kOps.count(node.op) || !r.hasInt8(node.input(0)) || node.outputs.empty()) return false;
  if (node.outputs.size() > 1 && r.isUsed(node.outputs[1])) return false; // MaxPool's indices
  std::optional<FusedActivation> bounds;
  if (node.op == "Clip" || node.op == "Relu") {
    bounds = FusedActivation{index, node.op == "Relu" ? 0 : -INFINITY, INFINITY};
    for (size_t i : {1, 2}) {
      if (node.op == "Relu" || !node.hasInput(i)) continue;
      const Tensor *bound = r.graph().constantOf(node.input(i));
      if (!bound || bound->elementCount() != 1) return false;
      (i == 1 ? bounds->lo : bounds->hi) = interp::toDoubles(*bound)[0];
    }
  }
  TS_ASSIGN_OR_RETURN(float sx, r.scale(node.input(0)));
  TS_ASSIGN_OR_RETURN(std::string x, r.int8(node.input(0)));
  Node qnode = node;
  qnode.inputs[0] = x;
  if (bounds) {
    qnode = Node{"QClip", node.name, {x}, {}, {}};
    qnode.attrs.set("clip", PtqRewriter::clipBounds(bounds->lo, bounds->hi, sx));
  } else if (node.op == "MaxPool") {
    qnode.op = "QMaxPool";
    qnode.attrs.erase("storage_order");
  }
  r.emitInt8(std::move(qnode), node.outputs[0], sx, std::nullopt);
  return true;
}

/// Concat of int8 values at one scale (shareConcatScales arranges it) is data movement.
StatusOr<bool> quantizeConcat(PtqRewriter &r, size_t index) {
  const Node &node = r.graph().nodes[index];
  if (node.op != "Concat" || node.outputs.size() != 1) return false;
  std::optional<float> shared;
  for (const std::string &input : node.inputs) {
    if (input.empty() || !r.hasInt8(input)) return false;
    TS_ASSIGN_OR_RETURN(float s, r.scale(input));
    if (shared && s != *shared) return false;
    shared = s;
  }
  Node qnode = node;
  for (std::string &input : qnode.inputs) {
    TS_ASSIGN_OR_RETURN(input, r.int8(input));
  }
  r.emitInt8(std::move(qnode), node.outputs[0], *shared, std::nullopt);
  return true;
}

} // namespace tessera::quant::detail
