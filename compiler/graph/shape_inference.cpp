//===- shape_inference.cpp - Rule lookup and whole-graph inference -------------===//
#include "compiler/graph/shape_inference.h"

#include <unordered_map>

#include "compiler/graph/infer_util.h"
#include "support/checked_math.h"

namespace tessera::graph {
namespace {

const std::unordered_map<std::string_view, InferFn> &ruleTable() {
  static const std::unordered_map<std::string_view, InferFn> table = {
#define TESSERA_OP(name, infer, kernel, traits) {#name, &infer},
#include "compiler/graph/ops.def"
  };
  return table;
}

/// Keeps what the rule inferred, filling its unknowns from the recorded type and
/// keeping a recorded layout or quantization the rule does not model.
TensorType mergeWithRecord(const TensorType &inferred, const std::optional<TensorType> &recorded) {
  if (!recorded) return inferred;
  TensorType merged = refineType(inferred, *recorded);
  if (merged.layout.empty()) merged.layout = recorded->layout;
  if (!merged.quant) merged.quant = recorded->quant;
  return merged;
}

/// Every output a rule inferred is within the tensor limits: no dimension below
/// kUnknownDim, and a static shape has at most kMaxTensorElements elements (checked
/// without wrapping), so a ConstantOfShape of [10^6, 10^6] is an error here, not an
/// allocation later.
Status checkResultSizes(const InferContext &context, const std::vector<TensorType> &types) {
  for (size_t i = 0; i < types.size(); ++i) {
    if (!types[i].ranked) continue;
    const Shape &shape = types[i].shape;
    bool dynamic = false;
    for (int64_t dim : shape) {
      if (dim < kUnknownDim) return context.error("result %d would have a negative dimension (shape %s)", i, shapeToString(shape));
      dynamic |= dim == kUnknownDim;
    }
    if (dynamic) continue;
    auto count = checkedShapeProduct(shape);
    if (!count.ok()) return context.error("result %d (shape %s): %s", i, shapeToString(shape), count.status().message());
  }
  return absl::OkStatus();
}

} // namespace

InferFn findInferRule(std::string_view op) {
  auto it = ruleTable().find(op);
  return it == ruleTable().end() ? nullptr : it->second;
}

bool infersFromRecord(std::string_view op) { return findInferRule(op) == &inferFromRecord; }

const std::vector<std::string> &knownOps() {
  static const std::vector<std::string> ops = {
#define TESSERA_OP(name, infer, kernel, traits) #name,
#include "compiler/graph/ops.def"
  };
  return ops;
}

StatusOr<double> InferContext::scalar(size_t i) const {
  const Tensor *value = constant(i);
  if (!value || value->elementCount() != 1)
    return error("input %d must hold one element, it holds %d", i, value ? value->elementCount() : 0);
  return tensorToDoubles(*value)[0];
}

InferContext makeInferContext(const Graph &graph, const Node &node) {
  InferContext context{node, {}, {}, {}};
  for (const std::string &input : node.inputs) {
    const Value *value = input.empty() ? nullptr : graph.findValue(input);
    context.inputs.push_back(value ? std::optional<TensorType>(value->type) : std::nullopt);
    context.constants.push_back(value && value->constant ? &*value->constant : nullptr);
  }
  for (const std::string &output : node.outputs) {
    const Value *value = output.empty() ? nullptr : graph.findValue(output);
    context.recorded.push_back(value ? std::optional<TensorType>(value->type) : std::nullopt);
  }
  return context;
}

InferResult inferNode(const Graph &graph, const Node &node) {
  InferFn rule = findInferRule(node.op);
  if (!rule) return invalidInput("%s: unknown op '%s'", node.describe(), node.op);
  InferContext context = makeInferContext(graph, node);
  for (size_t i = 0; i < node.inputs.size(); ++i)
    if (!node.inputs[i].empty() && !context.inputs[i])
      return context.error("input %d (%%%s) is not defined", i, node.inputs[i]);
  TS_ASSIGN_OR_RETURN(std::vector<TensorType> types, rule(context));
  TS_RETURN_IF_ERROR(checkResultSizes(context, types));
  if (types.size() < node.outputs.size())
    return context.error("has %d results but the op defines at most %d", node.outputs.size(),
                         types.size());
  types.resize(node.outputs.size());
  for (size_t i = 0; i < types.size(); ++i) types[i] = mergeWithRecord(types[i], context.recorded[i]);
  return types;
}

Status inferGraphTypes(Graph &graph) {
  for (const Node &node : graph.nodes) {
    TS_ASSIGN_OR_RETURN(std::vector<TensorType> types, inferNode(graph, node));
    for (size_t i = 0; i < node.outputs.size(); ++i)
      if (!node.outputs[i].empty()) graph.setValue(node.outputs[i], types[i]);
  }
  return absl::OkStatus();
}

InferResult inferFromRecord(const InferContext &context) {
  std::vector<TensorType> types;
  DType fallback = context.has(0) ? context.in(0).dtype : DType::F32;
  for (const auto &recorded : context.recorded)
    types.push_back(recorded ? *recorded : TensorType::unranked(fallback));
  return types;
}

} // namespace tessera::graph
