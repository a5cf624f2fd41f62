//===- cuda_runner.cpp - The CUDA driver API through dlopen ----------------------------===//
#include "compiler/codegen/cuda_runner.h"

#include <dlfcn.h>

#include <algorithm>

namespace tessera::codegen {

using CUdeviceptr = unsigned long long;

/// The driver entry points used, resolved by name (the ABI of cuda.h, which is not
/// needed to build).
struct CudaDriver {
  void *library = nullptr;
  int (*cuInit)(unsigned);
  int (*cuDeviceGetCount)(int *);
  int (*cuDeviceGet)(int *, int);
  int (*cuDeviceGetName)(char *, int, int);
  int (*cuDeviceGetAttribute)(int *, int, int);
  int (*cuDevicePrimaryCtxRetain)(void **, int);
  int (*cuDevicePrimaryCtxRelease)(int);
  int (*cuCtxSetCurrent)(void *);
  int (*cuCtxSynchronize)();
  int (*cuModuleLoadData)(void **, const void *);
  int (*cuModuleUnload)(void *);
  int (*cuModuleGetFunction)(void **, void *, const char *);
  int (*cuMemAlloc)(CUdeviceptr *, size_t);
  int (*cuMemFree)(CUdeviceptr);
  int (*cuMemcpyHtoD)(CUdeviceptr, const void *, size_t);
  int (*cuMemcpyDtoH)(void *, CUdeviceptr, size_t);
  int (*cuLaunchKernel)(void *, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, void *, void **,
                        void **);
  int (*cuGetErrorString)(int, const char **);
  int (*cuEventCreate)(void **, unsigned);
  int (*cuEventDestroy)(void *);
  int (*cuEventRecord)(void *, void *);
  int (*cuEventSynchronize)(void *);
  int (*cuEventElapsedTime)(float *, void *, void *);

