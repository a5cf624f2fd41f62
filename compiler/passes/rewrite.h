//===- rewrite.h - Small graph-rewriting helpers shared by the passes ----------===//
#pragma once

#include <optional>

#include "compiler/graph/graph.h"
#include "compiler/graph/op_traits.h"

namespace tessera::passes {

/// Makes the users of `result` use `source` instead (they hold equal values). When
/// `result` is a graph output its name must survive: if `source` is an intermediate
/// value, it is renamed to `result` instead. Returns false when neither works (both
/// are graph inputs/outputs or constants), leaving the graph unchanged. The names
/// are taken by value: callers often pass strings owned by the nodes being renamed.
bool forwardValue(graph::Graph &graph, std::string result, std::string source);

/// Types a new node's results by inference and records them on the graph.
Status typeNewNode(graph::Graph &graph, const graph::Node &node);

/// A node with fresh result names derived from `hint`; results are typed.
StatusOr<graph::Node> makeNode(graph::Graph &graph, const std::string &op, std::vector<std::string> inputs,
                               const std::string &hint, graph::AttributeMap attrs = {}, size_t results = 1);

/// True when `name` is a constant whose every element equals `value`.
bool isSplatConstant(const graph::Graph &graph, const std::string &name, double value);
/// The single element of a constant with one element (any dtype), if it is one.
std::optional<double> scalarConstant(const graph::Graph &graph, const std::string &name);

/// The node defining `value` if that node's only result use is one node (not a graph
/// output); otherwise null.
const graph::Node *singleUseProducer(const graph::Graph &graph, const std::string &value,
                                     const std::unordered_map<std::string, int> &uses,
                                     const std::unordered_map<std::string, size_t> &producers);

/// The elementwise ops the graph passes treat as plain float math (ops.def's FloatMath
/// trait, one input or two).
using graph::isFloatMathBinary;
using graph::isFloatMathUnary;

} // namespace tessera::passes
