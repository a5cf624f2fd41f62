//===- tensor_io.h - The CLI's one tensor reader and one tensor writer -------------===//
//
// Every command that runs something reads its inputs the same way: `--input
// NAME=FILE` (.npy, or an ONNX TensorProto .pb), or seeded random tensors for the
// inputs not given (`--random-inputs SEED`; input k of the list gets SEED + k), and
// writes its outputs as DIR/<name>.npy.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "support/tensor.h"

namespace tessera::cli {

using TensorMap = std::map<std::string, Tensor>;

/// An input the command must supply.
struct TensorSpec {
  std::string name;
  DType dtype;
  Shape shape;
};

/// Reads a tensor file by extension: .npy (NumPy) or .pb (ONNX TensorProto).
StatusOr<Tensor> readTensorFile(const std::string &path);

/// One tensor per spec: from `--input NAME=FILE` arguments, else random from
/// `randomSeed`; errors name every input without a value, or a NAME that is none.
StatusOr<TensorMap> readInputTensors(const std::vector<TensorSpec> &specs, const std::vector<std::string> &inputArgs,
                                     std::optional<uint64_t> randomSeed);

/// Writes each tensor as `dir`/<name>.npy, creating `dir`.
Status writeOutputTensors(const TensorMap &outputs, const std::string &dir);

} // namespace tessera::cli