  ~CudaDriver() {
    if (library) ::dlclose(library);
  }
};

namespace {

constexpr int kCudaSuccess = 0;
constexpr int kCudaErrorNoDevice = 100;
constexpr int kComputeCapabilityMajor = 75, kComputeCapabilityMinor = 76;

/// Resolves `symbol` into `fn`. The names are explicit: some entry points exist in
/// several versions with different signatures (cuMemAlloc_v2 is the 64-bit one;
/// cuCtxSynchronize_v2 takes a context).
template <typename Fn> Status resolve(CudaDriver &d, Fn &fn, const char *symbol) {
  void *address = ::dlsym(d.library, symbol);
  if (!address) return absl::UnavailableError(strCat("libcuda.so.1 lacks ", symbol));
  fn = reinterpret_cast<Fn>(address);
  return absl::OkStatus();
}

StatusOr<std::unique_ptr<CudaDriver>> loadDriver() {
  auto d = std::make_unique<CudaDriver>();
  d->library = ::dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!d->library) return absl::UnavailableError(strCat("libcuda.so.1 not found: ", ::dlerror()));
#define TESSERA_RESOLVE(fn, symbol) TS_RETURN_IF_ERROR(resolve(*d, d->fn, symbol))
  TESSERA_RESOLVE(cuInit, "cuInit");
  TESSERA_RESOLVE(cuDeviceGetCount, "cuDeviceGetCount");
  TESSERA_RESOLVE(cuDeviceGet, "cuDeviceGet");
  TESSERA_RESOLVE(cuDeviceGetName, "cuDeviceGetName");
  TESSERA_RESOLVE(cuDeviceGetAttribute, "cuDeviceGetAttribute");
  TESSERA_RESOLVE(cuDevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain");
  TESSERA_RESOLVE(cuDevicePrimaryCtxRelease, "cuDevicePrimaryCtxRelease_v2");
  TESSERA_RESOLVE(cuCtxSetCurrent, "cuCtxSetCurrent");
  TESSERA_RESOLVE(cuCtxSynchronize, "cuCtxSynchronize");
  TESSERA_RESOLVE(cuModuleLoadData, "cuModuleLoadData");
  TESSERA_RESOLVE(cuModuleUnload, "cuModuleUnload");
  TESSERA_RESOLVE(cuModuleGetFunction, "cuModuleGetFunction");
  TESSERA_RESOLVE(cuMemAlloc, "cuMemAlloc_v2");
  TESSERA_RESOLVE(cuMemFree, "cuMemFree_v2");
  TESSERA_RESOLVE(cuMemcpyHtoD, "cuMemcpyHtoD_v2");
  TESSERA_RESOLVE(cuMemcpyDtoH, "cuMemcpyDtoH_v2");
  TESSERA_RESOLVE(cuLaunchKernel, "cuLaunchKernel");
  TESSERA_RESOLVE(cuGetErrorString, "cuGetErrorString");
  TESSERA_RESOLVE(cuEventCreate, "cuEventCreate");
  TESSERA_RESOLVE(cuEventDestroy, "cuEventDestroy_v2");
  TESSERA_RESOLVE(cuEventRecord, "cuEventRecord");
  TESSERA_RESOLVE(cuEventSynchronize, "cuEventSynchronize");
  TESSERA_RESOLVE(cuEventElapsedTime, "cuEventElapsedTime");
#undef TESSERA_RESOLVE
  return d;
}

/// Device allocations freed on scope exit.
class DeviceBuffers {
public:
  explicit DeviceBuffers(CudaDriver &d) : d_(d) {}
  ~DeviceBuffers() {
    for (CUdeviceptr p : pointers) d_.cuMemFree(p);
  }
  std::vector<CUdeviceptr> pointers;

private:
  CudaDriver &d_;
};

} // namespace

CudaRunner::~CudaRunner() {
  if (!driver_) return;
  if (module_) driver_->cuModuleUnload(module_);
  if (context_) driver_->cuDevicePrimaryCtxRelease(device_);
}

Status CudaRunner::check(int result, const std::string &what) const {
  if (result == kCudaSuccess) return absl::OkStatus();
  const char *message = nullptr;
  driver_->cuGetErrorString(result, &message);
  return absl::InternalError(strCat("CUDA ", what, ": error ", result, " (", message ? message : "unknown", ")"));
}

StatusOr<std::unique_ptr<CudaRunner>> CudaRunner::open() {
  std::unique_ptr<CudaRunner> runner(new CudaRunner());
  TS_ASSIGN_OR_RETURN(runner->driver_, loadDriver());
  CudaDriver &d = *runner->driver_;
  int result = d.cuInit(0), count = 0;
  if (result == kCudaErrorNoDevice) return absl::UnavailableError("no CUDA device (cuInit: no device)");
  TS_RETURN_IF_ERROR(runner->check(result, "cuInit"));
  TS_RETURN_IF_ERROR(runner->check(d.cuDeviceGetCount(&count), "cuDeviceGetCount"));
  if (count == 0) return absl::UnavailableError("no CUDA device");
  TS_RETURN_IF_ERROR(runner->check(d.cuDeviceGet(&runner->device_, 0), "cuDeviceGet"));
  char name[256] = {};
  TS_RETURN_IF_ERROR(runner->check(d.cuDeviceGetName(name, sizeof name, runner->device_), "cuDeviceGetName"));
  runner->deviceName_ = name;
  int major = 0, minor = 0;
  TS_RETURN_IF_ERROR(runner->check(d.cuDeviceGetAttribute(&major, kComputeCapabilityMajor, runner->device_), "cuDeviceGetAttribute"));
  TS_RETURN_IF_ERROR(runner->check(d.cuDeviceGetAttribute(&minor, kComputeCapabilityMinor, runner->device_), "cuDeviceGetAttribute"));
  runner->arch_ = strCat("sm_", major, minor);
  TS_RETURN_IF_ERROR(runner->check(d.cuDevicePrimaryCtxRetain(&runner->context_, runner->device_), "cuDevicePrimaryCtxRetain"));
  TS_RETURN_IF_ERROR(runner->check(d.cuCtxSetCurrent(runner->context_), "cuCtxSetCurrent"));
  return runner;
}

Status CudaRunner::load(const PtxModule &module) {
  TS_RETURN_IF_ERROR(check(driver_->cuCtxSetCurrent(context_), "cuCtxSetCurrent"));
  if (module_) driver_->cuModuleUnload(module_);
  module_ = nullptr;
  TS_RETURN_IF_ERROR(check(driver_->cuModuleLoadData(&module_, module.ptx.c_str()), "cuModuleLoadData"));
  kernels_ = module.kernels;
  return absl::OkStatus();
}

StatusOr<void *> CudaRunner::function(const std::string &kernel) {
  if (!module_) return invalidInput("CUDA runner: no module loaded");
  void *function = nullptr;
  TS_RETURN_IF_ERROR(check(driver_->cuModuleGetFunction(&function, module_, kernel.c_str()), "cuModuleGetFunction " + kernel));
  return function;
}

Status CudaRunner::launch(const std::string &kernel, const LaunchDims &dims, std::vector<CUdeviceptr> &pointers) {
  TS_ASSIGN_OR_RETURN(void *fn, function(kernel));
  std::vector<void *> args;
  for (CUdeviceptr &p : pointers) args.push_back(&p);
  auto u = [](int64_t v) { return static_cast<unsigned>(v); };
  int result = driver_->cuLaunchKernel(fn, u(dims.grid[0]), u(dims.grid[1]), u(dims.grid[2]), u(dims.block[0]),
                                       u(dims.block[1]), u(dims.block[2]), 0, nullptr, args.data(), nullptr);
  return check(result, "cuLaunchKernel " + kernel);
}

StatusOr<CudaRunner::DevicePtr> CudaRunner::allocate(size_t bytes) {
  CUdeviceptr p = 0;
  TS_RETURN_IF_ERROR(check(driver_->cuMemAlloc(&p, std::max<size_t>(bytes, 1)), strCat("cuMemAlloc of ", bytes, " bytes")));
  return p;
}

void CudaRunner::release(DevicePtr buffer) { driver_->cuMemFree(buffer); }

Status CudaRunner::copyToDevice(DevicePtr buffer, const void *data, size_t bytes) {
  return check(driver_->cuMemcpyHtoD(buffer, data, bytes), "cuMemcpyHtoD");
}

Status CudaRunner::copyFromDevice(void *data, DevicePtr buffer, size_t bytes) {
  return check(driver_->cuMemcpyDtoH(data, buffer, bytes), "cuMemcpyDtoH");
}

Status CudaRunner::enqueue(const std::string &kernel, std::vector<DevicePtr> &args, double *ms) {
  const PtxKernel *k = nullptr;
  for (const PtxKernel &candidate : kernels_)
    if (candidate.name == kernel) k = &candidate;
  if (!k) return invalidInput("CUDA runner: the loaded module has no kernel %s", kernel);
  if (!ms) return launch(kernel, k->dims, args);
  void *start = nullptr, *stop = nullptr;
  TS_RETURN_IF_ERROR(check(driver_->cuEventCreate(&start, 0), "cuEventCreate"));
  TS_RETURN_IF_ERROR(check(driver_->cuEventCreate(&stop, 0), "cuEventCreate"));
  Status status = check(driver_->cuEventRecord(start, nullptr), "cuEventRecord");
  if (status.ok()) status = launch(kernel, k->dims, args);
  if (status.ok()) status = check(driver_->cuEventRecord(stop, nullptr), "cuEventRecord");
  if (status.ok()) status = check(driver_->cuEventSynchronize(stop), "running " + kernel);
  float elapsed = 0;
  if (status.ok()) status = check(driver_->cuEventElapsedTime(&elapsed, start, stop), "cuEventElapsedTime");
  driver_->cuEventDestroy(start);
  driver_->cuEventDestroy(stop);
  *ms = elapsed;
  return status;
}

Status CudaRunner::synchronize() { return check(driver_->cuCtxSynchronize(), "cuCtxSynchronize (running kernels)"); }

Status CudaRunner::run(const lower::GpuProgram &program, const std::vector<Tensor *> &params) {
  if (!module_) return invalidInput("CUDA runner: no module loaded");
  if (params.size() != program.params.size())
    return invalidInput("CUDA runner: %d tensors for %d parameters", params.size(), program.params.size());
  TS_RETURN_IF_ERROR(check(driver_->cuCtxSetCurrent(context_), "cuCtxSetCurrent"));
  DeviceBuffers buffers(*driver_);
  for (size_t i = 0; i < params.size(); ++i) {
    const loop::Buffer &b = program.params[i];
    if (params[i]->shape() != b.shape || params[i]->dtype() != b.dtype)
      return invalidInput("CUDA runner: tensor %d does not match parameter %%%s", i, b.name);
    CUdeviceptr p = 0;
    TS_RETURN_IF_ERROR(check(driver_->cuMemAlloc(&p, params[i]->byteSize()), "cuMemAlloc"));
    buffers.pointers.push_back(p);
    TS_RETURN_IF_ERROR(check(driver_->cuMemcpyHtoD(p, params[i]->bytes(), params[i]->byteSize()), "cuMemcpyHtoD"));
  }
  for (const loop::Func &f : program.module.funcs) {
    auto it = std::find_if(kernels_.begin(), kernels_.end(), [&](const PtxKernel &k) { return k.name == f.name; });
    if (it == kernels_.end()) return invalidInput("CUDA runner: the loaded module has no kernel %s", f.name);
    TS_RETURN_IF_ERROR(launch(f.name, it->dims, buffers.pointers));
    TS_RETURN_IF_ERROR(check(driver_->cuCtxSynchronize(), "running " + f.name));
  }
  for (size_t i = 0; i < params.size(); ++i)
    TS_RETURN_IF_ERROR(check(driver_->cuMemcpyDtoH(params[i]->bytes(), buffers.pointers[i], params[i]->byteSize()),
                             "cuMemcpyDtoH"));
  return absl::OkStatus();
}

} // namespace tessera::codegen
