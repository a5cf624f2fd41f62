//===- execution_plan.cpp - Fusion, lowering and scheduling of a whole graph ------------===//
#include "compiler/exec/execution_plan.h"

#include <algorithm>
#include <map>
#include <set>

#include "compiler/codegen/cpu_jit.h"
#include "compiler/loop/pass_manager.h"
#include "compiler/loop/verifier.h"
#include "compiler/lower/op_compute.h"

namespace tessera::exec {
namespace {

const std::set<std::string> kAliasOps = {"Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity"};

bool isAlias(const graph::Graph &graph, const graph::Node &node) {
  if (!kAliasOps.count(node.op) || node.outputs.size() != 1) return false;
  const graph::TensorType &in = graph.typeOf(node.input(0)), &out = graph.typeOf(node.outputs[0]);
  return in.isStatic() && out.isStatic() && in.dtype == out.dtype && in.elementCount() == out.elementCount();
}

bool hasSingleResult(const graph::Node &node) {
  return node.outputs.size() == 1 || (node.op == "Dropout" && (node.outputs.size() < 2 || node.outputs[1].empty()));
}

std::string kernelName(size_t index, const std::string &op) {
  std::string name = strCat("k", index, "_");
  for (char c : op) name += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '_';
  return name;
}

class Planner {
public:
  Planner(const graph::Graph &graph, const PlanOptions &options) : graph_(graph), options_(options) {
    for (size_t n = 0; n < graph.nodes.size(); ++n)
      for (const std::string &in : graph.nodes[n].inputs)
        if (!in.empty()) consumers_[in].push_back(n);
    uses_ = graph.useCounts();
  }

  StatusOr<ExecutionPlan> run() {
    std::vector<std::pair<size_t, Step>> positioned;
    covered_.assign(graph_.nodes.size(), false);
    for (size_t n = 0; n < graph_.nodes.size(); ++n) {
      if (covered_[n]) continue;
      TS_ASSIGN_OR_RETURN(Step step, planNode(n));
      for (size_t m : step.nodes) covered_[m] = true;
      positioned.emplace_back(step.nodes.back(), std::move(step));
    }
    std::stable_sort(positioned.begin(), positioned.end(),
                     [](const auto &a, const auto &b) { return a.first < b.first; });
    for (auto &entry : positioned) plan_.steps.push_back(std::move(entry.second));
    return std::move(plan_);
  }

private:
  /// The elementwise node that alone consumes `value`, if it can join a kernel.
  std::optional<size_t> fusableConsumer(const std::string &value, const Shape &shape) {
    if (uses_[value] != 1 || graph_.isGraphOutput(value)) return std::nullopt;
    auto it = consumers_.find(value);
    if (it == consumers_.end() || it->second.size() != 1 || covered_[it->second[0]]) return std::nullopt;
    const graph::Node &node = graph_.nodes[it->second[0]];
    if (!lower::isFusableElementwise(node) || !hasSingleResult(node)) return std::nullopt;
    const graph::TensorType &out = graph_.typeOf(node.outputs[0]);
    if (!out.isStatic() || out.shape != shape || out.dtype != DType::F32) return std::nullopt;
    return it->second[0];
  }

  StatusOr<Step> planNode(size_t n) {
    const graph::Node &node = graph_.nodes[n];
    if (isAlias(graph_, node)) return Step{StepKind::Alias, {n}, "", {}, ""};
    lower::KernelGroup group{{n}};
    if (options_.fuse && hasSingleResult(node) && graph_.typeOf(node.outputs[0]).isStatic()) {
      Shape shape = graph_.typeOf(node.outputs[0]).shape;
      std::string current = node.outputs[0];
      while (auto next = fusableConsumer(current, shape)) {
        group.nodes.push_back(*next);
        current = graph_.nodes[*next].outputs[0];
      }
    }
    // Try the fused group, then the anchor alone, then fall back to the interpreter.
    Status status = absl::OkStatus();
    for (size_t size = group.nodes.size(); size >= 1; size = size == 1 ? 0 : 1) {
      lower::KernelGroup attempt{std::vector<size_t>(group.nodes.begin(), group.nodes.begin() + static_cast<long>(size))};
      auto step = compileGroup(attempt);
      if (step.ok()) return step;
      status = step.status();
      if (status.code() != absl::StatusCode::kUnimplemented) return status;
    }
    return Step{StepKind::Reference, {n}, "", {}, std::string(status.message())};
  }

