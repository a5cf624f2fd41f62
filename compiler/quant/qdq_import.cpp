//===- qdq_import.cpp - Already-quantized ONNX models to the int8 ops ------------===//
//
// Each pattern is matched at its last node (the QuantizeLinear, or the QLinear op),
// so every value it reads is defined before it; the int8 op replaces that node and
// the pattern's other nodes are erased. DequantizeLinear nodes left without a use
// are removed at the end. See qdq_import.h for what folds exactly and what is left.
//
//===----------------------------------------------------------------------===//
#include "compiler/quant/qdq_import.h"

#include <cmath>
#include <optional>

#include "compiler/interp/kernel_util.h"
#include "compiler/quant/arith/fixed_point.h"

namespace tessera::passes {
namespace {

using graph::Graph;
using graph::Node;

/// A quantized operand: the integer value, its scales and zero points.
struct Quantized {
  std::string value;
  std::vector<double> scales;
  std::vector<int64_t> zeroPoints;
  int64_t axis = 1;
};

/// The weights, bias and scales of a conv or gemm in the int8 op's layout.
struct Weighted {
  std::string op, x, output, name;
  double sx = 1, sy = 1;
  int64_t zx = 0;
  Tensor weights; // int8 [M, ...]
  std::vector<double> sw;
  std::vector<int64_t> bias;
  graph::AttributeMap attrs;
  bool padded = false, relu = false;
};

class QdqFolder {
public:
  QdqFolder(Graph &graph, PassContext &context) : graph_(graph), context_(context) {}
  StatusOr<bool> run();

private:
  const Node *producer(const std::string &name) const;
  std::optional<Quantized> dequantized(const std::string &name) const;
  std::optional<Quantized> constantQuant(const std::string &value, const std::string &scale,
                                         const std::string &zero) const;
  StatusOr<bool> foldQdq(size_t index);
  StatusOr<bool> foldWeighted(size_t index, const Node &core, const Quantized &y, bool relu);
  StatusOr<bool> foldAdd(size_t index, const Node &core, const Quantized &y, bool relu);
  StatusOr<bool> foldQLinear(size_t index);
  StatusOr<bool> emit(size_t index, Weighted w);
  void removeDeadDequantize();

