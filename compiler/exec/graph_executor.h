//===- graph_executor.h - Runs a planned graph: kernels, aliases, fallbacks -----------===//
//
// The `cpu` backend's model runner. It walks the plan's steps in order, binding each
// kernel's parameters to tensors (constants in place, intermediates allocated on
// first definition and released after their last use), running reference fallbacks
// through the interpreter. Concats whose inputs the kernels write in place
// (concat_placement.h) cost nothing. Where the kernels come from (the in-process JIT or a
// loaded ahead-of-time library) is the resolver's business. The steps are the plan's
// three kinds (kernel, alias, reference); accelerator models run elsewhere
// (tools/accel_model.h).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

#include "compiler/codegen/cpu_jit.h"
#include "compiler/exec/concat_placement.h"
#include "compiler/exec/execution_plan.h"
#include "compiler/interp/interpreter.h"

namespace tessera::exec {

/// Finds the compiled entry of a kernel by name.
using KernelResolver = std::function<StatusOr<codegen::KernelFn>(const std::string &)>;

class GraphExecutor {
public:
  /// Buffers of intermediates released earlier (in this run or the previous one),
  /// most recent last, for later steps of any shape to write into: no allocation and
  /// no zero-fill, since kernels define every element of their outputs.
  using TensorPool = std::vector<Tensor>;
  /// Resolves every kernel of `plan` up front.
  static StatusOr<std::unique_ptr<GraphExecutor>> create(graph::Graph graph, ExecutionPlan plan,
                                                         const KernelResolver &resolve);
  /// Runs the graph; inputs are checked against the graph's input types. With
  /// `stepMs`, each step's wall time in ms is added to its entry (resized to the
  /// number of steps): a per-kernel profile.
  StatusOr<interp::TensorMap> run(const interp::TensorMap &inputs, std::vector<double> *stepMs = nullptr) const;

  const graph::Graph &graph() const { return graph_; }
  /// Concat steps that cost nothing: their inputs' kernels write into their output.
  int concatsInPlace() const { return placement_.skippedCount(); }
  const ExecutionPlan &plan() const { return plan_; }
  /// Bytes of intermediates kept for the next run: the same after every run (a run
  /// takes what it needs from the pool and gives back only what it took or made).
  size_t pooledBytes() const;

private:
  GraphExecutor() = default;
  /// One run's tensors: the caller's inputs, read in place (not copied), and the
  /// values the steps compute.
  struct RunValues {
    const interp::TensorMap &inputs;
    std::unordered_map<std::string, Tensor> computed;
  };
  Status runStep(size_t index, RunValues &values, TensorPool &pool) const;
  const Tensor *find(const std::string &name, const RunValues &values) const;

  /// Each intermediate's last reading step, a placed value's counted for the value
  /// that owns its bytes, and so the values released after each step.
  void planReleases();
  StatusOr<uint8_t *> bufferOf(const std::string &name, RunValues &values, TensorPool &pool) const;

  graph::Graph graph_;
  ExecutionPlan plan_;
  ConcatPlacement placement_;
  std::vector<codegen::KernelFn> kernels_; ///< per step (null for non-kernels)
  std::vector<std::vector<std::string>> dying_; ///< values released after each step
  mutable std::mutex poolMutex_;
  mutable TensorPool pool_; ///< kept between runs
};

/// Plans, JIT-compiles and wraps a graph in one call (keeps the JIT alive inside).
struct CompiledModel {
  std::unique_ptr<codegen::CpuJit> jit;
  std::unique_ptr<GraphExecutor> executor;
};
StatusOr<CompiledModel> compileForCpu(const graph::Graph &graph, const PlanOptions &options = {});

/// Every graph input that is not a constant is in `inputs` with the graph's dtype and
/// shape; the error names the first that is missing or differs.
Status checkGraphInputs(const graph::Graph &graph, const interp::TensorMap &inputs);

} // namespace tessera::exec
