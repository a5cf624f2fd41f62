//===- graph_executor.cpp - Runs a planned graph ------------------------------------------===//
#include "compiler/exec/graph_executor.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <set>

#include "support/malloc_policy.h"

namespace tessera::exec {

namespace {

/// A tensor of `type` in the most recently released buffer that holds it without
/// leaving more than three quarters of itself unused -- of any shape: the lines a
/// kernel writes are then likely still in cache from the step that released them,
/// where a buffer kept for one shape was last touched a whole inference ago. A new
/// buffer when none fits.
Tensor takeTensor(GraphExecutor::TensorPool &pool, const graph::TensorType &type) {
  size_t needed = static_cast<size_t>(type.elementCount()) * dtypeSize(type.dtype);
  for (size_t k = pool.size(); k-- > 0;) {
    size_t capacity = pool[k].storage().capacity();
    if (capacity < needed || capacity > 4 * needed) continue;
    Tensor t = std::move(pool[k]);
    pool.erase(pool.begin() + static_cast<std::ptrdiff_t>(k));
    t.reuseAs(type.dtype, type.shape);
    return t;
  }
  return Tensor(type.dtype, type.shape);
}

} // namespace

StatusOr<std::unique_ptr<GraphExecutor>> GraphExecutor::create(graph::Graph graph, ExecutionPlan plan,
                                                               const KernelResolver &resolve) {
  auto executor = std::unique_ptr<GraphExecutor>(new GraphExecutor());
  tessera::keepFreedMemoryForReuse();  // intermediate tensors reused across runs
  for (const Step &step : plan.steps) {
    codegen::KernelFn fn = nullptr;
    if (step.kind == StepKind::Kernel) {
      TS_ASSIGN_OR_RETURN(fn, resolve(step.kernel));
    }
    executor->kernels_.push_back(fn);
  }
  for (auto &[name, tensor] : plan.constants) {
    graph.setValue(name, graph::TensorType(tensor.dtype(), tensor.shape())).constant = std::move(tensor);
  }
  plan.constants.clear();
  executor->graph_ = std::move(graph);
  executor->plan_ = std::move(plan);
  executor->placement_ = placeConcats(executor->graph_, executor->plan_);
  executor->planReleases();
  return executor;
}

void GraphExecutor::planReleases() {
  std::map<std::string, size_t> lastUse;
  for (size_t s = 0; s < plan_.steps.size(); ++s)
    for (size_t n : plan_.steps[s].nodes)
      for (const std::string &in : graph_.nodes[n].inputs)
        if (!in.empty()) lastUse[in] = s;
  // A buffer holding placed values lives until the last of them is read.
  for (const auto &[value, where] : placement_.placed) {
    auto use = lastUse.find(value);
    if (use == lastUse.end()) continue;
    size_t &owner = lastUse[placement_.resolve(value).owner];
    owner = std::max(owner, use->second);
  }
  dying_.assign(plan_.steps.size(), {});
  // Graph inputs are the caller's tensors, not the pool's: pooling them would grow the
  // pool by a copy of every input on every run.
  std::set<std::string> graphInputs(graph_.inputs.begin(), graph_.inputs.end());
  for (const auto &[value, s] : lastUse)
    if (!graph_.isGraphOutput(value) && !graph_.constantOf(value) && !graphInputs.count(value) &&
        !placement_.placed.count(value))
      dying_[s].push_back(value);
}

/// A kernel argument: the tensor's bytes, or for a value placed in a Concat's buffer,
/// its block of the buffer (allocated by the first writer).
StatusOr<uint8_t *> GraphExecutor::bufferOf(const std::string &name, RunValues &values, TensorPool &pool) const {
  if (placement_.placed.count(name)) {
    Placement where = placement_.resolve(name);
    auto it = values.computed.find(where.owner);
    if (it == values.computed.end())
      it = values.computed.emplace(where.owner, takeTensor(pool, graph_.typeOf(where.owner))).first;
    return it->second.bytes() + where.offset;
  }
  const Tensor *t = find(name, values);
  if (!t) return absl::InternalError(strCat("value ", name, " is not computed"));
  return const_cast<uint8_t *>(t->bytes());
}

const Tensor *GraphExecutor::find(const std::string &name, const RunValues &values) const {
  if (const Tensor *c = graph_.constantOf(name)) return c;
  if (auto it = values.computed.find(name); it != values.computed.end()) return &it->second;
  auto in = values.inputs.find(name);
  return in == values.inputs.end() ? nullptr : &in->second;
}


Status GraphExecutor::runStep(size_t index, RunValues &values, TensorPool &pool) const {
  const Step &step = plan_.steps[index];
  const graph::Node &last = graph_.nodes[step.nodes.back()];
  if (placement_.skipped[index]) return absl::OkStatus();  // a Concat whose inputs were written in place
  if (step.kind == StepKind::Alias) {
    // An intermediate read for the last time here becomes the result (no copy).
    const std::vector<std::string> &dying = dying_[index];
    auto computed = values.computed.find(last.input(0));
    if (computed != values.computed.end() && std::count(dying.begin(), dying.end(), last.input(0))) {
      Tensor out = std::move(computed->second);
      values.computed.erase(computed);
      const graph::TensorType &type = graph_.typeOf(last.outputs[0]);
      out.reuseAs(type.dtype, type.shape);
      values.computed[last.outputs[0]] = std::move(out);
      return absl::OkStatus();
    }
    const Tensor *in = find(last.input(0), values);
    Tensor out = takeTensor(pool, graph_.typeOf(last.outputs[0]));
    // An empty tensor has no storage (a null pointer memcpy must not see).
    if (in->byteSize() > 0) std::memcpy(out.bytes(), in->bytes(), in->byteSize());
    values.computed[last.outputs[0]] = std::move(out);
    return absl::OkStatus();
  }
  if (step.kind == StepKind::Reference) {
    std::vector<const Tensor *> inputs;
    for (const std::string &in : last.inputs) inputs.push_back(in.empty() ? nullptr : find(in, values));
    TS_ASSIGN_OR_RETURN(std::vector<Tensor> results, interp::evaluateNode(last, inputs));
    for (size_t k = 0; k < results.size() && k < last.outputs.size(); ++k)
      if (!last.outputs[k].empty()) values.computed[last.outputs[k]] = std::move(results[k]);
    return absl::OkStatus();
  }
  for (const std::string &output : last.outputs) {
    if (output.empty() || placement_.placed.count(output)) continue;
    values.computed[output] = takeTensor(pool, graph_.typeOf(output));
  }
  std::vector<void *> args;
  for (const std::string &param : step.params) {
    auto buffer = bufferOf(param, values, pool);
    if (!buffer.ok()) return absl::InternalError(strCat("kernel ", step.kernel, ": ", buffer.status().message()));
    args.push_back(*buffer);
  }
  kernels_[index](args.data());
  return absl::OkStatus();
}

Status checkGraphInputs(const graph::Graph &graph, const interp::TensorMap &inputs) {
  for (const std::string &name : graph.inputs) {
    if (graph.constantOf(name)) continue;
    auto it = inputs.find(name);
    if (it == inputs.end()) return invalidInput("no value for graph input '%s'", name);
    const graph::TensorType &type = graph.typeOf(name);
    if (it->second.dtype() != type.dtype || it->second.shape() != type.shape)
      return invalidInput("input '%s' is %s %s, the model expects %s %s", name, dtypeName(it->second.dtype()),
                          shapeToString(it->second.shape()), dtypeName(type.dtype), shapeToString(type.shape));
  }
  return absl::OkStatus();
}

StatusOr<interp::TensorMap> GraphExecutor::run(const interp::TensorMap &inputs, std::vector<double> *stepMs) const {
  RunValues values{inputs, {}};
  TS_RETURN_IF_ERROR(checkGraphInputs(graph_, inputs));
  TensorPool pool;
  {
    std::lock_guard<std::mutex> lock(poolMutex_);
    pool.swap(pool_);
  }
  if (stepMs) stepMs->resize(plan_.steps.size(), 0.0);
  for (size_t s = 0; s < plan_.steps.size(); ++s) {
    auto start = std::chrono::steady_clock::now();
    TS_RETURN_IF_ERROR(runStep(s, values, pool));
    if (stepMs) (*stepMs)[s] += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    for (const std::string &value : dying_[s]) {
      auto it = values.computed.find(value);
      if (it == values.computed.end()) continue;
      Tensor &t = it->second;
      pool.push_back(std::move(t));
      values.computed.erase(it);
    }
  }
  interp::TensorMap outputs;
  for (const std::string &name : graph_.outputs) {
    const Tensor *t = find(name, values);
    if (!t) return absl::InternalError(strCat("graph output ", name, " was not computed"));
    outputs[name] = *t;
  }
  std::lock_guard<std::mutex> lock(poolMutex_);
  if (pool_.empty()) pool_.swap(pool);
  return outputs;
}

size_t GraphExecutor::pooledBytes() const {
  std::lock_guard<std::mutex> lock(poolMutex_);
  size_t bytes = 0;
  for (const Tensor &t : pool_) bytes += t.storage().capacity();
  return bytes;
}

StatusOr<CompiledModel> compileForCpu(const graph::Graph &graph, const PlanOptions &options) {
  TS_ASSIGN_OR_RETURN(ExecutionPlan plan, planGraph(graph, options));
  CompiledModel model;
  TS_ASSIGN_OR_RETURN(model.jit, codegen::CpuJit::compile(plan.module));
  codegen::CpuJit *jit = model.jit.get();
  TS_ASSIGN_OR_RETURN(model.executor, GraphExecutor::create(graph, std::move(plan),
                                                            [jit](const std::string &name) { return jit->lookup(name); }));
  return model;
}

} // namespace tessera::exec
