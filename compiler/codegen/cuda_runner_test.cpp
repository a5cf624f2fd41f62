//===- cuda_runner_test.cpp - GPU kernels against the CPU JIT, where a GPU is present ---===//
#include "compiler/codegen/cuda_runner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "compiler/codegen/cpu_jit.h"
#include "compiler/codegen/gpu_test_util.h"
#include "compiler/loop/pass_manager.h"
#include "compiler/lower/cpu_schedule.h"

namespace tessera::codegen {
namespace {

/// The tensors bound to a kernel's parameters: constants, random inputs, zeroed
/// outputs and temporaries.
std::vector<Tensor> bindParams(const testing::TestKernel &k, const std::vector<loop::Buffer> &params) {
  std::vector<Tensor> tensors;
  for (size_t i = 0; i < params.size(); ++i) {
    const Tensor *constant = i < k.description.params.size() ? k.graph.constantOf(k.description.params[i]) : nullptr;
    bool input = i < k.description.params.size() && k.description.params[i] == "x";
    if (constant)
      tensors.push_back(*constant);
    else
      tensors.push_back(input ? testing::randomTensor(params[i].shape, 7) : Tensor(DType::F32, params[i].shape));
  }
  return tensors;
}

/// `k` on the CPU (the CPU schedule through the JIT).
StatusOr<std::vector<Tensor>> runOnCpu(const testing::TestKernel &k) {
  loop::Schedule schedule(k.description.func);
  TS_RETURN_IF_ERROR(lower::scheduleForCpu(schedule));
  TS_ASSIGN_OR_RETURN(loop::Func func, schedule.lower());
  TS_RETURN_IF_ERROR(loop::runLoopPipeline(func, "simplify,unroll-loops"));
  loop::Module module;
  module.funcs.push_back(func);
  TS_ASSIGN_OR_RETURN(std::unique_ptr<CpuJit> jit, CpuJit::compile(module));
  TS_ASSIGN_OR_RETURN(KernelFn fn, jit->lookup(func.name));
  std::vector<Tensor> tensors = bindParams(k, func.params);
  std::vector<void *> args;
  for (Tensor &t : tensors) args.push_back(t.bytes());
  fn(args.data());
  return tensors;
}

/// Runs `k`'s GPU kernels on the host (gpu_bind.h, hostEmulation) through the CPU JIT.
StatusOr<std::vector<Tensor>> runGpuKernelsOnHost(const testing::TestKernel &k) {
  lower::GpuProgram program = testing::gpuProgram(k);
  loop::Module module;
  for (const loop::Func &f : program.module.funcs) {
    TS_ASSIGN_OR_RETURN(BoundKernel bound, bindGpuLoops(f));
    TS_ASSIGN_OR_RETURN(loop::Func host, hostEmulation(bound));
    module.funcs.push_back(std::move(host));
  }
  TS_ASSIGN_OR_RETURN(std::unique_ptr<CpuJit> jit, CpuJit::compile(module));
  std::vector<Tensor> tensors = bindParams(k, program.params);
  std::vector<void *> args;
  for (Tensor &t : tensors) args.push_back(t.bytes());
  for (const loop::Func &f : module.funcs) {
    TS_ASSIGN_OR_RETURN(KernelFn fn, jit->lookup(f.name));
    fn(args.data());
  }
  return tensors;
}

void expectOutputsClose(const testing::TestKernel &k, const std::vector<Tensor> &got, const std::vector<Tensor> &want,
                        double tolerance) {
  size_t out = std::find(k.description.params.begin(), k.description.params.end(), "y") - k.description.params.begin();
  ASSERT_LT(out, k.description.params.size());
  const float *g = got[out].data<float>(), *c = want[out].data<float>();
  for (int64_t e = 0; e < got[out].elementCount(); ++e)
    ASSERT_NEAR(g[e], c[e], tolerance * (1 + std::fabs(c[e]))) << k.name << " element " << e;
}

// Everything but the hardware: the GPU schedule, one kernel per stage with device
// temporaries, the binding and its guards, run a thread at a time on the host.
TEST(CudaRunner, GpuKernelsEmulatedOnTheHostMatchTheCpu) {
  for (const testing::TestKernel &k : testing::allKernels()) {
    auto gpu = runGpuKernelsOnHost(k);
    ASSERT_TRUE(gpu.ok()) << k.name << ": " << gpu.status();
    auto cpu = runOnCpu(k);
    ASSERT_TRUE(cpu.ok()) << cpu.status();
    expectOutputsClose(k, *gpu, *cpu, 1e-5);
  }
}

// Without a GPU (this machine, CI) the runner says why, and the comparison skips.
TEST(CudaRunner, GpuKernelsMatchTheCpu) {
  auto runner = CudaRunner::open();
  if (!runner.ok()) {
    ASSERT_EQ(runner.status().code(), absl::StatusCode::kUnavailable) << runner.status();
    GTEST_SKIP() << runner.status().message();
  }
  for (const testing::TestKernel &k : testing::allKernels()) {
    lower::GpuProgram program = testing::gpuProgram(k);
    // PTX for an older architecture runs on newer GPUs (the driver JIT-compiles it):
    // the fallback for a device LLVM 19 does not know yet.
    auto ptx = compileToPtx(program.module, (*runner)->arch());
    if (!ptx.ok()) ptx = compileToPtx(program.module, "sm_90");
    ASSERT_TRUE(ptx.ok()) << ptx.status();
    ASSERT_TRUE((*runner)->load(*ptx).ok());
    std::vector<Tensor> gpu = bindParams(k, program.params);
    std::vector<Tensor *> pointers;
    for (Tensor &t : gpu) pointers.push_back(&t);
    Status status = (*runner)->run(program, pointers);
    ASSERT_TRUE(status.ok()) << k.name << " on " << (*runner)->deviceName() << ": " << status;
    auto cpu = runOnCpu(k);
    ASSERT_TRUE(cpu.ok()) << cpu.status();
    // The GPU's exp, log, sin, cos, tanh and erf are approximations (nvptx_codegen.h).
    expectOutputsClose(k, gpu, *cpu, 1e-4);
  }
}

TEST(CudaRunner, SaysWhyItCannotOpen) {
  auto runner = CudaRunner::open();
  if (runner.ok()) GTEST_SKIP() << "a GPU is present: " << (*runner)->deviceName() << " (" << (*runner)->arch() << ")";
  std::string message(runner.status().message());
  EXPECT_TRUE(message.rfind("libcuda.so.1 not found", 0) == 0 || message.rfind("no CUDA device", 0) == 0) << message;
}

} // namespace
} // namespace tessera::codegen