  Graph &graph_;
  PassContext &context_;
  std::unordered_map<std::string, size_t> producers_;
  std::unordered_map<std::string, int> uses_;
  std::vector<bool> erase_;
};

const Node *QdqFolder::producer(const std::string &name) const {
  auto it = producers_.find(name);
  return it == producers_.end() || erase_[it->second] ? nullptr : &graph_.nodes[it->second];
}

std::optional<Quantized> QdqFolder::constantQuant(const std::string &value, const std::string &scale,
                                                  const std::string &zero) const {
  const Tensor *s = graph_.constantOf(scale);
  const Tensor *z = zero.empty() ? nullptr : graph_.constantOf(zero);
  if (!s || (!zero.empty() && !z)) return std::nullopt;
  Quantized q{value, interp::toDoubles(*s), {}, 1};
  q.zeroPoints = z ? interp::toInts(*z) : std::vector<int64_t>(q.scales.size(), 0);
  if (q.zeroPoints.size() != q.scales.size()) return std::nullopt;
  return q;
}

std::optional<Quantized> QdqFolder::dequantized(const std::string &name) const {
  const Node *dq = producer(name);
  if (!dq || dq->op != "DequantizeLinear") return std::nullopt;
  auto q = constantQuant(dq->input(0), dq->input(1), dq->input(2));
  if (q) q->axis = dq->attrs.getInt("axis", 1);
  return q;
}

bool allZero(const std::vector<int64_t> &values) {
  return std::all_of(values.begin(), values.end(), [](int64_t v) { return v == 0; });
}

bool isInt8(const Graph &graph, const std::string &value) { return graph.typeOf(value).dtype == DType::I8; }

/// int32 bias at scale sx * sw[m] from a constant f32 bias, a DequantizeLinear of an
/// int32 constant, or nothing.
std::optional<std::vector<int64_t>> biasOf(const Graph &graph, const std::optional<Quantized> &dq,
                                           const std::string &name, const Weighted &w, int64_t channels) {
  if (name.empty()) return std::vector<int64_t>(channels, 0);
  if (dq) {
    const Tensor *data = graph.constantOf(dq->value);
    if (!data || data->dtype() != DType::I32 || data->elementCount() != channels || !allZero(dq->zeroPoints))
      return std::nullopt;
    return interp::toInts(*data);
  }
  const Tensor *data = graph.constantOf(name);
  if (!data || data->elementCount() != channels) return std::nullopt;
  std::vector<double> values = interp::toDoubles(*data);
  std::vector<int64_t> out(channels);
  for (int64_t m = 0; m < channels; ++m) out[m] = std::llround(values[m] / (w.sx * w.sw[w.sw.size() == 1 ? 0 : m]));
  return out;
}

StatusOr<bool> QdqFolder::foldQdq(size_t index) {
  const Node &q = graph_.nodes[index];
  auto y = constantQuant(q.outputs[0], q.input(1), q.input(2));
  if (!y || q.input(2).empty() || y->scales.size() != 1 || y->zeroPoints[0] != 0 || !isInt8(graph_, q.outputs[0]))
    return false;
  const Node *core = producer(q.input(0));
  bool relu = core && core->op == "Relu" && uses_[q.input(0)] == 1;
  if (relu) core = producer(core->input(0));
  if (!core || core->outputs.size() != 1 || uses_[core->outputs[0]] != 1) return false;
  if (core->op == "Add") return foldAdd(index, *core, *y, relu);
  if (core->op == "Conv" || core->op == "Gemm" || core->op == "MatMul") return foldWeighted(index, *core, *y, relu);
  return false;
}

/// Moves [K, N] weights (scales per column) to the int8 op's [N, K].
Tensor transposed(const Tensor &w) { return interp::transposeTensor(w, {1, 0}); }

StatusOr<bool> QdqFolder::foldWeighted(size_t index, const Node &core, const Quantized &y, bool relu) {
  auto x = dequantized(core.input(0));
  auto wq = dequantized(core.input(1));
  const Tensor *wData = wq ? graph_.constantOf(wq->value) : nullptr;
  if (!x || !wq || !wData || x->scales.size() != 1 || !isInt8(graph_, x->value) || wData->dtype() != DType::I8 ||
      !allZero(wq->zeroPoints))
    return false;
  Weighted w{core.op == "Conv" ? "QConv" : "QGemm", x->value, graph_.nodes[index].outputs[0], core.name,
             x->scales[0], y.scales[0], x->zeroPoints[0], *wData, wq->scales, {}, {}, false, relu};
  int64_t channelAxis = 0;
  if (core.op == "Conv") {
    w.attrs = core.attrs;
    graph::Ints pads = core.attrs.getInts("pads");
    w.padded = std::any_of(pads.begin(), pads.end(), [](int64_t p) { return p != 0; }) ||
               core.attrs.getString("auto_pad", "NOTSET").rfind("SAME", 0) == 0;
  } else {
    bool transB = core.op == "Gemm" && core.attrs.getInt("transB", 0);
    if (wData->shape().size() != 2 || (core.op == "Gemm" && (core.attrs.getInt("transA", 0) ||
                                                             core.attrs.getFloat("alpha", 1) != 1 ||
                                                             core.attrs.getFloat("beta", 1) != 1)))
      return false;
    channelAxis = transB ? 0 : 1;
    if (!transB) w.weights = transposed(*wData);
  }
  int64_t channels = w.weights.shape()[0];
  if (w.sw.size() != 1 && (int64_t(w.sw.size()) != channels || wq->axis != channelAxis)) return false;
  std::string biasName = core.op == "MatMul" ? "" : core.input(2);
  auto bias = biasOf(graph_, biasName.empty() ? std::nullopt : dequantized(biasName), biasName, w, channels);
  if (!bias) return false;
  w.bias = *bias;
  return emit(index, std::move(w));
}

StatusOr<bool> QdqFolder::emit(size_t index, Weighted w) {
  if (w.zx != 0 && w.padded) {
    context_.count("patterns left: input zero point with padding");
    return false;
  }
  int64_t channels = w.weights.shape()[0], per = channels == 0 ? 0 : w.weights.elementCount() / channels;
  const int8_t *values = w.weights.data<int8_t>();
  graph::Ints multipliers, shifts;
  for (int64_t m = 0; m < channels; ++m) {
    int64_t sum = 0;
    for (int64_t i = 0; i < per; ++i) sum += values[m * per + i];
    w.bias[m] -= w.zx * sum; // sum (x - zx) * w = sum x * w - zx * sum w
    TS_ASSIGN_OR_RETURN(quant::RequantParams requant,
                        quant::requantFromScale(w.sx * w.sw[w.sw.size() == 1 ? 0 : m] / w.sy));
    multipliers.push_back(requant.multiplier);
    shifts.push_back(requant.shift);
  }
  Node node{w.op, w.name, {w.x, graph_.addConstant(w.output + "_weights", w.weights),
                           graph_.addConstant(w.output + "_bias", interp::fromInts(DType::I32, {channels}, w.bias))},
            {w.output}, w.attrs};
  node.attrs.set("requant_multiplier", multipliers);
  node.attrs.set("requant_shift", shifts);
  if (w.relu) node.attrs.set("clip", graph::Ints{0, 127});
  graph_.nodes[index] = std::move(node);
  context_.count("folded into " + w.op);
  return true;
}

StatusOr<bool> QdqFolder::foldAdd(size_t index, const Node &core, const Quantized &y, bool relu) {
  auto a = dequantized(core.input(0)), b = dequantized(core.input(1));
  if (!a || !b || a->scales.size() != 1 || b->scales.size() != 1 || a->zeroPoints[0] || b->zeroPoints[0] ||
      !isInt8(graph_, a->value) || !isInt8(graph_, b->value) ||
      graph_.typeOf(a->value).shape != graph_.typeOf(b->value).shape)
    return false;
  TS_ASSIGN_OR_RETURN(quant::AddOperands ops,
                      quant::addOperandsFromRatios(a->scales[0] / y.scales[0], b->scales[0] / y.scales[0]));
  Node node{"QAdd", core.name, {a->value, b->value}, {graph_.nodes[index].outputs[0]}, {}};
  node.attrs.set("mul_a", int64_t(ops.mulA));
  node.attrs.set("mul_b", int64_t(ops.mulB));
  node.attrs.set("requant_multiplier", graph::Ints{ops.requant.multiplier});
  node.attrs.set("requant_shift", graph::Ints{ops.requant.shift});
  if (relu) node.attrs.set("clip", graph::Ints{0, 127});
  graph_.nodes[index] = std::move(node);
  context_.count("folded into QAdd");
  return true;
}

StatusOr<bool> QdqFolder::foldQLinear(size_t index) {
  const Node &node = graph_.nodes[index];
  bool conv = node.op == "QLinearConv";
  auto x = constantQuant(node.input(0), node.input(1), node.input(2));
  auto wq = constantQuant(node.input(3), node.input(4), node.input(5));
  auto y = constantQuant(node.outputs[0], node.input(6), node.input(7));
  const Tensor *wData = graph_.constantOf(node.input(3));
  if (!x || !wq || !y || !wData || wData->dtype() != DType::I8 || !isInt8(graph_, node.input(0)) ||
      !isInt8(graph_, node.outputs[0]) || y->zeroPoints[0] != 0 || !allZero(wq->zeroPoints) || x->scales.size() != 1)
    return false;
  if (!conv && wData->shape().size() != 2) return false;
  Weighted w{conv ? "QConv" : "QGemm", node.input(0), node.outputs[0], node.name, x->scales[0], y->scales[0],
             x->zeroPoints[0], conv ? *wData : transposed(*wData), wq->scales, {}, {}, false, false};
  int64_t channels = w.weights.shape()[0];
  if (w.sw.size() != 1 && int64_t(w.sw.size()) != channels) return false;
  if (conv) {
    w.attrs = node.attrs;
    graph::Ints pads = node.attrs.getInts("pads");
    w.padded = std::any_of(pads.begin(), pads.end(), [](int64_t p) { return p != 0; }) ||
               node.attrs.getString("auto_pad", "NOTSET").rfind("SAME", 0) == 0;
  }
  const Tensor *bias = conv && node.hasInput(8) ? graph_.constantOf(node.input(8)) : nullptr;
  if (conv && node.hasInput(8) && !bias) return false;
  w.bias = bias ? interp::toInts(*bias) : std::vector<int64_t>(channels, 0);
  if (int64_t(w.bias.size()) != channels) return false;
  return emit(index, std::move(w));
}

void QdqFolder::removeDeadDequantize() {
  std::unordered_map<std::string, int> uses = graph_.useCounts();
  for (size_t i = graph_.nodes.size(); i-- > 0;) {
    const Node &node = graph_.nodes[i];
    if (erase_[i] || node.op != "DequantizeLinear" || uses[node.outputs[0]] > 0) continue;
    erase_[i] = true;
    for (const std::string &input : node.inputs) --uses[input];
  }
}

StatusOr<bool> QdqFolder::run() {
  producers_ = graph_.producers();
  uses_ = graph_.useCounts();
  erase_.assign(graph_.nodes.size(), false);
  bool changed = false;
  for (size_t i = 0; i < graph_.nodes.size(); ++i) {
    const std::string op = graph_.nodes[i].op;
    if (op == "QuantizeLinear") {
      const Node *first = producer(graph_.nodes[i].input(0));
      const Node *second = first && first->op == "Relu" ? producer(first->input(0)) : nullptr;
      TS_ASSIGN_OR_RETURN(bool folded, foldQdq(i));
      if (!folded) continue;
      // The Relu (if any) and the core op are now part of the int8 op.
      erase_[producers_.at(first->outputs[0])] = true;
      if (second && graph_.nodes[i].attrs.has("clip")) erase_[producers_.at(second->outputs[0])] = true;
      changed = true;
    } else if (op == "QLinearConv" || op == "QLinearMatMul") {
      TS_ASSIGN_OR_RETURN(bool folded, foldQLinear(i));
      changed |= folded;
    }
  }
  if (!changed) return false;
  graph_.eraseNodes(erase_);
  erase_.assign(graph_.nodes.size(), false);
  removeDeadDequantize();
  graph_.eraseNodes(erase_);
  graph_.pruneUnusedValues();
  return true;
}

} // namespace

StatusOr<bool> runQdqImport(graph::Graph &graph, PassContext &context) {
  QdqFolder folder(graph, context);
  return folder.run();
}

} // namespace tessera::passes
