//===- onnx_tensor.cpp - ONNX TensorProto <-> tessera::Tensor ------------------===//
#include "compiler/onnx/onnx_tensor.h"

#include <cstring>

#include "compiler/graph/dtype_dispatch.h"
#include "support/checked_math.h"
#include "support/file_io.h"

namespace tessera::onnx_import {
namespace {

using onnx::TensorProto;

/// The element count of the typed repeated field that holds `dtype`'s elements.
int64_t typedFieldSize(const TensorProto &proto, DType dtype) {
  if (dtype == DType::F32) return proto.float_data_size();
  if (dtype == DType::F64) return proto.double_data_size();
  if (dtype == DType::I64) return proto.int64_data_size();
  if (dtype == DType::U32 || dtype == DType::U64) return proto.uint64_data_size();
  return proto.int32_data_size(); // int32_data holds i32, i16, u16, i8, u8, bool and f16 bits
}

/// Copies the typed repeated field into `tensor`, whose element count it has (checked).
void copyTypedField(const TensorProto &proto, Tensor &tensor) {
  int64_t count = tensor.elementCount();
  DType dtype = tensor.dtype();
  // An empty tensor has no storage (bytes() is null), which memcpy may not take.
  if (count == 0) return;
  if (dtype == DType::F32) {
    std::memcpy(tensor.bytes(), proto.float_data().data(), count * 4);
  } else if (dtype == DType::F64) {
    std::memcpy(tensor.bytes(), proto.double_data().data(), count * 8);
  } else if (dtype == DType::I64) {
    std::memcpy(tensor.bytes(), proto.int64_data().data(), count * 8);
  } else if (dtype == DType::U32 || dtype == DType::U64) {
    for (int64_t i = 0; i < count; ++i) {
      uint64_t v = proto.uint64_data(i);
      std::memcpy(tensor.bytes() + i * dtypeSize(dtype), &v, dtypeSize(dtype));
    }
  } else {
    for (int64_t i = 0; i < count; ++i) {
      int32_t v = proto.int32_data(i);
      std::memcpy(tensor.bytes() + i * dtypeSize(dtype), &v, dtypeSize(dtype));
    }
  }
}

StatusOr<std::vector<uint8_t>> readExternalData(const TensorProto &proto, const std::string &baseDir) {
  std::string location;
  int64_t offset = 0, length = -1;
  for (const auto &entry : proto.external_data()) {
    if (entry.key() == "location") location = entry.value();
    else if ((entry.key() == "offset" && !absl::SimpleAtoi(entry.value(), &offset)) ||
             (entry.key() == "length" && !absl::SimpleAtoi(entry.value(), &length)))
      return invalidInput("tensor '%s': external data %s '%s' is not an integer", proto.name(), entry.key(), entry.value());
  }
  if (location.empty()) return invalidInput("tensor '%s' has external data without a location", proto.name());
  if (location.find("..") != std::string::npos || location[0] == '/')
    return invalidInput("tensor '%s': external data location '%s' leaves the model directory", proto.name(), location);
  TS_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, readBinaryFile(baseDir + "/" + location));
  if (offset < 0 || offset > static_cast<int64_t>(bytes.size()))
    return invalidInput("tensor '%s': external data offset %d is past the end of '%s'", proto.name(), offset, location);
  if (length < 0) length = bytes.size() - offset;
  if (offset + length > static_cast<int64_t>(bytes.size()))
    return invalidInput("tensor '%s': external data runs past the end of '%s'", proto.name(), location);
  return std::vector<uint8_t>(bytes.begin() + offset, bytes.begin() + offset + length);
}

} // namespace

StatusOr<DType> dtypeFromOnnx(int32_t dataType) {
  switch (dataType) {
  case TensorProto::FLOAT: return DType::F32;
  case TensorProto::DOUBLE: return DType::F64;
  case TensorProto::FLOAT16: return DType::F16;
  case TensorProto::INT8: return DType::I8;
  case TensorProto::UINT8: return DType::U8;
  case TensorProto::INT16: return DType::I16;
  case TensorProto::UINT16: return DType::U16;
  case TensorProto::INT32: return DType::I32;
  case TensorProto::UINT32: return DType::U32;
  case TensorProto::INT64: return DType::I64;
  case TensorProto::UINT64: return DType::U64;
  case TensorProto::BOOL: return DType::Bool;
  default: break;
  }
  std::string name = TensorProto::DataType_IsValid(dataType)
                         ? TensorProto::DataType_Name(static_cast<TensorProto::DataType>(dataType))
                         : std::to_string(dataType);
  return absl::UnimplementedError(absl::StrFormat("element type %s is not supported", name));
}

StatusOr<int64_t> checkTensorPayload(const TensorProto &proto) {
  auto dtypeOr = dtypeFromOnnx(proto.data_type());
  if (!dtypeOr.ok()) return annotate(dtypeOr.status(), "tensor '" + proto.name() + "'");
  DType dtype = *dtypeOr;
  Shape shape(proto.dims().begin(), proto.dims().end());
  for (int64_t dim : shape)
    if (dim < 0) return invalidInput("tensor '%s' has a negative dimension", proto.name());
  // The payload is checked against the shape before anything is allocated: a 60-byte
  // proto may declare 2^31 floats.
  auto needed = checkedTensorBytes(shape, dtype);
  if (!needed.ok()) return annotate(needed.status(), "tensor '" + proto.name() + "'");
  if (proto.data_location() == TensorProto::EXTERNAL) return static_cast<int64_t>(*needed);
  if (proto.has_raw_data()) {
    if (proto.raw_data().size() != *needed)
      return invalidInput("tensor '%s' has %d raw bytes, its shape needs %d", proto.name(), proto.raw_data().size(), *needed);
    return static_cast<int64_t>(*needed);
  }
  int64_t count = shapeElementCount(shape), have = typedFieldSize(proto, dtype);
  if (have != count) return invalidInput("tensor '%s' has %d elements but its shape needs %d", proto.name(), have, count);
  return static_cast<int64_t>(*needed);
}

StatusOr<Tensor> tensorFromProto(const TensorProto &proto, const std::string &baseDir) {
  TS_ASSIGN_OR_RETURN(int64_t needed, checkTensorPayload(proto));
  TS_ASSIGN_OR_RETURN(DType dtype, dtypeFromOnnx(proto.data_type()));
  Shape shape(proto.dims().begin(), proto.dims().end());
  if (proto.data_location() == TensorProto::EXTERNAL) {
    TS_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, readExternalData(proto, baseDir));
    if (static_cast<int64_t>(bytes.size()) != needed)
      return invalidInput("tensor '%s' has %d bytes of external data, its shape needs %d", proto.name(), bytes.size(), needed);
    Tensor tensor(dtype, shape);
    if (needed > 0) std::memcpy(tensor.bytes(), bytes.data(), bytes.size());
    return tensor;
  }
  Tensor tensor(dtype, shape);
  if (proto.has_raw_data()) {
    if (needed > 0) std::memcpy(tensor.bytes(), proto.raw_data().data(), needed);
  } else {
    copyTypedField(proto, tensor);
  }
  return tensor;
}

StatusOr<Tensor> readTensorProtoFile(const std::string &path) {
  TS_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, readBinaryFile(path));
  TensorProto proto;
  if (!proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return invalidInput("%s is not a serialized ONNX TensorProto", path);
  size_t slash = path.find_last_of('/');
  std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
  auto tensor = tensorFromProto(proto, dir);
  if (!tensor.ok()) return annotate(tensor.status(), path);
  return tensor;
}

} // namespace tessera::onnx_import
