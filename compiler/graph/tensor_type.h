//===- tensor_type.h - The type of a graph value ------------------------------===//
//
// A graph value's type: element type, shape (dimensions may be unknown, written `?`;
// a type may be unranked, written `*`), a layout tag ("" for the plain row-major
// layout, "NCHW16c" for a blocked layout) and optional quantization parameters
// (per-tensor or per-axis scale and zero point, as ONNX's QuantizeLinear takes them).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "support/tensor.h"

namespace tessera::graph {

/// A dimension whose extent is not known statically.
inline constexpr int64_t kUnknownDim = -1;

/// Affine quantization: real = scale * (q - zero_point). Per-tensor when `axis` is
/// unset (one scale), per-axis otherwise (one scale per index of `axis`).
struct QuantParams {
  std::vector<float> scales;
  std::vector<int64_t> zeroPoints;
  std::optional<int64_t> axis;

  bool operator==(const QuantParams &other) const = default;
};

/// The static type of a tensor value.
struct TensorType {
  DType dtype = DType::F32;
  /// Dimensions; kUnknownDim for a dimension not known statically.
  Shape shape;
  /// False when not even the rank is known.
  bool ranked = true;
  /// Layout tag: "" is the plain row-major layout of the shape's dimensions.
  std::string layout;
  std::optional<QuantParams> quant;

  TensorType() = default;
  TensorType(DType dtype, Shape shape) : dtype(dtype), shape(std::move(shape)) {}
  static TensorType unranked(DType dtype);

  int64_t rank() const { return static_cast<int64_t>(shape.size()); }
  /// True when ranked and every dimension is known.
  bool isStatic() const;
  /// Element count; only valid for static types.
  int64_t elementCount() const { return shapeElementCount(shape); }

  bool operator==(const TensorType &other) const = default;
};

/// True when two types can describe the same tensor: same dtype, and equal ranks and
/// dimensions wherever both are known. Layout and quantization must match exactly.
bool typesCompatible(const TensorType &a, const TensorType &b);

/// Refines `a` with whatever `b` knows that `a` does not (unknown dims, rank).
TensorType refineType(const TensorType &a, const TensorType &b);

/// The text form: `f32[1,3,?,224]{layout="NCHW16c", scale=0.5, zero_point=3}`.
std::string typeToString(const TensorType &type);

/// The type of a concrete tensor (static shape, plain layout).
TensorType typeOf(const Tensor &tensor);

/// Checks a quantization record against the type it annotates; the error names the field.
Status verifyQuantParams(const QuantParams &quant, const TensorType &type);

} // namespace tessera::graph
