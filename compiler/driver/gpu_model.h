//===- gpu_model.h - A whole model's GPU kernels run on a device ---------------------===//
//
// A GpuPlan (gpu_plan.h) run end to end: one device buffer per graph value (aliases
// share their source's), the constants copied in once, each step's kernels launched
// in plan order on the buffers of its values and its own temporaries, the graph's
// outputs copied back. The device is either a CUDA GPU (codegen/cuda_runner.h, the
// PTX of the plan) or the host emulating one (each bound kernel run as serial loops
// over its launch through the CPU JIT, codegen/gpu_bind.h), so the binding of a
// model's kernels is tested on machines without a GPU.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "compiler/driver/gpu_plan.h"
#include "compiler/graph/graph.h"
#include "support/status.h"
#include "support/tensor.h"

namespace tessera::driver {

/// Where a GPU plan's kernels run. Buffers are opaque handles.
class KernelDevice {
public:
  virtual ~KernelDevice() = default;
  virtual std::string name() const = 0;
  virtual StatusOr<uint64_t> allocate(size_t bytes) = 0;
  virtual void release(uint64_t buffer) = 0;
  virtual Status copyIn(uint64_t buffer, const void *data, size_t bytes) = 0;
  virtual Status copyOut(void *data, uint64_t buffer, size_t bytes) = 0;
  /// Queues `kernel` on `args`; with `ms`, waits for it and stores its time.
  virtual Status launch(const std::string &kernel, std::vector<uint64_t> &args, double *ms) = 0;
  virtual Status synchronize() = 0;
};

/// The CUDA device 0 with `module` compiled to PTX for its architecture (sm_90 when
/// LLVM does not know the device's); Unavailable, with the reason, without one.
StatusOr<std::unique_ptr<KernelDevice>> openCudaDevice(const loop::Module &module);
/// The host running `module`'s kernels one thread at a time (slow; for tests).
StatusOr<std::unique_ptr<KernelDevice>> openEmulatedDevice(const loop::Module &module);

/// A model's buffers on a device, ready to run. The graph, plan and device must outlive it.
class GpuModel {
public:
  /// Allocates every value's buffer and copies the constants in.
  static StatusOr<std::unique_ptr<GpuModel>> create(const graph::Graph &graph, const GpuPlan &plan,
                                                    KernelDevice &device);
  ~GpuModel();
  GpuModel(const GpuModel &) = delete;
  GpuModel &operator=(const GpuModel &) = delete;

  /// Copies the graph inputs in (checked against the graph's input types).
  Status setInputs(const std::map<std::string, Tensor> &inputs);
  /// Queues every kernel; with `kernelMs`, times each (waiting for each in turn) and
  /// adds it to the kernel's entry.
  Status run(std::map<std::string, double> *kernelMs = nullptr);
  /// Waits for the queued kernels and copies the graph outputs back.
  StatusOr<std::map<std::string, Tensor>> outputs();
  size_t deviceBytes() const { return deviceBytes_; }

private:
  GpuModel(const graph::Graph &graph, const GpuPlan &plan, KernelDevice &device)
      : graph_(graph), plan_(plan), device_(device) {}
  Status allocateValues();
  /// Bytes of `value`: of `constant` when given, else of its graph type.
  size_t valueBytes(const std::string &value, const Tensor *constant) const;
  StatusOr<uint64_t> valueBuffer(const std::string &value, const Tensor *derived);
  StatusOr<std::vector<uint64_t>> stepArguments(const GpuStep &step, const std::map<std::string, std::string> &aliasOf);
  StatusOr<uint64_t> bufferOf(const std::string &value) const;
  StatusOr<uint64_t> newBuffer(size_t bytes);

  const graph::Graph &graph_;
  const GpuPlan &plan_;
  KernelDevice &device_;
  std::map<std::string, uint64_t> values_;
  /// Per step: the buffer of every parameter.
  std::vector<std::vector<uint64_t>> stepArgs_;
  std::vector<uint64_t> owned_;
  size_t deviceBytes_ = 0;
};

} // namespace tessera::driver
