//===- program_input.h - Loading programs and tensors for CLI commands ---------------===//
#pragma once

#include <optional>
#include <string>

#include "isa/binary.h"
#include "support/tensor.h"

namespace tessera::cli {

/// Loads a program from a .tsb binary or assembles a .s file. For .s a config is
/// required; for .tsb a given config must match the binary's.
StatusOr<isa::LoadedBinary> loadProgram(const std::string &path, const std::optional<std::string> &configPath);

/// Reads a tensor file by extension: .npy (NumPy) or .pb (ONNX TensorProto).
StatusOr<Tensor> readTensorFile(const std::string &path);

/// Fills a tensor with seeded uniform values suited to its dtype.
Tensor randomTensor(DType dtype, const Shape &shape, uint64_t seed);

} // namespace tessera::cli
