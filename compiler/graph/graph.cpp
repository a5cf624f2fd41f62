//===- graph.cpp - The graph IR: values, nodes, graphs -------------------------===//
#include "compiler/graph/graph.h"

#include <algorithm>
#include <cassert>
#include <unordered_set>

namespace tessera::graph {

const std::string &Node::input(size_t i) const {
  static const std::string kEmpty;
  return i < inputs.size() ? inputs[i] : kEmpty;
}

std::string Node::describe() const {
  if (!name.empty()) return absl::StrCat(op, " '", name, "'");
  if (!outputs.empty()) return absl::StrCat(op, " defining %", outputs[0]);
  return op;
}

Value *Graph::findValue(const std::string &name) {
  auto it = values_.find(name);
  return it == values_.end() ? nullptr : &it->second;
}

const Value *Graph::findValue(const std::string &name) const {
  auto it = values_.find(name);
  return it == values_.end() ? nullptr : &it->second;
}

const TensorType &Graph::typeOf(const std::string &name) const {
  const Value *value = findValue(name);
  assert(value && "typeOf: unknown value");
  return value->type;
}

const Tensor *Graph::constantOf(const std::string &name) const {
  const Value *value = findValue(name);
  return value && value->constant ? &*value->constant : nullptr;
}

Value &Graph::setValue(const std::string &name, TensorType type) {
  Value &value = values_[name];
  value.name = name;
  value.type = std::move(type);
  return value;
}

std::string Graph::addConstant(const std::string &hint, Tensor data) {
  std::string name = uniqueName(hint);
  Value &value = setValue(name, graph::typeOf(data));
  value.constant = std::move(data);
  return name;
}

std::string Graph::uniqueName(const std::string &hint) const {
  if (!hint.empty() && !values_.count(hint)) return hint;
  std::string base = hint.empty() ? "v" : hint;
  for (int suffix = 1;; ++suffix) {
    std::string candidate = absl::StrCat(base, "_", suffix);
    if (!values_.count(candidate)) return candidate;
  }
}

void Graph::replaceAllUses(const std::string &from, const std::string &to) {
  for (Node &node : nodes)
    for (std::string &input : node.inputs)
      if (input == from) input = to;
  for (std::string &output : outputs)
    if (output == from) output = to;
}

std::unordered_map<std::string, int> Graph::useCounts() const {
  std::unordered_map<std::string, int> counts;
  for (const Node &node : nodes)
    for (const std::string &input : node.inputs)
      if (!input.empty()) ++counts[input];
  for (const std::string &output : outputs) ++counts[output];
  return counts;
}

std::unordered_map<std::string, size_t> Graph::producers() const {
  std::unordered_map<std::string, size_t> result;
  for (size_t i = 0; i < nodes.size(); ++i)
    for (const std::string &output : nodes[i].outputs)
      if (!output.empty()) result[output] = i;
  return result;
}

bool Graph::isGraphOutput(const std::string &name) const {
  return std::find(outputs.begin(), outputs.end(), name) != outputs.end();
}

void Graph::eraseNodes(const std::vector<bool> &erase) {
  assert(erase.size() == nodes.size());
  std::vector<Node> kept;
  kept.reserve(nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i)
    if (!erase[i]) kept.push_back(std::move(nodes[i]));
  nodes = std::move(kept);
}

void Graph::pruneUnusedValues() {
  std::unordered_set<std::string> mentioned(inputs.begin(), inputs.end());
  mentioned.insert(outputs.begin(), outputs.end());
  for (const Node &node : nodes) {
    mentioned.insert(node.inputs.begin(), node.inputs.end());
    mentioned.insert(node.outputs.begin(), node.outputs.end());
  }
  for (auto it = values_.begin(); it != values_.end();) {
    if (mentioned.count(it->first)) ++it;
    else it = values_.erase(it);
  }
}

} // namespace tessera::graph
