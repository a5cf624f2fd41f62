//===- execution_plan.cpp - Fusion, lowering and scheduling of a whole graph ------------===//
#include "compiler/exec/execution_plan.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <set>
#include <thread>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

#include "compiler/codegen/cpu_jit.h"
#include "compiler/exec/kernel_timer.h"
#include "compiler/graph/op_traits.h"
#include "compiler/graph/printer.h"
#include "compiler/loop/printer.h"
#include "compiler/loop/pass_manager.h"
#include "compiler/loop/verifier.h"
#include "compiler/lower/op_compute.h"
#include "support/host_cache.h"

namespace tessera::exec {
namespace {

/// The most nodes on the long side of a fused elementwise diamond (HardSwish written
/// out as Add, Clip, Div takes 3).
constexpr size_t kMaxDiamondPath = 8;

/// How much faster (a fraction) a tuning candidate must be than the default schedule.
constexpr double kTuneMargin = 0.05;

bool isAlias(const graph::Graph &graph, const graph::Node &node) {
  bool aliasOp = node.op == "Identity" || graph::hasOpTrait(node.op, graph::op_trait::ReshapeLike);
  if (!aliasOp || node.outputs.size() != 1) return false;
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
    bool tuning = options.tune || options.chooseSchedule;
    timing_.coldConstants = options.tuneColdConstants.value_or(tuning && modelEvictsItsConstants(graph));
    for (size_t n = 0; n < graph.nodes.size(); ++n)
      for (const std::string &in : graph.nodes[n].inputs)
        if (!in.empty()) consumers_[in].push_back(n);
    uses_ = graph.useCounts();
  }

