//===- concat_placement.cpp - Concats whose inputs are written in place ------------===//
#include "compiler/exec/concat_placement.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

namespace tessera::exec {

Placement ConcatPlacement::resolve(const std::string &name) const {
  Placement where{name, 0};
  for (auto it = placed.find(name); it != placed.end(); it = placed.find(where.owner)) {
    where.owner = it->second.owner;
    where.offset += it->second.offset;
  }
  return where;
}

int ConcatPlacement::skippedCount() const { return static_cast<int>(std::count(skipped.begin(), skipped.end(), true)); }

namespace {

/// A Concat step whose inputs are contiguous blocks of its output: one node, one
/// static output, only unit axes before the concat axis (normalized into `axis`).
struct ConcatStep {
  size_t step = 0;
  const graph::Node *node = nullptr;
  int64_t axis = 0;
};

std::optional<ConcatStep> contiguousConcat(const graph::Graph &graph, const ExecutionPlan &plan, size_t s) {
  const Step &step = plan.steps[s];
  const graph::Node &node = graph.nodes[step.nodes.back()];
  if (step.kind != StepKind::Kernel || step.nodes.size() != 1 || node.op != "Concat" || node.outputs.size() != 1)
    return std::nullopt;
  const graph::TensorType &out = graph.typeOf(node.outputs[0]);
  if (!out.isStatic()) return std::nullopt;
  int64_t rank = static_cast<int64_t>(out.shape.size()), axis = node.attrs.getInt("axis", 0);
  if (axis < 0) axis += rank;
  if (axis < 0 || axis >= rank) return std::nullopt;
  for (int64_t d = 0; d < axis; ++d)
    if (out.shape[d] != 1) return std::nullopt;
  return ConcatStep{s, &node, axis};
}

bool isPrefix(const std::vector<std::string> &prefix, const std::vector<std::string> &of) {
  return prefix.size() <= of.size() && std::equal(prefix.begin(), prefix.end(), of.begin());
}

/// What placement needs to know of the plan: the kernel step whose single result each
/// value is, and the steps that read each value.
struct PlanUses {
  std::map<std::string, size_t> producer;
  std::map<std::string, std::set<size_t>> readers;

  PlanUses(const graph::Graph &graph, const ExecutionPlan &plan) {
    for (size_t s = 0; s < plan.steps.size(); ++s) {
      const Step &step = plan.steps[s];
      const graph::Node &last = graph.nodes[step.nodes.back()];
      if (step.kind == StepKind::Kernel && last.outputs.size() == 1) producer[last.outputs[0]] = s;
      for (size_t n : step.nodes)
        for (const std::string &in : graph.nodes[n].inputs)
          if (!in.empty()) readers[in].insert(s);
    }
  }
};

class Placer {
public:
  Placer(const graph::Graph &graph, const ExecutionPlan &plan) : graph_(graph), plan_(plan), uses_(graph, plan) {
    result_.skipped.assign(plan.steps.size(), false);
  }

  ConcatPlacement run() {
    std::vector<ConcatStep> concats;
    for (size_t s = 0; s < plan_.steps.size(); ++s)
      if (auto c = contiguousConcat(graph_, plan_, s)) concats.push_back(*c);
    // Longest first: each one not yet placed owns the buffer of the Concats whose inputs
    // are a prefix of its own.
    std::stable_sort(concats.begin(), concats.end(), [](const ConcatStep &a, const ConcatStep &b) {
      return a.node->inputs.size() > b.node->inputs.size();
    });
    for (const ConcatStep &root : concats) {
      if (result_.skipped[root.step]) continue;
      std::vector<ConcatStep> group{root};
      for (const ConcatStep &c : concats)
        if (c.step != root.step && !result_.skipped[c.step] && c.axis == root.axis &&
            isPrefix(c.node->inputs, root.node->inputs))
          group.push_back(c);
      if (placeable(group))
        place(group);
      else if (group.size() > 1 && placeable({root}))
        place({root});
    }
    return std::move(result_);
  }

private:
  bool inGroup(size_t step, const std::vector<ConcatStep> &group) const {
    return std::any_of(group.begin(), group.end(), [&](const ConcatStep &c) { return c.step == step; });
  }

  /// The executor finds a placed value only as a kernel's argument.
  bool readByKernelsOnly(const std::string &value) const {
    auto readers = uses_.readers.find(value);
    if (readers == uses_.readers.end()) return true;
    return std::all_of(readers->second.begin(), readers->second.end(),
                       [&](size_t reader) { return plan_.steps[reader].kind == StepKind::Kernel; });
  }

  /// Every root input a kernel's single result, every member's output other than the
  /// root's read by kernels alone, none a graph output or placed already.
  bool placeable(const std::vector<ConcatStep> &group) const {
    const graph::Node &root = *group[0].node;
    DType dtype = graph_.typeOf(root.outputs[0]).dtype;
    std::set<std::string> seen;
    for (const std::string &in : root.inputs) {
      if (!seen.insert(in).second || !uses_.producer.count(in) || graph_.isGraphOutput(in) ||
          result_.placed.count(in) || graph_.typeOf(in).dtype != dtype)
        return false;
      if (!readByKernelsOnly(in)) return false;
    }
    for (size_t k = 1; k < group.size(); ++k) {
      const std::string &out = group[k].node->outputs[0];
      if (graph_.isGraphOutput(out) || result_.placed.count(out)) return false;
      if (!readByKernelsOnly(out)) return false;
      for (size_t reader : uses_.readers.at(out))
        if (inGroup(reader, group)) return false;
    }
    return true;
  }

  void place(const std::vector<ConcatStep> &group) {
    const graph::Node &root = *group[0].node;
    size_t offset = 0;
    for (const std::string &in : root.inputs) {
      result_.placed[in] = {root.outputs[0], offset};
      const graph::TensorType &type = graph_.typeOf(in);
      offset += static_cast<size_t>(type.elementCount()) * dtypeSize(type.dtype);
    }
    for (size_t k = 1; k < group.size(); ++k) result_.placed[group[k].node->outputs[0]] = {root.outputs[0], 0};
    for (const ConcatStep &c : group) result_.skipped[c.step] = true;
  }

  const graph::Graph &graph_;
  const ExecutionPlan &plan_;
  PlanUses uses_;
  ConcatPlacement result_;
};

} // namespace

ConcatPlacement placeConcats(const graph::Graph &graph, const ExecutionPlan &plan) {
  return Placer(graph, plan).run();
}

} // namespace tessera::exec