  StatusOr<Step> compileGroup(const lower::KernelGroup &group) {
    std::string name = kernelName(plan_.module.funcs.size(), graph_.nodes[group.nodes[0]].op);
    lower::DescribeOptions describe;
    describe.convWeightBlock = options_.schedule.convChannelBlock;
    describe.winogradOutputTile = options_.schedule.winogradOutputTile;
    describe.winogradMinChannels = options_.schedule.winogradMinChannels;
    describe.winogradMinPixels = options_.schedule.winogradMinPixels;
    describe.winogradWeightBlock = options_.schedule.winogradChannelBlock;
    describe.winogradColumnAlign = options_.schedule.winogradColumnAlign;
    describe.pointwiseWeightBlock = options_.schedule.pointwiseMatrixChannelBlock;
    describe.pointwiseMinPixels = options_.schedule.pointwiseMatrixMinPixels;
    describe.inlineDepthwisePadding = options_.schedule.inlineDepthwisePadding;
    describe.gemmColumnBlock = options_.schedule.gemmColumnBlock;
    describe.vectorWidth = options_.schedule.vectorWidth;
    describe.transposeGemmWeights = options_.schedule.transposeGemmWeights;
    TS_ASSIGN_OR_RETURN(lower::KernelDescription description, lower::describeKernel(graph_, group, name, describe));
    loop::Schedule schedule(description.func);
    TS_RETURN_IF_ERROR(lower::scheduleForCpu(schedule, options_.schedule));
    TS_ASSIGN_OR_RETURN(loop::Func func, schedule.lower());
    TS_RETURN_IF_ERROR(loop::runLoopPipeline(func, options_.loopPipeline));
    TS_RETURN_IF_ERROR(loop::verifyFunc(func));
    plan_.module.funcs.push_back(std::move(func));
    for (auto &[value, tensor] : description.constants) plan_.constants[value] = std::move(tensor);
    return Step{StepKind::Kernel, group.nodes, name, description.params, ""};
  }

  const graph::Graph &graph_;
  const PlanOptions &options_;
  std::map<std::string, std::vector<size_t>> consumers_;
  std::unordered_map<std::string, int> uses_;
  std::vector<bool> covered_;
  ExecutionPlan plan_;
};

} // namespace

lower::CpuScheduleParams hostScheduleParams() { return lower::scheduleParamsFor(codegen::hostVectorRegisters()); }

int ExecutionPlan::count(StepKind kind) const {
  return static_cast<int>(std::count_if(steps.begin(), steps.end(), [&](const Step &s) { return s.kind == kind; }));
}

std::string ExecutionPlan::summary(const graph::Graph &graph) const {
  std::map<std::string, int> kernels, fallbacks;
  std::map<std::string, std::string> reasons;
  int fused = 0;
  for (const Step &s : steps) {
    const std::string &op = graph.nodes[s.nodes[0]].op;
    if (s.kind == StepKind::Kernel) {
      ++kernels[op];
      fused += static_cast<int>(s.nodes.size()) - 1;
    }
    if (s.kind == StepKind::Reference) {
      ++fallbacks[op];
      reasons[op] = s.reason;
    }
  }
  std::vector<std::string> parts;
  for (const auto &[op, n] : kernels) parts.push_back(strCat(op, " x", n));
  std::string out = strCat(count(StepKind::Kernel), " kernels (", joinStrings(parts, ", "), "; ", fused,
                           " nodes fused), ", count(StepKind::Alias), " aliases, ", count(StepKind::Reference),
                           " ref fallbacks");
  for (const auto &[op, n] : fallbacks) out += strCat("\n  ref fallback: ", op, " x", n, " (", reasons[op], ")");
  return out;
}

StatusOr<ExecutionPlan> planGraph(const graph::Graph &graph, const PlanOptions &options) {
  return Planner(graph, options).run();
}

} // namespace tessera::exec
