//===- verifier.cpp - Structural and type checks of a graph --------------------===//
#include "compiler/graph/verifier.h"

#include <unordered_set>

#include "compiler/graph/shape_inference.h"

namespace tessera::graph {
namespace {

/// Dtype and known dimensions agree (layout and quantization are annotations).
bool shapesAgree(const TensorType &a, const TensorType &b) {
  TensorType plainA(a.dtype, a.shape), plainB(b.dtype, b.shape);
  plainA.ranked = a.ranked;
  plainB.ranked = b.ranked;
  return typesCompatible(plainA, plainB);
}

Status verifyValueRecord(const Value &value) {
  if (value.type.quant) TS_RETURN_IF_ERROR(annotate(verifyQuantParams(*value.type.quant, value.type),
                                                    "value %" + value.name));
  if (!value.constant) return absl::OkStatus();
  const Tensor &data = *value.constant;
  if (data.dtype() != value.type.dtype || data.shape() != value.type.shape)
    return invalidInput("constant %%%s holds %s data but is typed %s", value.name,
                        typeToString(typeOf(data)), typeToString(value.type));
  return absl::OkStatus();
}

Status verifyDefinitions(const Graph &graph, std::unordered_set<std::string> &defined) {
  for (const std::string &input : graph.inputs) {
    const Value *value = graph.findValue(input);
    if (!value) return invalidInput("graph input %%%s has no type", input);
    if (value->constant) return invalidInput("graph input %%%s is also a constant", input);
    if (!defined.insert(input).second) return invalidInput("graph input %%%s is declared twice", input);
  }
  for (const auto &[name, value] : graph.values()) {
    TS_RETURN_IF_ERROR(verifyValueRecord(value));
    if (value.constant) defined.insert(name);
  }
  return absl::OkStatus();
}

Status verifyNode(const Graph &graph, const Node &node, std::unordered_set<std::string> &defined) {
  for (size_t i = 0; i < node.inputs.size(); ++i) {
    const std::string &input = node.inputs[i];
    if (input.empty() || defined.count(input)) continue;
    bool later = graph.producers().count(input) != 0;
    return invalidInput("%s: input %d (%%%s) is %s", node.describe(), i, input,
                        later ? "used before its definition (the graph has a cycle or is not "
                                "in topological order)"
                              : "not defined");
  }
  TS_ASSIGN_OR_RETURN(std::vector<TensorType> inferred, inferNode(graph, node));
  for (size_t i = 0; i < node.outputs.size(); ++i) {
    const std::string &output = node.outputs[i];
    if (output.empty()) continue;
    if (!defined.insert(output).second)
      return invalidInput("%s: result %%%s is already defined", node.describe(), output);
    const Value *value = graph.findValue(output);
    if (!value) return invalidInput("%s: result %%%s has no type", node.describe(), output);
    if (!shapesAgree(value->type, inferred[i]))
      return invalidInput("%s: result %%%s is typed %s but the op produces %s", node.describe(),
                          output, typeToString(value->type), typeToString(inferred[i]));
  }
  return absl::OkStatus();
}

} // namespace

Status verifyGraph(const Graph &graph) {
  std::unordered_set<std::string> defined;
  TS_RETURN_IF_ERROR(verifyDefinitions(graph, defined));
  for (const Node &node : graph.nodes) TS_RETURN_IF_ERROR(verifyNode(graph, node, defined));
  if (graph.outputs.empty()) return invalidInput("graph @%s has no outputs", graph.name);
  for (const std::string &output : graph.outputs)
    if (!defined.count(output)) return invalidInput("graph output %%%s is not defined", output);
  return absl::OkStatus();
}

} // namespace tessera::graph
