//===- graph_executor.cpp - Runs a planned graph ------------------------------------------===//
#include "compiler/exec/graph_executor.h"

#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <set>

namespace tessera::exec {

namespace {

/// Intermediate tensors (megabytes each) are allocated and freed on every run. By
/// default glibc serves such blocks with mmap and returns them on free, so every run
/// page-faults its activations in again (a quarter of MobileNetV2's time); keeping
/// them in the heap lets the next run reuse the same pages.
void keepFreedMemoryForReuse() {
  static const bool done = [] {
    mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's largest accepted value
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    return true;
  }();
  (void)done;
}

} // namespace

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
  keepFreedMemoryForReuse();
  for (const Step &step : plan.steps) {
    codegen::KernelFn fn = nullptr;
    if (step.kind == StepKind::Kernel) {
      TS_ASSIGN_OR_RETURN(fn, resolve(step.kernel));
    }
    executor->kernels_.push_back(fn);
  }
  // Release each intermediate after the last step that reads it.
  std::map<std::string, size_t> lastUse;
  for (size_t s = 0; s < plan.steps.size(); ++s)
    for (size_t n : plan.steps[s].nodes)
      for (const std::string &in : graph.nodes[n].inputs)
        if (!in.empty()) lastUse[in] = s;
  executor->dying_.resize(plan.steps.size());
  // Graph inputs are the caller's tensors, not the pool's: pooling them would grow the
  // pool by a copy of every input on every run.
  std::set<std::string> graphInputs(graph.inputs.begin(), graph.inputs.end());
  for (const auto &[value, s] : lastUse)
    if (!graph.isGraphOutput(value) && !graph.constantOf(value) && !graphInputs.count(value))
      executor->dying_[s].push_back(value);
  for (auto &[name, tensor] : plan.constants) {
    graph.setValue(name, graph::TensorType(tensor.dtype(), tensor.shape())).constant = std::move(tensor);
  }
  plan.constants.clear();
  executor->graph_ = std::move(graph);
  executor->plan_ = std::move(plan);
  executor->placeConcatInputs();
  return executor;
}

void GraphExecutor::placeConcatInputs() {
  skipped_.assign(plan_.steps.size(), false);
  std::map<std::string, size_t> producer;  // value -> the kernel step whose single result it is
  for (size_t s = 0; s < plan_.steps.size(); ++s) {
    const Step &step = plan_.steps[s];
    const graph::Node &last = graph_.nodes[step.nodes.back()];
    if (step.kind == StepKind::Kernel && last.outputs.size() == 1) producer[last.outputs[0]] = s;
  }
  std::unordered_map<std::string, int> uses = graph_.useCounts();
  for (size_t s = 0; s < plan_.steps.size(); ++s) {
    const graph::Node &node = graph_.nodes[plan_.steps[s].nodes.back()];
    if (plan_.steps[s].nodes.size() != 1 || node.op != "Concat" || node.outputs.size() != 1) continue;
    const graph::TensorType &out = graph_.typeOf(node.outputs[0]);
    if (!out.isStatic()) continue;
    int64_t rank = static_cast<int64_t>(out.shape.size()), axis = node.attrs.getInt("axis", 0);
    if (axis < 0) axis += rank;
    bool leading = axis >= 0 && axis < rank;
    for (int64_t d = 0; leading && d < axis; ++d) leading = out.shape[d] == 1;
    std::set<std::string> seen;
    bool placeable = leading;
    for (const std::string &in : node.inputs)
      placeable = placeable && producer.count(in) && uses[in] == 1 && !graph_.isGraphOutput(in) &&
                  seen.insert(in).second && graph_.typeOf(in).dtype == out.dtype;
    if (!placeable) continue;
    size_t offset = 0;
    for (const std::string &in : node.inputs) {
      placed_[in] = {node.outputs[0], offset};
      offset += static_cast<size_t>(graph_.typeOf(in).elementCount()) * dtypeSize(out.dtype);
    }
    skipped_[s] = true;
  }
}

/// A kernel argument: the tensor's bytes, or for a value written in place into a
/// Concat, its block of the Concat's output (allocated by the first writer).
StatusOr<uint8_t *> GraphExecutor::bufferOf(const std::string &name, RunValues &values, TensorPool &pool) const {
  auto placed = placed_.find(name);
  if (placed != placed_.end()) {
    auto it = values.computed.find(placed->second.concat);
    if (it == values.computed.end())
      it = values.computed.emplace(placed->second.concat, takeTensor(pool, graph_.typeOf(placed->second.concat))).first;
    return it->second.bytes() + placed->second.offset;
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
  if (skipped_[index]) return absl::OkStatus();  // a Concat whose inputs were written in place
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
    std::memcpy(out.bytes(), in->bytes(), in->byteSize());
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
    if (output.empty() || placed_.count(output)) continue;
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

StatusOr<interp::TensorMap> GraphExecutor::run(const interp::TensorMap &inputs, std::vector<double> *stepMs) const {
  RunValues values{inputs, {}};
  for (const std::string &name : graph_.inputs) {
    if (graph_.constantOf(name)) continue;
    auto it = inputs.find(name);
    if (it == inputs.end()) return invalidInput("no value for graph input '%s'", name);
    const graph::TensorType &type = graph_.typeOf(name);
    if (it->second.dtype() != type.dtype || it->second.shape() != type.shape)
      return invalidInput("input '%s' is %s %s, the model expects %s %s", name, dtypeName(it->second.dtype()),
                          shapeToString(it->second.shape()), dtypeName(type.dtype), shapeToString(type.shape));
  }
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
