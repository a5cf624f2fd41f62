//===- cpu_model.h - Models on the `cpu` backend: load, compile, run, time -----------===//
//
// Shared by `tessera compile --target cpu` and `tessera run --backend cpu`. A model is
// an ONNX file or graph IR text (compiled in process with the JIT) or a library
// written by `tessera compile` (loaded with dlopen). Before planning, the graph runs
// the front end's clean-up pipeline (kCpuGraphPipeline).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "compiler/graph/graph.h"
#include "compiler/onnx/backend_test.h"
#include "support/status.h"

namespace tessera::cli {

/// Graph passes run before the CPU back end plans kernels.
inline constexpr const char *kCpuGraphPipeline = "nop-elim,constant-fold,bn-fold,cse,dce";

/// Runs kCpuGraphPipeline on `graph`.
StatusOr<graph::Graph> cleanGraphForCpu(graph::Graph graph);

/// Reads an .onnx model (with --input-shape overrides) or graph IR text, and runs
/// kCpuGraphPipeline on it.
StatusOr<graph::Graph> loadGraphForCpu(const std::string &path, const std::vector<std::string> &inputShapes);

struct CpuRunArgs {
  std::string model;
  std::vector<std::string> inputs;       ///< NAME=FILE.npy
  std::vector<std::string> inputShapes;  ///< NAME:1x3x224x224 (ONNX models)
  std::optional<uint64_t> randomSeed;
  std::string outputDir;
  int repeat = 1;
  int warmup = 1;
  int threads = 1;
  bool printTime = false;
  /// Print each step's mean time over the timed runs (slowest first).
  bool profile = false;
  /// Compare the outputs with the reference interpreter (relative tolerance).
  std::optional<double> checkTolerance;
};

/// The `cpu` target of `tessera onnx-test`: the cleaned graph's JIT-compiled kernels,
/// with the nodes left to the reference interpreter counted (a passing case with any is "ref_fallback").
onnx_import::CaseTarget cpuCaseTarget();

/// `tessera run <model> --backend cpu ...`; returns the process exit status.
int runCpuModel(const CpuRunArgs &args);

} // namespace tessera::cli
