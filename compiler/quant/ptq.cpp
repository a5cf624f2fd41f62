//===- ptq.cpp - Post-training quantization: the rewrite driver -----------------===//
#include "compiler/quant/ptq.h"

#include <cmath>

#include "compiler/graph/verifier.h"
#include "compiler/interp/kernel_util.h"
#include "compiler/quant/ptq_rewriter.h"

namespace tessera::quant {

std::string QuantizeReport::summary() const {
  auto list = [](const std::map<std::string, int> &ops) {
    std::vector<std::string> parts;
    for (const auto &[op, count] : ops) parts.push_back(absl::StrFormat("%s x%d", op, count));
    return parts.empty() ? std::string("none") : joinStrings(parts, ", ");
  };
  return strCat("int8: ", list(quantized), "\nfp32: ", list(leftFloat), "\nQuantizeLinear inserted: ",
                quantizeNodes, ", DequantizeLinear inserted: ", dequantizeNodes, "\n");
}

namespace detail {

PtqRewriter::PtqRewriter(graph::Graph &graph, const CalibrationTable &table, const QuantizeOptions &options)
    : graph_(graph), table_(table), options_(options) {
  uses_ = graph_.useCounts();
  for (size_t i = 0; i < graph_.nodes.size(); ++i)
    for (const std::string &input : graph_.nodes[i].inputs)
      if (!input.empty()) consumers_[input].push_back(i);
  floatDefined_.insert(graph_.inputs.begin(), graph_.inputs.end());
}

StatusOr<float> PtqRewriter::scale(const std::string &name) {
  if (auto it = scales_.find(name); it != scales_.end()) return it->second;
  auto stats = table_.find(name);
  if (stats == table_.end()) return invalidInput("no calibration statistics for %%%s", name);
  double threshold = stats->second.threshold(options_.method, options_.percentile);
  // An all-zero tensor still needs a positive scale; any will do.
  float value = threshold > 0 && std::isfinite(threshold) ? float(threshold / 127) : 1.f;
  scales_[name] = value;
  return value;
}

std::string PtqRewriter::scalarConstant(const std::string &hint, float value, DType dtype) {
  Tensor tensor(dtype, {});
  if (dtype == DType::F32) *tensor.data<float>() = value;
  else *tensor.data<int8_t>() = int8_t(value);
  return graph_.addConstant(hint, std::move(tensor));
}

StatusOr<std::string> PtqRewriter::int8(const std::string &name) {
  if (auto it = int8Of_.find(name); it != int8Of_.end()) return it->second;
  TS_ASSIGN_OR_RETURN(float s, scale(name));
  graph::Node node;
  node.op = "QuantizeLinear";
  node.inputs = {name, scalarConstant(name + "_scale", s, DType::F32), scalarConstant(name + "_zero", 0, DType::I8)};
  std::string result = graph_.uniqueName(name + "_i8");
  graph::TensorType type = graph_.typeOf(name);
  type.dtype = DType::I8;
  type.quant = graph::QuantParams{{s}, {0}, std::nullopt};
  graph_.setValue(result, type);
  node.outputs = {result};
  out_.push_back(std::move(node));
  int8Of_[name] = result;
  ++report_.quantizeNodes;
  return result;
}

Status PtqRewriter::requireFloat(const std::string &name) {
  if (name.empty() || floatDefined_.count(name) || graph_.constantOf(name)) return absl::OkStatus();
  auto twin = int8Of_.find(name);
  if (twin == int8Of_.end()) return invalidInput("%%%s is used before it is defined", name);
  graph::Node node;
  node.op = "DequantizeLinear";
  node.inputs = {twin->second, scalarConstant(name + "_scale", scales_.at(name), DType::F32),
                 scalarConstant(name + "_zero", 0, DType::I8)};
  node.outputs = {name};
  out_.push_back(std::move(node));
  floatDefined_.insert(name);
  ++report_.dequantizeNodes;
  return absl::OkStatus();
}

void PtqRewriter::emitFloat(const graph::Node &node) {
  out_.push_back(node);
  floatDefined_.insert(node.outputs.begin(), node.outputs.end());
  ++report_.leftFloat[node.op];
}

void PtqRewriter::emitInt8(graph::Node node, const std::string &floatName, float scale,
                           const std::optional<FusedActivation> &fused) {
  std::string result = graph_.uniqueName(floatName + "_i8");
  graph::TensorType type = graph_.typeOf(floatName);
  type.dtype = DType::I8;
  type.quant = graph::QuantParams{{scale}, {0}, std::nullopt};
  graph_.setValue(result, type);
  node.outputs = {result};
  out_.push_back(std::move(node));
  int8Of_[floatName] = result;
  scales_[floatName] = scale;
  if (!fused) return;
  absorbed_.insert(fused->node);
  ++report_.quantized[graph_.nodes[fused->node].op];
}

bool PtqRewriter::isUsed(const std::string &name) const {
  auto it = uses_.find(name);
  return !name.empty() && it != uses_.end() && it->second > 0;
}

void PtqRewriter::absorb(size_t node) {
  absorbed_.insert(node);
  ++report_.quantized[graph_.nodes[node].op];
}

std::optional<size_t> PtqRewriter::onlyConsumer(const std::string &value) const {
  auto consumers = consumers_.find(value);
  auto uses = uses_.find(value);
  if (graph_.isGraphOutput(value) || uses == uses_.end() || uses->second != 1 || consumers == consumers_.end())
    return std::nullopt;
  return consumers->second[0];
}

std::optional<FusedActivation> PtqRewriter::fusedActivation(size_t index) const {
  const graph::Node &node = graph_.nodes[index];
  if (node.outputs.size() != 1) return std::nullopt;
  const std::string &output = node.outputs[0];
  auto consumers = consumers_.find(output);
  if (graph_.isGraphOutput(output) || uses_.at(output) != 1 || consumers == consumers_.end()) return std::nullopt;
  size_t next = consumers->second[0];
  const graph::Node &activation = graph_.nodes[next];
  if (activation.op == "Relu") return FusedActivation{next, 0, INFINITY};
  if (activation.op != "Clip" || activation.input(0) != output) return std::nullopt;
  FusedActivation fused{next, -INFINITY, INFINITY};
  for (size_t i : {1, 2}) {
    if (!activation.hasInput(i)) continue;
    const Tensor *bound = graph_.constantOf(activation.input(i));
    if (!bound || bound->elementCount() != 1) return std::nullopt;
    (i == 1 ? fused.lo : fused.hi) = interp::toDoubles(*bound)[0];
  }
  return fused;
}

graph::Ints PtqRewriter::clipBounds(double lo, double hi, float scale) {
  auto bound = [&](double real) { return std::isfinite(real) ? std::clamp<double>(std::round(real / scale), -128, 127) : (real < 0 ? -128 : 127); };
  return {int64_t(bound(lo)), int64_t(bound(hi))};
}

Status PtqRewriter::shareConcatScales() {
  for (const graph::Node &node : graph_.nodes) {
    if (node.op != "Concat" || !table_.count(node.outputs[0])) continue;
    TS_ASSIGN_OR_RETURN(float shared, scale(node.outputs[0]));
    for (const std::string &input : node.inputs)
      if (!input.empty() && !graph_.constantOf(input) && table_.count(input)) scales_.try_emplace(input, shared);
  }
  return absl::OkStatus();
}

StatusOr<bool> PtqRewriter::tryQuantize(size_t index) {
  // quantizeLut before quantizeMul: SiLU's Sigmoid absorbs the Mul after it into one table.
  for (auto quantizer : {quantizeConv, quantizeGemm, quantizeActivationMatMul, quantizeAdd, quantizeLut, quantizeMul,
                         quantizePool, quantizePassThrough, quantizeConcat}) {
    TS_ASSIGN_OR_RETURN(bool done, quantizer(*this, index));
    if (done) return true;
  }
  return false;
}

StatusOr<QuantizeReport> PtqRewriter::run() {
  TS_RETURN_IF_ERROR(shareConcatScales());
  for (size_t i = 0; i < graph_.nodes.size(); ++i) {
    if (absorbed_.count(i)) continue;
    const graph::Node &node = graph_.nodes[i];
    TS_ASSIGN_OR_RETURN(bool quantized, tryQuantize(i));
    if (quantized) {
      ++report_.quantized[node.op];
      continue;
    }
    for (const std::string &input : node.inputs) TS_RETURN_IF_ERROR(requireFloat(input));
    emitFloat(node);
  }
  for (const std::string &output : graph_.outputs) TS_RETURN_IF_ERROR(requireFloat(output));
  graph_.nodes = std::move(out_);
  graph_.pruneUnusedValues();
  TS_RETURN_IF_ERROR(annotate(graph::verifyGraph(graph_), "quantized graph"));
  return report_;
}

} // namespace detail

StatusOr<QuantizeReport> quantizeGraph(graph::Graph &graph, const CalibrationTable &table,
                                       const QuantizeOptions &options) {
  detail::PtqRewriter rewriter(graph, table, options);
  return rewriter.run();
}

} // namespace tessera::quant
