//===- accel_model.h - Models compiled for the accelerator: compile and run -----------===//
//
//   tessera compile model.onnx --target accel --config configs/default.json
//       --calibrate <folder of .npy | random:N> -o model.tsb [--emit-quantized q.tg]
//   tessera run model.tsb --backend functional|systemc|rtl --input NAME=x.npy
//       [--reference q.tg] [--report r.json] [--roofline r.svg]
//
// Compile quantizes an fp32 model (or takes an already-quantized graph IR text as is),
// lowers it (compiler/accel/model_compiler.h) and writes one binary with the host side
// in its metadata. Run executes the host pre graph, the program on the chosen backend
// and the host post graph; --reference checks the outputs against the reference
// interpreter running the quantized graph (they must be identical).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "isa/binary.h"
#include "runtime/backend.h"

namespace tessera::cli {

struct AccelCompileArgs {
  std::string model, output, configPath, emitQuantized;
  std::optional<std::string> calibrate;
  std::string method = "percentile";
  uint64_t seed = 0;
  int64_t virtualThreads = 2;
  std::vector<std::string> inputShapes;
};

Status compileForAccelTarget(const AccelCompileArgs &args);

struct AccelRunArgs {
  std::string backend;
  std::vector<std::string> inputs; ///< NAME=FILE.npy, by model input name
  std::optional<uint64_t> randomSeed;
  std::string outputDir, referencePath;
  runtime::RunOptions options;
};

/// Runs a binary whose program has a host side; returns the device's report.
StatusOr<nlohmann::json> runCompiledModel(isa::LoadedBinary binary, const AccelRunArgs &args);

} // namespace tessera::cli
