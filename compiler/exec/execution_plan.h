//===- execution_plan.h - Which nodes run as compiled kernels, and how ---------------===//
//
// Planning partitions a graph into steps: compiled kernels (an anchor node plus the
// single-use elementwise nodes fused into its epilogue), aliases (Reshape, Flatten,
// Squeeze, Unsqueeze, Identity: the data is reused under a new shape) and reference
// fallbacks (ops without a compute description run on the reference interpreter;
// counted, with the reason, so reports can list them). Each kernel is described
// (lower/op_compute.h), scheduled for the CPU (lower/cpu_schedule.h), lowered to
// loop IR and cleaned by the loop pass pipeline.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "compiler/graph/graph.h"
#include "compiler/loop/ir.h"
#include "compiler/lower/cpu_schedule.h"

namespace tessera::exec {

enum class StepKind { Kernel, Alias, Reference };

struct Step {
  StepKind kind;
  /// Graph nodes covered, in order (the last one defines the step's output).
  std::vector<size_t> nodes;
  /// Kernel: the func's name and the graph value bound to each parameter.
  std::string kernel;
  std::vector<std::string> params;
  /// Reference: why the node was not compiled.
  std::string reason;
};

/// The CPU schedule parameters for this machine (lower::scheduleParamsFor its
/// vector registers).
lower::CpuScheduleParams hostScheduleParams();
/// The thread counts `--tune` times each kernel on: 1 and, on a host with more
/// hardware threads, all of them.
std::vector<int> defaultTuneThreads();

/// One kernel, as a schedule tuner sees it while the graph is planned.
struct KernelTuneRequest {
  std::string name;     ///< the kernel's name in the plan ("k3_conv")
  std::string workload; ///< what it computes: its ops, input shapes and the anchor's attributes
  /// Times the kernel under each schedule (ms, fastest call, one thread); schedules that
  /// lower to the same code share one timing. An error when the first does not compile.
  std::function<StatusOr<std::vector<double>>(const std::vector<lower::CpuScheduleParams> &)> time;
};
/// A tuner's choice of a kernel's schedule; nullopt keeps PlanOptions::schedule.
using ScheduleChooser =
    std::function<StatusOr<std::optional<lower::CpuScheduleParams>>(const KernelTuneRequest &request)>;

/// The workload key of a kernel group: "Conv+Relu f32[1,64,56,56] f32[64,64,3,3] ...
/// {pads=[1,1,1,1], strides=[1,1]}" (kernels with the same key lower alike).
std::string kernelWorkloadKey(const graph::Graph &graph, const std::vector<size_t> &nodes);

struct PlanOptions {
  lower::CpuScheduleParams schedule = hostScheduleParams();
  /// Loop passes run after lowering each kernel.
  std::string loopPipeline = "simplify,partition-loops,guard-accumulations,unroll-loops";
  /// Fuse elementwise consumers into kernels' epilogues.
  bool fuse = true;
  /// Auto-tune: lower each kernel under every distinct schedule of
  /// lower::tuningCandidates(schedule), time them on this machine on each of
  /// `tuneThreads` thread counts and keep the fastest (the least geometric mean of
  /// the times relative to the configured schedule's); each tuned kernel's times go
  /// to `tuneLog` when set.
  bool tune = false;
  std::vector<int> tuneThreads = defaultTuneThreads();
  /// Time kernels with their constants evicted from the caches before each call
  /// (kernel_timer.h). Unset: when modelEvictsItsConstants(graph).
  std::optional<bool> tuneColdConstants;
  std::ostream *tuneLog = nullptr;
  /// When set, `tune` records each timed kernel's distinct schedules here by kernel
  /// name: the one it kept first, then the others by their relative time (what
  /// in_model_tuning.h times inside the whole model).
  std::map<std::string, std::vector<lower::ScheduleCandidate>> *tuneRanking = nullptr;
  /// When set, chooses each kernel's schedule (`tessera tune --target cpu`, or the best
  /// records of `compile --records`); takes precedence over `tune`.
  ScheduleChooser chooseSchedule;
};

struct ExecutionPlan {
  std::vector<Step> steps;
  /// One func per kernel step.
  loop::Module module;
  /// Constants the kernels read that the graph does not hold (repacked weights).
  std::map<std::string, Tensor> constants;

  int count(StepKind kind) const;
  /// "Conv x20 (fused: Relu x17), ..., ref fallback: Foo x1 (reason)".
  std::string summary(const graph::Graph &graph) const;
};

/// The bytes one inference touches: every constant and every value of static type
/// (inputs, intermediates, outputs), each counted once.
size_t bytesPerInference(const graph::Graph &graph);

/// True when one inference of `graph` touches more bytes than the host's last-level
/// cache holds: the weights are then gone from the caches when the next inference
/// reaches them (a cyclic pass over more than an LRU cache holds misses throughout).
bool modelEvictsItsConstants(const graph::Graph &graph);

StatusOr<ExecutionPlan> planGraph(const graph::Graph &graph, const PlanOptions &options = {});

} // namespace tessera::exec
