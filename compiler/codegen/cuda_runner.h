//===- cuda_runner.h - Runs PTX kernels through the CUDA driver API -------------------===//
//
// The driver (libcuda.so.1) is loaded with dlopen when a runner opens, so nothing
// links against CUDA and machines without a GPU build and run everything else: open()
// answers Unavailable with the reason ("libcuda.so.1 not found: ...", "no CUDA
// device"), which the tests report as a skip. On a GPU the runner takes device 0's
// primary context, loads PTX modules (the driver JIT-compiles them for the device),
// copies host tensors to device buffers, launches kernels with the grid and block of
// their GPU loops, and copies the results back.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "compiler/codegen/nvptx_codegen.h"
#include "compiler/lower/gpu_schedule.h"
#include "support/status.h"
#include "support/tensor.h"

namespace tessera::codegen {

struct CudaDriver;

class CudaRunner {
public:
  /// Loads the driver and takes device 0; Unavailable (with why) when there is none.
  static StatusOr<std::unique_ptr<CudaRunner>> open();
  ~CudaRunner();
  CudaRunner(const CudaRunner &) = delete;
  CudaRunner &operator=(const CudaRunner &) = delete;

  const std::string &deviceName() const { return deviceName_; }
  /// The device's compute capability as an architecture name (sm_90 for 9.0).
  const std::string &arch() const { return arch_; }

  /// Loads `module` (replacing the one loaded before).
  Status load(const PtxModule &module);
  /// Runs the kernels of `program` in order on `params` (one tensor per entry of
  /// program.params, temporaries included), copying every tensor in and back.
  Status run(const lower::GpuProgram &program, const std::vector<Tensor *> &params);

  /// Device memory, for callers that keep buffers across launches (a whole model).
  using DevicePtr = unsigned long long;
  StatusOr<DevicePtr> allocate(size_t bytes);
  void release(DevicePtr buffer);
  Status copyToDevice(DevicePtr buffer, const void *data, size_t bytes);
  Status copyFromDevice(void *data, DevicePtr buffer, size_t bytes);
  /// Queues kernel `kernel` of the loaded module on `args` without waiting for it;
  /// with `ms`, waits and stores the kernel's time on the device (CUDA events).
  Status enqueue(const std::string &kernel, std::vector<DevicePtr> &args, double *ms = nullptr);
  /// Waits for every queued kernel; an error names the failure the device reported.
  Status synchronize();

private:
  CudaRunner() = default;
  Status check(int result, const std::string &what) const;
  Status launch(const std::string &kernel, const LaunchDims &dims, std::vector<unsigned long long> &pointers);
  StatusOr<void *> function(const std::string &kernel);

  std::unique_ptr<CudaDriver> driver_;
  std::string deviceName_, arch_;
  int device_ = 0;
  void *context_ = nullptr;
  void *module_ = nullptr;
  std::vector<PtxKernel> kernels_;
};

} // namespace tessera::codegen
