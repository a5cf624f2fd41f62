//===- nop_elimination.cpp - Remove ops that return their input ----------------===//
#include "compiler/passes/nop_elimination.h"

#include <algorithm>

#include "compiler/graph/infer_util.h"
#include "compiler/passes/rewrite.h"

namespace tessera::passes {
namespace {

bool allZero(const std::vector<int64_t> &values) {
  return std::all_of(values.begin(), values.end(), [](int64_t v) { return v == 0; });
}

/// Static and equal input and result types.
bool sameStaticType(const graph::Graph &graph, const graph::Node &node) {
  const graph::Value *in = graph.findValue(node.inputs[0]), *out = graph.findValue(node.outputs[0]);
  if (!in || !out) return false; // e.g. an optional output the importer left without a type
  return in->type.isStatic() && out->type.isStatic() && in->type.dtype == out->type.dtype &&
         in->type.shape == out->type.shape;
}

bool isIdentityPermutation(const graph::Node &node, int64_t rank) {
  graph::Ints perm = node.attrs.getInts("perm");
  if (perm.empty()) return rank <= 1;
  for (size_t i = 0; i < perm.size(); ++i)
    if (perm[i] != static_cast<int64_t>(i)) return false;
  return true;
}

bool isPadNop(const graph::Graph &graph, const graph::Node &node) {
  if (node.attrs.has("pads")) return allZero(node.attrs.getInts("pads"));
  const Tensor *pads = graph.constantOf(node.input(1));
  return pads && allZero(graph::tensorToInts(*pads));
}

/// Whether `node` returns its first input unchanged.
bool isNop(const graph::Graph &graph, const graph::Node &node, const std::unordered_map<std::string, int> &uses) {
  const std::string &op = node.op;
  if (node.inputs.empty() || node.input(0).empty() || node.outputs.empty() || node.outputs[0].empty()) return false;
  if (op == "Identity") return true;
  if (op == "Dropout") return node.outputs.size() < 2 || node.outputs[1].empty() || !uses.count(node.outputs[1]);
  if (op == "Sum" || op == "Max" || op == "Min" || op == "Mean" || op == "Concat") return node.inputs.size() == 1;
  if (!sameStaticType(graph, node)) return false;
  if (graph::hasOpTrait(op, graph::op_trait::ReshapeLike)) return true;
  if (op == "Cast" || op == "CastLike" || op == "Expand" || op == "Tile" || op == "Slice") return true;
  if (op == "Pad") return isPadNop(graph, node);
  if (op == "Transpose") return isIdentityPermutation(node, graph.typeOf(node.inputs[0]).rank());
  return false;
}

} // namespace

StatusOr<bool> runNopElimination(graph::Graph &graph, PassContext &context) {
  bool changed = false;
  std::vector<bool> erase(graph.nodes.size(), false);
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    std::unordered_map<std::string, int> uses = graph.useCounts();
    const graph::Node node = graph.nodes[i];
    if (!isNop(graph, node, uses)) continue;
    if (!forwardValue(graph, node.outputs[0], node.inputs[0])) continue;
    erase[i] = true;
    context.count(node.op);
    changed = true;
  }
  graph.eraseNodes(erase);
  graph.pruneUnusedValues();
  return changed;
}

} // namespace tessera::passes
