//===- driver.h - The compiler driver: a model to a target's artifact --------------===//
//
// One entry point for the CLI, tests and bindings:
//
//   driver::CompileOptions options;
//   options.target = "accel";
//   options.accel.config = config;
//   StatusOr<driver::CompiledArtifact> artifact = driver::compileModel({"m.onnx"}, options);
//
// Each target's pipeline (targets.def) is a flat list of stages; after each stage the
// observer in CompileOptions, when set, receives the stage's name and a printer for
// its text form (graph IR, the plan, loop IR, assembly). `tessera compile
// --print-after-all` and `--dump-dir` are observers.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "compiler/accel/model_compiler.h"
#include "compiler/exec/execution_plan.h"
#include "compiler/exec/in_model_tuning.h"
#include "compiler/graph/graph.h"
#include "isa/config.h"
#include "support/status.h"

namespace tessera::driver {

/// The model to compile: a file (.onnx, or graph IR text) or a graph already in memory.
struct ModelSource {
  ModelSource() = default;
  /// The model in file `path`.
  ModelSource(std::string path, std::vector<std::string> inputShapes = {})
      : path(std::move(path)), inputShapes(std::move(inputShapes)) {}
  /// A graph in memory; `name` stands for its file in messages.
  ModelSource(std::string name, graph::Graph graph) : path(std::move(name)), graph(std::move(graph)) {}

  std::string path;
  /// NAME:1x3x224x224 overrides of dynamic input shapes (.onnx files only).
  std::vector<std::string> inputShapes;
  /// When set, compiled instead of reading `path` (which then only names the model).
  std::optional<graph::Graph> graph;
};

/// One stage's result, printed only when an observer asks for it.
struct Stage {
  std::string name;
  std::function<std::string()> print;
};
using StageObserver = std::function<void(const Stage &)>;

struct CpuOptions {
  /// Schedule parameters and auto-tuning (`tuneLog` is set from CompileOptions::log).
  exec::PlanOptions plan;
  /// With `plan.tune`: each kernel's fastest schedules alone timed again inside the
  /// whole model (exec/in_model_tuning.h); candidates below 2 tune kernels alone only.
  exec::InModelTuneOptions inModel;
};

struct AccelOptions {
  /// The hardware config; required.
  std::optional<isa::HardwareConfig> config;
  /// Quantize an fp32 model with these calibration inputs (folder of .npy, random:N).
  /// Without it the model must be int8 already, or pre-quantized ONNX (QDQ).
  std::optional<std::string> calibrate;
  std::string method = "percentile"; ///< minmax | percentile | entropy
  uint64_t seed = 0;                  ///< of random:N calibration inputs
  /// Options of the accelerator lowering: virtual threads, and mappings by layer name
  /// that replace the cost model's choice (`--mappings`).
  accel::LoweringOptions lowering;
};

struct NvptxOptions {
  std::string arch = "sm_80";
  int64_t threadsPerBlock = 256;
};

struct CompileOptions {
  std::string target = "cpu"; ///< a name from targets.def
  /// Receives every stage of the pipeline when set.
  StageObserver observer;
  /// Progress lines (quantization, tuning) go here when set.
  std::ostream *log = nullptr;
  CpuOptions cpu;
  AccelOptions accel;
  NvptxOptions nvptx;
};

/// What a compile produces: the file's bytes and what to tell the user.
struct CompiledArtifact {
  std::string target;
  std::string extension;      ///< ".so", ".tsb" or ".ptx"
  std::vector<uint8_t> bytes; ///< the shared library, binary or PTX text
  std::string summary;        ///< lines printed after a compile (may be empty)
  std::string detail;         ///< after "wrote <path>": " (9 kernels, 0 ref fallbacks)"
};

/// Compiles `model` for `options.target`.
StatusOr<CompiledArtifact> compileModel(const ModelSource &model, const CompileOptions &options);

/// The int8 graph the accel target lowers: `model` imported and quantized as
/// compileModel would (calibrated with options.accel.calibrate, taken as is, or imported
/// from QDQ), without lowering. A sweep quantizes each model once with it.
StatusOr<graph::Graph> int8GraphForAccel(const ModelSource &model, const CompileOptions &options);

/// The accel pipeline up to the compiled model (before the binary is written): the
/// model's int8 graph (quantized, as is, or QDQ-imported) partitioned and lowered with
/// options.accel. A tuner reads the layers and their untuned mappings from it.
StatusOr<accel::CompiledModel> compileAccelModel(const ModelSource &model, const CompileOptions &options);

/// A target of targets.def.
struct TargetInfo {
  std::string name, extension, description;
};
/// The targets of targets.def, in order.
const std::vector<TargetInfo> &targets();
std::vector<std::string> targetNames();

} // namespace tessera::driver
