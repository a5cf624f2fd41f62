//===- interpreter.h - The reference interpreter for the graph IR --------------===//
//
// Runs a graph node by node with the kernels of kernels.h. It is the golden model
// for constant folding, for the tests and for per-layer comparison of back ends: an
// observer sees every node's results as they are computed. Intermediate values are
// released after their last use.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <functional>
#include <map>
#include <string>

#include "compiler/graph/graph.h"

namespace tessera::interp {

using TensorMap = std::map<std::string, Tensor>;

/// Called after each node with the node and its results.
using NodeObserver = std::function<void(const graph::Node &, const std::vector<Tensor> &)>;

/// Evaluates one node on concrete inputs (null for absent optional inputs).
StatusOr<std::vector<Tensor>> evaluateNode(const graph::Node &node, const std::vector<const Tensor *> &inputs);

/// Runs `graph` on `inputs` (one tensor per graph input, checked against its type)
/// and returns the graph outputs by name.
StatusOr<TensorMap> runGraph(const graph::Graph &graph, const TensorMap &inputs,
                             const NodeObserver &observer = nullptr);

} // namespace tessera::interp
