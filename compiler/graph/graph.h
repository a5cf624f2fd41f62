//===- graph.h - The graph IR: values, nodes, graphs ---------------------------===//
//
// A dataflow graph in static single assignment form. Values are named tensors (graph
// inputs, constants holding data, or node results); nodes apply an op (ONNX's op
// names and attribute conventions) to input values and define output values. Nodes
// are kept in a topological order, which the verifier checks; optional inputs that
// are absent are written as the empty name. Passes refer to values by name, so a
// rewrite is "define a new value, replace the uses of the old one, let DCE clean up".
//
//===----------------------------------------------------------------------===//
#pragma once

#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "compiler/graph/attribute.h"
#include "compiler/graph/tensor_type.h"

namespace tessera::graph {

/// A named tensor value; `constant` holds the data of constants.
struct Value {
  std::string name;
  TensorType type;
  std::optional<Tensor> constant;
};

/// One op application.
struct Node {
  std::string op;
  /// Optional label (the ONNX node name), kept for messages and per-layer reports.
  std::string name;
  /// Input value names; "" marks an absent optional input.
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
  AttributeMap attrs;

  /// The i-th input name, or "" when absent or out of range.
  const std::string &input(size_t i) const;
  bool hasInput(size_t i) const { return !input(i).empty(); }
  /// "Conv 'conv1'" or "Conv defining %y" for messages.
  std::string describe() const;
};

class Graph {
public:
  std::string name = "main";
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
  /// Nodes in topological order.
  std::vector<Node> nodes;

  /// The value named `name`, or null.
  Value *findValue(const std::string &name);
  const Value *findValue(const std::string &name) const;
  /// The type of a value that must exist (an internal invariant).
  const TensorType &typeOf(const std::string &name) const;
  /// The constant data of `name`, or null when it is not a constant.
  const Tensor *constantOf(const std::string &name) const;

  /// Adds or replaces a value's record.
  Value &setValue(const std::string &name, TensorType type);
  /// Adds a constant with a fresh name derived from `hint`; returns the name.
  std::string addConstant(const std::string &hint, Tensor data);
  void eraseValue(const std::string &name) { values_.erase(name); }
  const std::unordered_map<std::string, Value> &values() const { return values_; }

  /// A name not used by any value, derived from `hint`.
  std::string uniqueName(const std::string &hint) const;

  /// Rewrites every use of `from` (node inputs and graph outputs) to `to`.
  void replaceAllUses(const std::string &from, const std::string &to);
  /// Number of uses of each value by nodes and graph outputs.
  std::unordered_map<std::string, int> useCounts() const;
  /// Index in `nodes` of each node-defined value's producer.
  std::unordered_map<std::string, size_t> producers() const;
  bool isGraphOutput(const std::string &name) const;

  /// Removes the nodes whose flag is set, keeping the order of the others.
  void eraseNodes(const std::vector<bool> &erase);
  /// Removes values no node, input or output mentions.
  void pruneUnusedValues();

private:
  std::unordered_map<std::string, Value> values_;
};

} // namespace tessera::graph
