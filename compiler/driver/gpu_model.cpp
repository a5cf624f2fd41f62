//===- gpu_model.cpp - A whole model's GPU kernels run on a device -------------------===//
#include "compiler/driver/gpu_model.h"

#include <chrono>
#include <cstring>

#include "compiler/codegen/cpu_jit.h"
#include "compiler/codegen/cuda_runner.h"
#include "compiler/codegen/gpu_bind.h"
#include "compiler/exec/graph_executor.h"

namespace tessera::driver {
namespace {

class CudaDevice : public KernelDevice {
public:
  explicit CudaDevice(std::unique_ptr<codegen::CudaRunner> runner) : runner_(std::move(runner)) {}
  std::string name() const override { return strCat(runner_->deviceName(), " (", runner_->arch(), ")"); }
  StatusOr<uint64_t> allocate(size_t bytes) override { return runner_->allocate(bytes); }
  void release(uint64_t buffer) override { runner_->release(buffer); }
  Status copyIn(uint64_t buffer, const void *data, size_t bytes) override {
    return runner_->copyToDevice(buffer, data, bytes);
  }
  Status copyOut(void *data, uint64_t buffer, size_t bytes) override {
    return runner_->copyFromDevice(data, buffer, bytes);
  }
  Status launch(const std::string &kernel, std::vector<uint64_t> &args, double *ms) override {
    std::vector<codegen::CudaRunner::DevicePtr> pointers(args.begin(), args.end());
    return runner_->enqueue(kernel, pointers, ms);
  }
  Status synchronize() override { return runner_->synchronize(); }

private:
  std::unique_ptr<codegen::CudaRunner> runner_;
};

class EmulatedDevice : public KernelDevice {
public:
  explicit EmulatedDevice(std::unique_ptr<codegen::CpuJit> jit) : jit_(std::move(jit)) {}
  std::string name() const override { return "host emulation"; }
  StatusOr<uint64_t> allocate(size_t bytes) override {
    buffers_.emplace_back(std::max<size_t>(bytes, 1));
    return buffers_.size() - 1;
  }
  void release(uint64_t buffer) override { buffers_.at(buffer) = {}; }
  Status copyIn(uint64_t buffer, const void *data, size_t bytes) override {
    std::memcpy(buffers_.at(buffer).data(), data, bytes);
    return absl::OkStatus();
  }
  Status copyOut(void *data, uint64_t buffer, size_t bytes) override {
    std::memcpy(data, buffers_.at(buffer).data(), bytes);
    return absl::OkStatus();
  }
  Status launch(const std::string &kernel, std::vector<uint64_t> &args, double *ms) override {
    TS_ASSIGN_OR_RETURN(codegen::KernelFn fn, jit_->lookup(kernel));
    std::vector<void *> pointers;
    for (uint64_t a : args) pointers.push_back(buffers_.at(a).data());
    auto start = std::chrono::steady_clock::now();
    fn(pointers.data());
    if (ms) *ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return absl::OkStatus();
  }
  Status synchronize() override { return absl::OkStatus(); }

private:
  std::unique_ptr<codegen::CpuJit> jit_;
  std::vector<std::vector<std::byte>> buffers_;
};

size_t bytesOf(DType dtype, const std::vector<int64_t> &shape) { return dtypeSize(dtype) * shapeElementCount(shape); }

} // namespace

StatusOr<std::unique_ptr<KernelDevice>> openCudaDevice(const loop::Module &module) {
  TS_ASSIGN_OR_RETURN(std::unique_ptr<codegen::CudaRunner> runner, codegen::CudaRunner::open());
  // PTX for an older architecture runs on newer GPUs (the driver JIT-compiles it).
  auto ptx = codegen::compileToPtx(module, runner->arch());
  if (!ptx.ok()) ptx = codegen::compileToPtx(module, "sm_90");
  if (!ptx.ok()) return ptx.status();
  TS_RETURN_IF_ERROR(runner->load(*ptx));
  return std::unique_ptr<KernelDevice>(new CudaDevice(std::move(runner)));
}

StatusOr<std::unique_ptr<KernelDevice>> openEmulatedDevice(const loop::Module &module) {
  loop::Module host;
  for (const loop::Func &f : module.funcs) {
    TS_ASSIGN_OR_RETURN(codegen::BoundKernel bound, codegen::bindGpuLoops(f));
    TS_ASSIGN_OR_RETURN(loop::Func emulation, codegen::hostEmulation(bound));
    host.funcs.push_back(std::move(emulation));
  }
  TS_ASSIGN_OR_RETURN(std::unique_ptr<codegen::CpuJit> jit, codegen::CpuJit::compile(host));
  return std::unique_ptr<KernelDevice>(new EmulatedDevice(std::move(jit)));
}

StatusOr<std::unique_ptr<GpuModel>> GpuModel::create(const graph::Graph &graph, const GpuPlan &plan,
                                                     KernelDevice &device) {
  if (!plan.missing.empty())
    return absl::UnimplementedError(strCat("the model has nodes without a GPU kernel:\n", missingSummary(plan)));
  std::unique_ptr<GpuModel> model(new GpuModel(graph, plan, device));
  TS_RETURN_IF_ERROR(model->allocateValues());
  return model;
}

GpuModel::~GpuModel() {
  for (uint64_t buffer : owned_) device_.release(buffer);
}

StatusOr<uint64_t> GpuModel::newBuffer(size_t bytes) {
  TS_ASSIGN_OR_RETURN(uint64_t buffer, device_.allocate(bytes));
  owned_.push_back(buffer);
  deviceBytes_ += bytes;
  return buffer;
}

StatusOr<uint64_t> GpuModel::bufferOf(const std::string &value) const {
  auto it = values_.find(value);
  if (it == values_.end()) return absl::InternalError(strCat("GPU model: no buffer holds value ", value));
  return it->second;
}

size_t GpuModel::valueBytes(const std::string &value, const Tensor *constant) const {
  if (constant) return constant->byteSize();
  const graph::TensorType &type = graph_.typeOf(value);
  return bytesOf(type.dtype, type.shape);
}

/// `value`'s buffer, allocated (and filled, for a constant) on first use; a constant
/// the description derived is taken from `derived`.
StatusOr<uint64_t> GpuModel::valueBuffer(const std::string &value, const Tensor *derived) {
  if (values_.count(value)) return values_.at(value);
  const Tensor *constant = derived ? derived : graph_.constantOf(value);
  if (!constant && !graph_.findValue(value))
    return absl::InternalError(strCat("GPU model: the plan names value ", value, ", which the graph lacks"));
  TS_ASSIGN_OR_RETURN(uint64_t buffer, newBuffer(valueBytes(value, constant)));
  values_[value] = buffer;
  if (constant) TS_RETURN_IF_ERROR(device_.copyIn(buffer, constant->bytes(), constant->byteSize()));
  return buffer;
}

/// The buffer of each of `step`'s parameters: its value's (through aliases) or a new
/// temporary; a value whose size differs from its parameter's is an internal error.
StatusOr<std::vector<uint64_t>> GpuModel::stepArguments(const GpuStep &step,
                                                        const std::map<std::string, std::string> &aliasOf) {
  std::vector<uint64_t> args;
  for (size_t i = 0; i < step.params.size(); ++i) {
    const loop::Buffer &param = step.params[i];
    size_t bytes = bytesOf(param.dtype, param.shape);
    if (i >= step.values.size()) {
      TS_ASSIGN_OR_RETURN(uint64_t temp, newBuffer(bytes));
      args.push_back(temp);
      continue;
    }
    std::string value = step.values[i];
    while (aliasOf.count(value)) value = aliasOf.at(value);
    auto derived = step.constants.find(value);
    const Tensor *constant = derived != step.constants.end() ? &derived->second : graph_.constantOf(value);
    TS_ASSIGN_OR_RETURN(uint64_t buffer, valueBuffer(value, constant));
    if (valueBytes(value, constant) != bytes)
      return absl::InternalError(strCat("GPU model: kernel ", step.funcs.front(), " parameter %", param.name, " takes ",
                                        bytes, " bytes, its value ", value, " has ", valueBytes(value, constant)));
    args.push_back(buffer);
  }
  return args;
}

Status GpuModel::allocateValues() {
  for (const std::string &input : graph_.inputs) TS_RETURN_IF_ERROR(valueBuffer(input, nullptr).status());
  std::map<std::string, std::string> aliasOf(plan_.aliases.begin(), plan_.aliases.end());
  for (const GpuStep &step : plan_.steps) {
    TS_ASSIGN_OR_RETURN(std::vector<uint64_t> args, stepArguments(step, aliasOf));
    stepArgs_.push_back(std::move(args));
  }
  auto root = [&](std::string value) {
    while (aliasOf.count(value)) value = aliasOf.at(value);
    return value;
  };
  // An output no kernel writes (a constant, or an alias of one) still has its buffer.
  for (const std::string &output : graph_.outputs) TS_RETURN_IF_ERROR(valueBuffer(root(output), nullptr).status());
  for (const auto &[alias, source] : plan_.aliases)
    if (values_.count(root(source))) values_[alias] = values_.at(root(source));
  return absl::OkStatus();
}

Status GpuModel::setInputs(const std::map<std::string, Tensor> &inputs) {
  TS_RETURN_IF_ERROR(exec::checkGraphInputs(graph_, inputs));
  for (const std::string &name : graph_.inputs) {
    if (graph_.constantOf(name)) continue;
    const Tensor &input = inputs.at(name);
    TS_ASSIGN_OR_RETURN(uint64_t buffer, bufferOf(name));
    TS_RETURN_IF_ERROR(device_.copyIn(buffer, input.bytes(), input.byteSize()));
  }
  return absl::OkStatus();
}

Status GpuModel::run(std::map<std::string, double> *kernelMs) {
  for (size_t s = 0; s < plan_.steps.size(); ++s)
    for (const std::string &kernel : plan_.steps[s].funcs) {
      double ms = 0;
      TS_RETURN_IF_ERROR(device_.launch(kernel, stepArgs_[s], kernelMs ? &ms : nullptr));
      if (kernelMs) (*kernelMs)[kernel] += ms;
    }
  return absl::OkStatus();
}

StatusOr<std::map<std::string, Tensor>> GpuModel::outputs() {
  TS_RETURN_IF_ERROR(device_.synchronize());
  std::map<std::string, Tensor> out;
  for (const std::string &name : graph_.outputs) {
    const graph::TensorType &type = graph_.typeOf(name);
    Tensor tensor(type.dtype, type.shape);
    TS_ASSIGN_OR_RETURN(uint64_t buffer, bufferOf(name));
    TS_RETURN_IF_ERROR(device_.copyOut(tensor.bytes(), buffer, tensor.byteSize()));
    out.emplace(name, std::move(tensor));
  }
  return out;
}

} // namespace tessera::driver
