//===- shape_inference.h - Per-op shape and type inference ---------------------===//
//
// Each op in ops.def names an inference rule computing its result types from its
// input types, its attributes and the data of constant inputs (Reshape's target
// shape, Slice's bounds, ...). Dimensions that depend on runtime data come out as
// unknown (`?`). One rule, inferFromRecord, used only by Einsum, keeps the types
// recorded on the graph (by ONNX's shape inference at import).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <optional>
#include <vector>

#include "compiler/graph/graph.h"

namespace tessera::graph {

/// What an inference rule sees of one node.
struct InferContext {
  const Node &node;
  /// Input types; nullopt for absent optional inputs.
  std::vector<std::optional<TensorType>> inputs;
  /// Constant data of inputs where known.
  std::vector<const Tensor *> constants;
  /// The result types already recorded on the graph (may be unranked or missing).
  std::vector<std::optional<TensorType>> recorded;

  bool has(size_t i) const { return i < inputs.size() && inputs[i].has_value(); }
  const TensorType &in(size_t i) const { return *inputs[i]; }
  const Tensor *constant(size_t i) const { return i < constants.size() ? constants[i] : nullptr; }
  /// The one element of constant input `i` (a scalar or a one-element tensor, as ONNX's
  /// depth, k, start/limit/delta and size operands are); an error for another count.
  StatusOr<double> scalar(size_t i) const;
  /// An error naming the node: "Conv 'conv1': <message>".
  template <typename... Args>
  Status error(const absl::FormatSpec<Args...> &format, const Args &...args) const {
    return invalidInput("%s: %s", node.describe(), absl::StrFormat(format, args...));
  }
};

using InferResult = StatusOr<std::vector<TensorType>>;
using InferFn = InferResult (*)(const InferContext &);

/// The op's inference rule, or null when the op is unknown.
InferFn findInferRule(std::string_view op);
/// True for ops whose rule only trusts recorded types.
bool infersFromRecord(std::string_view op);
/// Every op name in ops.def.
const std::vector<std::string> &knownOps();

/// Builds the context for `node` from the graph's value records.
InferContext makeInferContext(const Graph &graph, const Node &node);
/// Runs the node's rule; errors name the node.
InferResult inferNode(const Graph &graph, const Node &node);
/// Infers every node in order and stores the (refined) result types on the graph.
Status inferGraphTypes(Graph &graph);

#define TESSERA_OP(name, infer, kernel, traits) InferResult infer(const InferContext &context);
#include "compiler/graph/ops.def"

} // namespace tessera::graph
