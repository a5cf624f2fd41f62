//===- dce.cpp - Dead code elimination -------------------------------------------===//
#include "compiler/passes/dce.h"

#include <unordered_set>

namespace tessera::passes {

StatusOr<bool> runDeadCodeElimination(graph::Graph &graph, PassContext &context) {
  std::unordered_set<std::string> live(graph.outputs.begin(), graph.outputs.end());
  std::vector<bool> dead(graph.nodes.size(), false);
  int64_t removed = 0;
  for (size_t i = graph.nodes.size(); i-- > 0;) {
    const graph::Node &node = graph.nodes[i];
    bool used = false;
    for (const std::string &output : node.outputs) used |= !output.empty() && live.count(output);
    if (!used) {
      dead[i] = true;
      ++removed;
      continue;
    }
    for (const std::string &input : node.inputs) live.insert(input);
  }
  graph.eraseNodes(dead);
  size_t valuesBefore = graph.values().size();
  graph.pruneUnusedValues();
  int64_t constants = static_cast<int64_t>(valuesBefore - graph.values().size());
  if (removed) context.count("nodes-removed", removed);
  if (constants) context.count("values-removed", constants);
  return removed > 0 || constants > 0;
}

} // namespace tessera::passes
