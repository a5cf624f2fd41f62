//===- cse.cpp - Common subexpression elimination --------------------------------===//
#include "compiler/passes/cse.h"

#include <absl/strings/str_join.h>

#include <algorithm>
#include <unordered_map>

#include "compiler/graph/printer.h"
#include "compiler/passes/rewrite.h"
#include "support/hash.h"

namespace tessera::passes {
namespace {

/// Ops whose results are not a function of their inputs alone.
bool isNondeterministic(const std::string &op) {
  return op == "RandomNormal" || op == "RandomUniform" || op == "RandomNormalLike" || op == "RandomUniformLike" ||
         op == "Bernoulli" || op == "Multinomial";
}

std::string nodeKey(const graph::Node &node) {
  std::vector<std::string> attrs;
  for (const auto &[name, value] : node.attrs.all()) attrs.push_back(name + "=" + graph::printAttribute(value));
  return absl::StrCat(node.op, "(", absl::StrJoin(node.inputs, ","), "){", absl::StrJoin(attrs, ","), "}#",
                      node.outputs.size());
}

int64_t mergeConstants(graph::Graph &graph) {
  std::vector<std::string> names;
  for (const auto &[name, value] : graph.values())
    if (value.constant) names.push_back(name);
  std::sort(names.begin(), names.end());
  std::unordered_map<uint64_t, std::vector<std::string>> byHash;
  int64_t merged = 0;
  for (const std::string &name : names) {
    const graph::Value *value = graph.findValue(name);
    const Tensor &data = *value->constant;
    std::string_view bytes(reinterpret_cast<const char *>(data.bytes()), data.byteSize());
    uint64_t hash = fnv1a64(bytes) ^ fnv1a64(graph::typeToString(value->type));
    std::vector<std::string> &bucket = byHash[hash];
    auto same = std::find_if(bucket.begin(), bucket.end(), [&](const std::string &other) {
      const graph::Value *o = graph.findValue(other);
      return o->type == value->type && *o->constant == data;
    });
    if (same == bucket.end()) {
      bucket.push_back(name);
      continue;
    }
    if (forwardValue(graph, name, *same)) ++merged;
  }
  return merged;
}

} // namespace

StatusOr<bool> runCommonSubexpressionElimination(graph::Graph &graph, PassContext &context) {
  int64_t constants = mergeConstants(graph);
  std::unordered_map<std::string, size_t> seen;
  std::vector<bool> erase(graph.nodes.size(), false);
  int64_t merged = 0;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const graph::Node &node = graph.nodes[i];
    if (isNondeterministic(node.op)) continue;
    auto [it, inserted] = seen.insert({nodeKey(node), i});
    if (inserted) continue;
    const graph::Node &first = graph.nodes[it->second];
    bool all = true;
    for (size_t k = 0; k < node.outputs.size(); ++k) {
      if (node.outputs[k].empty()) continue;
      if (first.outputs[k].empty() || !forwardValue(graph, node.outputs[k], first.outputs[k])) all = false;
    }
    erase[i] = all;
    merged += all;
  }
  graph.eraseNodes(erase);
  graph.pruneUnusedValues();
  if (constants) context.count("constants-merged", constants);
  if (merged) context.count("nodes-merged", merged);
  return constants > 0 || merged > 0;
}

} // namespace tessera::passes
