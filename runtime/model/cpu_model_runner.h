//===- cpu_model_runner.h - Models on the `cpu` backend: open, run, time, check ----===//
//
//   tessera run model.(so|onnx|tg) --backend cpu [--repeat N] [--profile] [--check TOL]
//
// A model is a library written by `tessera compile --target cpu` (loaded with
// dlopen, model_library.h) or one the driver compiled in process
// (compiler/driver/cpu_model.h, a layer above). Runs are timed; --profile times every
// step; --check compares the outputs with the reference interpreter.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "compiler/exec/graph_executor.h"
#include "runtime/model/model_library.h"

namespace tessera::runtime {

/// The model to run: a loaded library or a JIT-compiled graph.
struct CpuModel {
  std::unique_ptr<LoadedModel> library;
  exec::CompiledModel jit;
  const exec::GraphExecutor &executor() const { return library ? library->executor() : *jit.executor; }
};

struct CpuRunOptions {
  int repeat = 1; ///< timed runs (at least one)
  int warmup = 1; ///< untimed runs first
  int threads = 1;
  bool printTime = false; ///< print median, min and max latency
  bool profile = false;   ///< print each step's mean time, slowest first, and time by op
  /// Where the plan, latency and profile lines go (nothing is printed when null).
  std::ostream *out = nullptr;
};

/// Runs the model; returns the outputs of the last timed run.
StatusOr<interp::TensorMap> runCpuModel(const exec::GraphExecutor &executor, const interp::TensorMap &inputs,
                                        const CpuRunOptions &options);

/// Compares `outputs` with the reference interpreter; prints the error to `out` and
/// fails when the largest relative error exceeds `tolerance`.
Status checkAgainstInterpreter(const exec::GraphExecutor &executor, const interp::TensorMap &inputs,
                               const interp::TensorMap &outputs, double tolerance, std::ostream &out);

} // namespace tessera::runtime
