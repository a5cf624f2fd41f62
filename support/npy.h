//===- npy.h - NumPy .npy files ----------------------------------------------===//
//
// Reads versions 1.0-3.0 of the .npy format (C order, little-endian) and writes 1.0.
// Every malformed header is reported with the offending field.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>
#include <vector>

#include "support/tensor.h"

namespace tessera {

StatusOr<Tensor> parseNpy(const std::vector<uint8_t> &bytes);
std::vector<uint8_t> serializeNpy(const Tensor &tensor);

StatusOr<Tensor> readNpyFile(const std::string &path);
Status writeNpyFile(const std::string &path, const Tensor &tensor);

} // namespace tessera
