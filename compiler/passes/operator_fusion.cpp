//===- operator_fusion.cpp - Group ops into the units the back ends lower ------===//
//
// Algorithm: repeat { find the first anchor whose chain of single-use consumers
// matches; replace the chain's last node by the fused node; mark the rest dead }.
// The fused node sits where the chain ended, so every input (including a residual
// computed between the anchor and the Add) is defined before it.
//
//===----------------------------------------------------------------------===//
#include "compiler/passes/operator_fusion.h"

#include <set>

#include "compiler/graph/dtype_dispatch.h"
#include "compiler/interp/kernel_util.h"
#include "compiler/passes/rewrite.h"

namespace tessera::passes {
namespace {

using graph::Graph;
using graph::Node;

/// Live consumers of each value (dead nodes skipped).
std::unordered_map<std::string, std::vector<size_t>> consumersOf(const Graph &graph, const std::vector<bool> &dead) {
  std::unordered_map<std::string, std::vector<size_t>> consumers;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    if (dead[i]) continue;
    for (const std::string &input : graph.nodes[i].inputs)
      if (!input.empty()) consumers[input].push_back(i);
  }
  return consumers;
}

/// The single consumer of `value`, unless it is also a graph output.
std::optional<size_t> soleConsumer(const Graph &graph, const std::string &value,
                                   const std::unordered_map<std::string, std::vector<size_t>> &consumers) {
  auto it = consumers.find(value);
  if (graph.isGraphOutput(value) || it == consumers.end() || it->second.size() != 1) return std::nullopt;
  return it->second[0];
}

/// The activation's parameters as `activation_*` attributes, or nullopt if the node
/// is not a fusable activation.
std::optional<graph::AttributeMap> activationAttributes(const Graph &graph, const Node &node) {
  static const std::set<std::string> kSimple = {"Relu", "Sigmoid", "Tanh", "HardSwish", "LeakyRelu", "HardSigmoid"};
  graph::AttributeMap attrs;
  if (kSimple.count(node.op)) {
    for (const auto &[name, value] : node.attrs.all()) attrs.set("activation_" + name, value);
  } else if (node.op == "Clip") {
    for (size_t i = 1; i < node.inputs.size(); ++i) {
      if (node.inputs[i].empty()) continue;
      std::optional<double> bound = scalarConstant(graph, node.inputs[i]);
      if (!bound) return std::nullopt;
      attrs.set(i == 1 ? "activation_min" : "activation_max", static_cast<float>(*bound));
    }
    for (const auto &[name, value] : node.attrs.all()) attrs.set("activation_" + name, value);
  } else {
    return std::nullopt;
  }
  attrs.set("activation", node.op);
  return attrs;
}

/// A constant usable as a per-output-channel bias of `anchor`'s result: for Conv
/// [C,1,..,1] or [1,C,1,..,1]; for MatMul [N] or [1,..,1,N].
std::optional<std::vector<float>> channelBias(const Graph &graph, const Node &anchor, const std::string &value,
                                              const graph::TensorType &resultType) {
  const Tensor *bias = graph.constantOf(value);
  if (!bias || bias->dtype() != DType::F32 || !resultType.isStatic() || resultType.rank() < 2) return std::nullopt;
  const Shape &shape = bias->shape();
  int64_t rank = resultType.rank(), channels = anchor.op == "Conv" ? resultType.shape[1] : resultType.shape.back();
  if (bias->elementCount() != channels) return std::nullopt;
  if (anchor.op == "Conv") {
    bool aligned = (int64_t(shape.size()) == rank - 1 && shape[0] == channels) ||
                   (int64_t(shape.size()) == rank && shape[0] == 1 && shape[1] == channels);
    if (!aligned) return std::nullopt;
  } else if (shape.empty() || shape.back() != channels || int64_t(shape.size()) > rank) {
    return std::nullopt;
  }
  return interp::toFloats(*bias);
}

/// What follows an anchor.
struct AnchorMatch {
  std::vector<size_t> chain; // nodes after the anchor, in order
  std::optional<std::vector<float>> extraBias;
  std::string residual;
  graph::AttributeMap activation;
};

AnchorMatch matchAnchorChain(const Graph &graph, const Node &anchor,
                             const std::unordered_map<std::string, std::vector<size_t>> &consumers) {
  AnchorMatch match;
  std::string current = anchor.outputs[0];
  const graph::TensorType type = graph.typeOf(current);
  while (auto next = soleConsumer(graph, current, consumers)) {
    const Node &node = graph.nodes[*next];
    if (node.outputs.size() != 1 || graph.typeOf(node.outputs[0]) != type) break;
    if (node.op == "Add" && node.inputs.size() == 2) {
      const std::string &other = node.inputs[0] == current ? node.inputs[1] : node.inputs[0];
      if (other == current) break;
      auto bias = anchor.op != "Gemm" && match.residual.empty() && !match.extraBias ? channelBias(graph, anchor, other, type)
                                                                                  : std::nullopt;
      if (bias) match.extraBias = bias;
      else if (match.residual.empty() && graph.typeOf(other) == type) match.residual = other;
      else break;
    } else if (auto activation = activationAttributes(graph, node)) {
      match.activation = *activation;
      match.chain.push_back(*next);
      break;
    } else {
      break;
    }
    match.chain.push_back(*next);
    current = node.outputs[0];
  }
  return match;
}

/// The anchor's own bias plus any folded Add bias, as one constant (or "").
std::string combinedBias(Graph &graph, const Node &anchor, const AnchorMatch &match) {
  size_t biasIndex = 2;
  std::string existing = anchor.input(biasIndex);
  if (!match.extraBias) return existing;
  std::vector<float> bias = *match.extraBias;
  if (!existing.empty()) {
    const Tensor *old = graph.constantOf(existing);
    if (!old) return "";
    std::vector<float> values = interp::toFloats(*old);
    for (size_t c = 0; c < bias.size(); ++c) bias[c] += values.size() == 1 ? values[0] : values[c];
  }
  return graph.addConstant(anchor.outputs[0] + "_bias", interp::fromFloats(DType::F32, {int64_t(bias.size())}, bias));
}

bool fuseAnchor(Graph &graph, size_t index, std::vector<bool> &dead,
                const std::unordered_map<std::string, std::vector<size_t>> &consumers, PassContext &context) {
  const Node anchor = graph.nodes[index];
  if (anchor.outputs.size() != 1 || !graph::isFloatType(graph.typeOf(anchor.outputs[0]).dtype)) return false;
  AnchorMatch match = matchAnchorChain(graph, anchor, consumers);
  if (match.chain.empty()) return false;
  if (match.extraBias && anchor.hasInput(2) && !graph.constantOf(anchor.input(2))) return false;
  std::string bias = combinedBias(graph, anchor, match);
  Node fused{"Fused" + anchor.op, anchor.name, anchor.inputs, graph.nodes[match.chain.back()].outputs, anchor.attrs};
  fused.inputs.resize(4);
  fused.inputs[2] = bias;
  fused.inputs[3] = match.residual;
  while (!fused.inputs.empty() && fused.inputs.back().empty()) fused.inputs.pop_back();
  for (const auto &[name, value] : match.activation.all()) fused.attrs.set(name, value);
  graph.nodes[match.chain.back()] = fused;
  dead[index] = true;
  for (size_t k = 0; k + 1 < match.chain.size(); ++k) dead[match.chain[k]] = true;
  context.count("fused-" + anchor.op);
  if (!match.residual.empty()) context.count("residual-adds");
  if (match.activation.has("activation")) context.count("activations");
  return true;
}

bool isFusableElementwise(const Graph &graph, const Node &node) {
  if (node.outputs.size() != 1 || node.inputs.empty() || node.input(0).empty()) return false;
  if (!graph::isFloatType(graph.typeOf(node.outputs[0]).dtype) || !graph.typeOf(node.outputs[0]).isStatic()) return false;
  if (node.op == "Clip") return activationAttributes(graph, node).has_value();
  if (isUnaryElementwise(node.op)) return node.inputs.size() == 1;
  return isBinaryElementwise(node.op) && node.inputs.size() == 2 && !node.input(1).empty();
}

/// Appends `node` as a step of the chain whose value so far is `current`.
void appendStep(const Graph &graph, Node &fused, const Node &node, const std::string &current) {
  size_t step = fused.attrs.getStrings("ops").size();
  graph::Strings ops = fused.attrs.getStrings("ops");
  graph::Ints operands = fused.attrs.getInts("operands");
  ops.push_back(node.op);
  int64_t operand = -1;
  if (isBinaryElementwise(node.op)) {
    bool swap = node.inputs[1] == current && node.inputs[0] != current;
    fused.inputs.push_back(swap ? node.inputs[0] : node.inputs[1]);
    operand = fused.inputs.size() - 1;
    if (swap) fused.attrs.set(absl::StrCat("s", step, "_swap"), int64_t{1});
  }
  operands.push_back(operand);
  for (const auto &[name, value] : node.attrs.all()) fused.attrs.set(absl::StrCat("s", step, "_", name), value);
  if (node.op == "Clip") {
    graph::AttributeMap bounds = *activationAttributes(graph, node);
    for (const auto &[name, value] : bounds.all())
      if (name.rfind("activation_", 0) == 0) fused.attrs.set(absl::StrCat("s", step, "_", name.substr(11)), value);
  }
  fused.attrs.set("ops", ops);
  fused.attrs.set("operands", operands);
}

bool fuseElementwiseChain(Graph &graph, size_t index, std::vector<bool> &dead,
                          const std::unordered_map<std::string, std::vector<size_t>> &consumers, PassContext &context) {
  const Node first = graph.nodes[index];
  std::vector<size_t> chain = {index};
  std::string current = first.outputs[0];
  while (auto next = soleConsumer(graph, current, consumers)) {
    const Node &node = graph.nodes[*next];
    bool continues = isFusableElementwise(graph, node) && (node.inputs[0] == current || node.input(1) == current) &&
                     !(node.inputs.size() == 2 && node.inputs[0] == node.inputs[1]);
    if (!continues || graph.typeOf(node.outputs[0]).shape != graph.typeOf(current).shape) break;
    chain.push_back(*next);
    current = node.outputs[0];
  }
  if (chain.size() < 2) return false;
  Node fused{"FusedElementwise", first.name, {first.inputs[0]}, graph.nodes[chain.back()].outputs, {}};
  std::string value = first.inputs[0];
  for (size_t k = 0; k < chain.size(); ++k) {
    const Node &node = graph.nodes[chain[k]];
    // The first step's chain value is its first input by construction.
    appendStep(graph, fused, node, k == 0 ? node.inputs[0] : value);
    value = node.outputs[0];
  }
  graph.nodes[chain.back()] = fused;
  for (size_t k = 0; k + 1 < chain.size(); ++k) dead[chain[k]] = true;
  context.count("elementwise-chains");
  context.count("elementwise-ops-fused", chain.size());
  return true;
}

} // namespace

StatusOr<bool> runOperatorFusion(graph::Graph &graph, PassContext &context) {
  std::vector<bool> dead(graph.nodes.size(), false);
  bool changed = false;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const std::string &op = graph.nodes[i].op;
    if (dead[i] || (op != "Conv" && op != "Gemm" && op != "MatMul")) continue;
    changed |= fuseAnchor(graph, i, dead, consumersOf(graph, dead), context);
  }
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    if (dead[i] || !isFusableElementwise(graph, graph.nodes[i])) continue;
    changed |= fuseElementwiseChain(graph, i, dead, consumersOf(graph, dead), context);
  }
  graph.eraseNodes(dead);
  graph.pruneUnusedValues();
  return changed;
}

} // namespace tessera::passes
