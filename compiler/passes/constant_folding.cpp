//===- constant_folding.cpp - Evaluate ops whose inputs are constants ----------===//
#include "compiler/passes/constant_folding.h"

#include "compiler/graph/infer_util.h"
#include "compiler/graph/shape_inference.h"
#include "compiler/interp/interpreter.h"
#include "compiler/passes/rewrite.h"

namespace tessera::passes {
namespace {

using graph::Graph;
using graph::Node;

/// Shape and Size only need the input's static type.
std::optional<std::vector<Tensor>> foldFromType(const Graph &graph, const Node &node) {
  if ((node.op != "Shape" && node.op != "Size") || node.input(0).empty()) return std::nullopt;
  const graph::TensorType &type = graph.typeOf(node.inputs[0]);
  if (!type.isStatic()) return std::nullopt;
  if (node.op == "Size") {
    Tensor size(DType::I64, {});
    *size.data<int64_t>() = type.elementCount();
    return std::vector<Tensor>{size};
  }
  int64_t rank = type.rank(), start = node.attrs.getInt("start", 0), end = node.attrs.getInt("end", rank);
  if (start < 0) start += rank;
  if (end < 0) end += rank;
  start = std::clamp<int64_t>(start, 0, rank);
  end = std::clamp<int64_t>(end, start, rank);
  return std::vector<Tensor>{graph::intsToTensor(Shape(type.shape.begin() + start, type.shape.begin() + end))};
}

StatusOr<std::optional<std::vector<Tensor>>> evaluateIfConstant(const Graph &graph, const Node &node) {
  if (auto folded = foldFromType(graph, node)) return folded;
  if (node.op == "Constant") return std::optional<std::vector<Tensor>>();
  std::vector<const Tensor *> inputs;
  for (const std::string &input : node.inputs) {
    const Tensor *constant = input.empty() ? nullptr : graph.constantOf(input);
    if (!input.empty() && !constant) return std::optional<std::vector<Tensor>>();
    inputs.push_back(constant);
  }
  auto results = interp::evaluateNode(node, inputs);
  // An op that cannot run on these constants is left for run time to report.
  if (!results.ok()) return std::optional<std::vector<Tensor>>();
  return std::optional(std::move(*results));
}

/// Turns the node's results into constants; false when one is a graph output.
bool replaceWithConstants(Graph &graph, const Node &node, std::vector<Tensor> results) {
  for (const std::string &output : node.outputs)
    if (graph.isGraphOutput(output)) return false;
  for (size_t i = 0; i < node.outputs.size(); ++i) {
    if (node.outputs[i].empty()) continue;
    graph::Value &value = *graph.findValue(node.outputs[i]);
    value.type = graph::TensorType(results[i].dtype(), results[i].shape());
    value.constant = std::move(results[i]);
  }
  return true;
}

} // namespace

StatusOr<bool> runConstantFolding(graph::Graph &graph, PassContext &context) {
  std::vector<bool> erase(graph.nodes.size(), false);
  bool changed = false;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node &node = graph.nodes[i];
    TS_ASSIGN_OR_RETURN(auto results, evaluateIfConstant(graph, node));
    if (!results) continue;
    int64_t elements = 0;
    for (const Tensor &tensor : *results) elements = std::max(elements, tensor.elementCount());
    if (elements > context.options.maxFoldedElements) continue;
    if (!replaceWithConstants(graph, node, std::move(*results))) continue;
    erase[i] = true;
    context.count(node.op);
    changed = true;
  }
  graph.eraseNodes(erase);
  if (changed) TS_RETURN_IF_ERROR(graph::inferGraphTypes(graph));
  return changed;
}

} // namespace tessera::passes