  StatusOr<ExecutionPlan> run() {
    if (options_.tune && options_.tuneLog)
      *options_.tuneLog << absl::StrFormat(
          "tune: kernels timed with their constants %s (one inference touches %.1f MB, the last-level cache holds "
          "%.1f MB)\n",
          timing_.coldConstants ? "evicted from the caches before every call" : "left in the caches",
          double(bytesPerInference(graph_)) / 1e6, double(lastLevelCacheBytes()) / 1e6);
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
  /// True when node `n` can join a kernel group whose output has `shape`: an
  /// elementwise f32 node of that shape not yet in a kernel.
  bool joinable(size_t n, const Shape &shape) const {
    const graph::Node &node = graph_.nodes[n];
    if (covered_[n] || !lower::isFusableElementwise(node) || !hasSingleResult(node)) return false;
    const graph::TensorType &out = graph_.typeOf(node.outputs[0]);
    return out.isStatic() && out.shape == shape && out.dtype == DType::F32;
  }

  /// The node that alone reads `value` (once), if `value` is used nowhere else.
  std::optional<size_t> soleConsumer(const std::string &value) {
    if (uses_[value] != 1 || graph_.isGraphOutput(value)) return std::nullopt;
    auto it = consumers_.find(value);
    if (it == consumers_.end() || it->second.size() != 1) return std::nullopt;
    return it->second[0];
  }

  /// The elementwise node that alone consumes `value`, if it can join a kernel.
  std::optional<size_t> fusableConsumer(const std::string &value, const Shape &shape) {
    std::optional<size_t> consumer = soleConsumer(value);
    if (!consumer || !joinable(*consumer, shape)) return std::nullopt;
    return consumer;
  }

  /// The nodes from `start` along sole consumers up to and including `join`; empty
  /// when the path leaves joinable nodes or is longer than kMaxDiamondPath.
  std::vector<size_t> diamondPath(size_t start, size_t join, const Shape &shape) {
    std::vector<size_t> path;
    for (size_t n = start; n != join;) {
      if (path.size() >= kMaxDiamondPath || !joinable(n, shape)) return {};
      path.push_back(n);
      std::optional<size_t> next = soleConsumer(graph_.nodes[n].outputs[0]);
      if (!next) return {};
      n = *next;
    }
    if (!joinable(join, shape)) return {};
    path.push_back(join);
    return path;
  }

  /// The nodes of an elementwise diamond below `value`, in order: `value` read by
  /// exactly two uses, one starting a path of sole consumers that ends in the node
  /// making the other (x * sigmoid(x), x * hardsigmoid(x)), or one node reading it
  /// twice (x * x). Empty when there is none.
  std::vector<size_t> fusableDiamond(const std::string &value, const Shape &shape) {
    if (uses_[value] != 2 || graph_.isGraphOutput(value)) return {};
    auto it = consumers_.find(value);
    if (it == consumers_.end() || it->second.size() != 2) return {};
    size_t a = it->second[0], b = it->second[1];
    if (a == b) return joinable(a, shape) ? std::vector<size_t>{a} : std::vector<size_t>{};
    std::vector<size_t> path = diamondPath(a, b, shape);
    return path.empty() ? diamondPath(b, a, shape) : path;
  }

  StatusOr<Step> planNode(size_t n) {
    const graph::Node &node = graph_.nodes[n];
    if (isAlias(graph_, node)) return Step{StepKind::Alias, {n}, "", {}, ""};
    lower::KernelGroup group{{n}};
    if (options_.fuse && hasSingleResult(node) && graph_.typeOf(node.outputs[0]).isStatic()) {
      Shape shape = graph_.typeOf(node.outputs[0]).shape;
      std::string current = node.outputs[0];
      for (;;) {
        std::vector<size_t> next;
        if (auto consumer = fusableConsumer(current, shape)) next = {*consumer};
        else next = fusableDiamond(current, shape);
        if (next.empty()) break;
        group.nodes.insert(group.nodes.end(), next.begin(), next.end());
        current = graph_.nodes[next.back()].outputs[0];
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

  /// One way to compile a kernel group: its func, the graph value bound to each of
  /// its parameters, and the repacked constants it reads.
  struct KernelBuild {
    loop::Func func;
    std::vector<std::string> params;
    std::map<std::string, Tensor> constants;
  };

  StatusOr<KernelBuild> buildKernel(const lower::KernelGroup &group, const std::string &name,
                                    const lower::CpuScheduleParams &schedule) {
    lower::DescribeOptions describe = lower::describeOptionsFor(schedule);
    TS_ASSIGN_OR_RETURN(lower::KernelDescription description, lower::describeKernel(graph_, group, name, describe));
    loop::Schedule loops(description.func);
    TS_RETURN_IF_ERROR(lower::scheduleForCpu(loops, schedule));
    TS_ASSIGN_OR_RETURN(loop::Func func, loops.lower());
    TS_RETURN_IF_ERROR(loop::runLoopPipeline(func, options_.loopPipeline));
    TS_RETURN_IF_ERROR(loop::verifyFunc(func));
    return KernelBuild{std::move(func), description.params, std::move(description.constants)};
  }

  /// The fastest of the group's distinct lowerings under the tuning candidates (the
  /// first, the configured schedule, decides whether the group compiles at all).
  StatusOr<KernelBuild> tuneKernel(const lower::KernelGroup &group, const std::string &name) {
    std::vector<KernelBuild> builds;
    std::vector<lower::ScheduleCandidate> distinct;
    std::set<std::string> seen;
    for (const lower::ScheduleCandidate &candidate : lower::tuningCandidates(options_.schedule)) {
      auto build = buildKernel(group, name, candidate.params);
      if (!build.ok() && builds.empty()) return build.status();
      if (!build.ok() || !seen.insert(loop::printFunc(build->func)).second) continue;
      builds.push_back(std::move(*build));
      distinct.push_back(candidate);
    }
    if (builds.size() == 1) return std::move(builds[0]);
    auto timed = timeKernelVariantsOnThreads(variantsOf(builds), options_.tuneThreads, timing_);
    if (!timed.ok()) {  // the configured schedule compiles without timing
      if (options_.tuneLog)
        *options_.tuneLog << "tune " << name << ": timing failed (" << timed.status().message() << "), default kept\n";
      return std::move(builds[0]);
    }
    size_t best = fastestVariant(*timed);
    if (options_.tuneLog) *options_.tuneLog << tuneLine(name, distinct, *timed, best);
    if (options_.tuneRanking) (*options_.tuneRanking)[name] = ranked(distinct, *timed, best);
    return std::move(builds[best]);
  }

  /// The geometric mean over the thread counts of variant v's time relative to
  /// variant 0's.
  static double relativeTime(const std::vector<std::vector<double>> &ms, size_t v) {
    double logSum = 0;
    for (const std::vector<double> &times : ms) logSum += std::log(times[v] / times[0]);
    return std::exp(logSum / double(ms.size()));
  }

  /// The chosen variant first, then the others by their relative time.
  static std::vector<lower::ScheduleCandidate> ranked(const std::vector<lower::ScheduleCandidate> &distinct,
                                                      const std::vector<std::vector<double>> &ms, size_t best) {
    std::vector<size_t> order(distinct.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      if ((a == best) != (b == best)) return a == best;
      return relativeTime(ms, a) < relativeTime(ms, b);
    });
    std::vector<lower::ScheduleCandidate> result;
    for (size_t v : order) result.push_back(distinct[v]);
    return result;
  }

  /// The variant with the least geometric mean over the thread counts of its time
  /// relative to variant 0's (the configured schedule), taken only when that mean is
  /// below 1 - kTuneMargin: within the margin the difference is the host's noise, and
  /// the default's choice was measured in whole models.
  static size_t fastestVariant(const std::vector<std::vector<double>> &ms) {
    size_t best = 0;
    double bestRelative = 1;
    for (size_t v = 1; v < ms[0].size(); ++v)
      if (double r = relativeTime(ms, v); r < bestRelative && r < 1 - kTuneMargin) best = v, bestRelative = r;
    return best;
  }

  /// "tune k4_conv: default 0.501/0.262 ms, 3x3 Winograd at any size 0.470/0.240 ms ->
  /// 3x3 Winograd at any size (threads 1/2)": each label's times on each thread count.
  std::string tuneLine(const std::string &name, const std::vector<lower::ScheduleCandidate> &distinct,
                       const std::vector<std::vector<double>> &ms, size_t best) const {
    std::string times;
    for (size_t v = 0; v < distinct.size(); ++v) {
      std::vector<std::string> perThreads;
      for (const std::vector<double> &t : ms) perThreads.push_back(absl::StrFormat("%.3f", t[v]));
      times += absl::StrFormat("%s%s %s ms", v ? ", " : "", distinct[v].label, absl::StrJoin(perThreads, "/"));
    }
    std::string threads = ms.size() > 1 ? strCat(" (threads ", absl::StrJoin(options_.tuneThreads, "/"), ")") : "";
    return absl::StrFormat("tune %s: %s -> %s%s\n", name, times, distinct[best].label, threads);
  }

  /// Times the group under each schedule; identical lowerings share one timing.
  StatusOr<std::vector<double>> timeSchedules(const lower::KernelGroup &group, const std::string &name,
                                              const std::vector<lower::CpuScheduleParams> &schedules) {
    std::vector<KernelBuild> builds;
    std::map<std::string, size_t> byText;
    std::vector<size_t> variantOf;
    for (size_t i = 0; i < schedules.size(); ++i) {
      auto build = buildKernel(group, name, schedules[i]);
      if (!build.ok() && i == 0) return build.status();
      if (!build.ok()) {
        variantOf.push_back(SIZE_MAX);
        continue;
      }
      auto [it, added] = byText.emplace(loop::printFunc(build->func), builds.size());
      if (added) builds.push_back(std::move(*build));
      variantOf.push_back(it->second);
    }
    TS_ASSIGN_OR_RETURN(std::vector<double> ms, timeKernelVariants(variantsOf(builds), timing_));
    std::vector<double> times;
    for (size_t v : variantOf) times.push_back(v == SIZE_MAX ? std::numeric_limits<double>::infinity() : ms[v]);
    return times;
  }

  /// The schedule the chooser picks for the group (options_.schedule when none).
  StatusOr<KernelBuild> chosenKernel(const lower::KernelGroup &group, const std::string &name) {
    KernelTuneRequest request{name, kernelWorkloadKey(graph_, group.nodes),
                              [&](const std::vector<lower::CpuScheduleParams> &schedules) {
                                return timeSchedules(group, name, schedules);
                              }};
    TS_ASSIGN_OR_RETURN(std::optional<lower::CpuScheduleParams> schedule, options_.chooseSchedule(request));
    return buildKernel(group, name, schedule ? *schedule : options_.schedule);
  }

  std::vector<KernelVariant> variantsOf(const std::vector<KernelBuild> &builds) const {
    std::vector<KernelVariant> variants;
    for (const KernelBuild &b : builds) {
      KernelVariant v{b.func, {}};
      for (const std::string &value : b.params) {
        auto repacked = b.constants.find(value);
        v.constants.push_back(repacked != b.constants.end() ? &repacked->second : graph_.constantOf(value));
      }
      variants.push_back(std::move(v));
    }
    return variants;
  }

  StatusOr<KernelBuild> kernelFor(const lower::KernelGroup &group, const std::string &name) {
    // A schedule chooser is asked only about groups that compile under the default.
    if (options_.chooseSchedule) {
      TS_RETURN_IF_ERROR(buildKernel(group, name, options_.schedule).status());
      return chosenKernel(group, name);
    }
    return options_.tune ? tuneKernel(group, name) : buildKernel(group, name, options_.schedule);
  }

  StatusOr<Step> compileGroup(const lower::KernelGroup &group) {
    std::string name = kernelName(plan_.module.funcs.size(), graph_.nodes[group.nodes[0]].op);
    TS_ASSIGN_OR_RETURN(KernelBuild build, kernelFor(group, name));
    plan_.module.funcs.push_back(std::move(build.func));
    for (auto &[value, tensor] : build.constants) plan_.constants[value] = std::move(tensor);
    return Step{StepKind::Kernel, group.nodes, name, build.params, ""};
  }

  const graph::Graph &graph_;
  const PlanOptions &options_;
  TimingOptions timing_;
  std::map<std::string, std::vector<size_t>> consumers_;
  std::unordered_map<std::string, int> uses_;
  std::vector<bool> covered_;
  ExecutionPlan plan_;
};

} // namespace

std::string kernelWorkloadKey(const graph::Graph &graph, const std::vector<size_t> &nodes) {
  std::vector<std::string> ops, inputs, attributes;
  for (size_t n : nodes) ops.push_back(graph.nodes[n].op);
  const graph::Node &anchor = graph.nodes[nodes[0]];
  for (const std::string &input : anchor.inputs) {
    if (input.empty()) continue;
    const graph::TensorType &type = graph.typeOf(input);
    inputs.push_back(strCat(dtypeName(type.dtype), "[", joinStrings(type.shape, ","), "]"));
  }
  for (const auto &[key, value] : anchor.attrs.all()) attributes.push_back(strCat(key, "=", graph::printAttribute(value)));
  return strCat(joinStrings(ops, "+"), " ", joinStrings(inputs, " "), " {", joinStrings(attributes, ", "), "}");
}

size_t bytesPerInference(const graph::Graph &graph) {
  size_t bytes = 0;
  for (const auto &[name, value] : graph.values())
    if (value.constant) bytes += value.constant->byteSize();
    else if (value.type.isStatic()) bytes += static_cast<size_t>(value.type.elementCount()) * dtypeSize(value.type.dtype);
  return bytes;
}

bool modelEvictsItsConstants(const graph::Graph &graph) {
  size_t cache = lastLevelCacheBytes();
  return cache > 0 && bytesPerInference(graph) > cache;
}

lower::CpuScheduleParams hostScheduleParams() { return lower::scheduleParamsFor(codegen::hostVectorRegisters()); }

std::vector<int> defaultTuneThreads() {
  int cores = static_cast<int>(std::thread::hardware_concurrency());
  return cores > 1 ? std::vector<int>{1, cores} : std::vector<int>{1};
}

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
