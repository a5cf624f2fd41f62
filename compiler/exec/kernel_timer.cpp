//===- kernel_timer.cpp - Times compiled variants of one kernel on the host ----------===//
#include "compiler/exec/kernel_timer.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <limits>

#include "compiler/codegen/cpu_jit.h"
#include "compiler/codegen/thread_pool.h"
#include "support/host_cache.h"
#include "support/malloc_policy.h"

namespace tessera::exec {
namespace {

/// The buffers one variant is called on: its constants, or deterministic values in
/// [-1, 1) for floating-point parameters and zeros for integer ones (indices stay
/// in range).
struct Arguments {
  std::vector<Tensor> storage;
  std::vector<void *> pointers;
  std::vector<size_t> constants;  ///< indices of the parameters bound to constants
};

Arguments argumentsFor(const KernelVariant &variant) {
  Arguments args;
  args.storage.reserve(variant.func.params.size());
  uint32_t state = 12345;
  for (size_t p = 0; p < variant.func.params.size(); ++p) {
    const loop::Buffer &buffer = variant.func.params[p];
    const Tensor *constant = p < variant.constants.size() ? variant.constants[p] : nullptr;
    if (constant) {
      args.storage.push_back(*constant);
      args.constants.push_back(p);
    } else {
      Tensor t(buffer.dtype, buffer.shape);
      if (buffer.dtype == DType::F32)
        for (int64_t k = 0; k < t.elementCount(); ++k) {
          state = state * 1664525u + 1013904223u;
          t.data<float>()[k] = static_cast<float>(state >> 8) / static_cast<float>(1u << 23) - 1.0f;
        }
      args.storage.push_back(std::move(t));
    }
  }
  for (Tensor &t : args.storage) args.pointers.push_back(t.bytes());
  return args;
}

double callMs(codegen::KernelFn fn, Arguments &args, bool coldConstants) {
  if (coldConstants)
    for (size_t p : args.constants) evictFromCaches(args.storage[p].bytes(), args.storage[p].byteSize());
  auto start = std::chrono::steady_clock::now();
  fn(args.pointers.data());
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

/// Every variant's fastest call, the variants interleaved round by round.
std::vector<double> timeCompiled(const std::vector<codegen::KernelFn> &fns, std::vector<Arguments> &args,
                                 const TimingOptions &options) {
  double roundMs = 0;
  for (size_t v = 0; v < fns.size(); ++v)
    roundMs += callMs(fns[v], args[v], options.coldConstants);  // warm-up: pages, caches
  int rounds = static_cast<int>(std::clamp(options.budgetMs / std::max(roundMs, 1e-3), 2.0, 50.0));
  std::vector<double> best(fns.size(), std::numeric_limits<double>::infinity());
  for (int r = 0; r < rounds; ++r)
    for (size_t v = 0; v < fns.size(); ++v) best[v] = std::min(best[v], callMs(fns[v], args[v], options.coldConstants));
  return best;
}

} // namespace

StatusOr<std::vector<std::vector<double>>> timeKernelVariantsOnThreads(const std::vector<KernelVariant> &variants,
                                                                       const std::vector<int> &threadCounts,
                                                                       const TimingOptions &options) {
  keepFreedMemoryForReuse();  // the variants' scratch is mapped once, not on every call
  loop::Module module;
  for (size_t v = 0; v < variants.size(); ++v) {
    loop::Func f = variants[v].func.clone();
    f.name = strCat("tune", v);
    module.funcs.push_back(std::move(f));
  }
  TS_ASSIGN_OR_RETURN(std::unique_ptr<codegen::CpuJit> jit, codegen::CpuJit::compile(module));
  std::vector<codegen::KernelFn> fns;
  std::vector<Arguments> args;
  for (size_t v = 0; v < variants.size(); ++v) {
    TS_ASSIGN_OR_RETURN(codegen::KernelFn fn, jit->lookup(strCat("tune", v)));
    fns.push_back(fn);
    args.push_back(argumentsFor(variants[v]));
  }
  int saved = codegen::parallelThreads();
  std::vector<std::vector<double>> times;
  for (int threads : threadCounts) {
    codegen::setParallelThreads(std::max(1, threads));
    times.push_back(timeCompiled(fns, args, options));
  }
  codegen::setParallelThreads(saved);
  return times;
}

StatusOr<std::vector<double>> timeKernelVariants(const std::vector<KernelVariant> &variants,
                                                 const TimingOptions &options) {
  TS_ASSIGN_OR_RETURN(auto times, timeKernelVariantsOnThreads(variants, {codegen::parallelThreads()}, options));
  return std::move(times[0]);
}

} // namespace tessera::exec
