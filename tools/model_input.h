//===- model_input.h - Reading models and their input tensors for CLI commands ---------===//
//
// Shared by the compiler commands: a model is an .onnx file (with --input-shape
// overrides) or graph IR text (parsed and verified); inputs come from --input
// NAME=FILE.npy, or seeded random tensors for those not given (--random-inputs SEED).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compiler/graph/graph.h"

namespace tessera::cli {

/// Imports an .onnx model or parses and verifies graph IR text.
StatusOr<graph::Graph> readGraphFile(const std::string &path, const std::vector<std::string> &inputShapes = {});

/// A model input the command must supply.
struct InputSpec {
  std::string name;
  DType dtype;
  Shape shape;
};

/// The graph's non-constant inputs.
std::vector<InputSpec> inputSpecsOf(const graph::Graph &graph);

/// One tensor per spec: from `--input NAME=FILE` arguments, else random from `randomSeed`
/// (+ the input's position); errors name a missing input or a NAME that is not one.
StatusOr<std::map<std::string, Tensor>> readInputTensors(const std::vector<InputSpec> &specs,
                                                         const std::vector<std::string> &inputArgs,
                                                         std::optional<uint64_t> randomSeed);

} // namespace tessera::cli
