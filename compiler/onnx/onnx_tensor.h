//===- onnx_tensor.h - ONNX TensorProto <-> tessera::Tensor --------------------===//
//
// Converts ONNX tensors (initializers, Constant values, test-data .pb files) to host
// tensors: raw_data or the typed repeated fields, and external data files resolved
// against the model's directory. Element types without a tessera dtype (string,
// bfloat16, complex) are reported as unsupported.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>

#include <onnx/onnx_pb.h>

#include "support/tensor.h"

namespace tessera::onnx_import {

/// The tessera dtype of an ONNX TensorProto data type; Unimplemented for the ones
/// tessera has no dtype for.
StatusOr<DType> dtypeFromOnnx(int32_t dataType);

/// Checks that the tensor's inline payload (raw_data or the typed field) holds exactly
/// the elements its dims and type need, without allocating; returns the byte size.
/// External data is checked when it is read.
StatusOr<int64_t> checkTensorPayload(const onnx::TensorProto &proto);

/// `baseDir` resolves external data locations.
StatusOr<Tensor> tensorFromProto(const onnx::TensorProto &proto, const std::string &baseDir);

/// Reads a serialized TensorProto file (test_data_set_*/input_0.pb).
StatusOr<Tensor> readTensorProtoFile(const std::string &path);

} // namespace tessera::onnx_import
