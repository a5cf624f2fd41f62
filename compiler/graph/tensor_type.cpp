//===- tensor_type.cpp - Tensor types: compatibility, printing ----------------===//
#include "compiler/graph/tensor_type.h"

#include <absl/strings/str_join.h>

#include "compiler/graph/float_format.h"

namespace tessera::graph {

TensorType TensorType::unranked(DType dtype) {
  TensorType type(dtype, {});
  type.ranked = false;
  return type;
}

bool TensorType::isStatic() const {
  if (!ranked) return false;
  for (int64_t dim : shape)
    if (dim < 0) return false;
  return true;
}

bool typesCompatible(const TensorType &a, const TensorType &b) {
  if (a.dtype != b.dtype || a.layout != b.layout || a.quant != b.quant) return false;
  if (!a.ranked || !b.ranked) return true;
  if (a.rank() != b.rank()) return false;
  for (size_t i = 0; i < a.shape.size(); ++i)
    if (a.shape[i] >= 0 && b.shape[i] >= 0 && a.shape[i] != b.shape[i]) return false;
  return true;
}

TensorType refineType(const TensorType &a, const TensorType &b) {
  if (!a.ranked) {
    TensorType result = b;
    result.dtype = a.dtype;
    return result;
  }
  TensorType result = a;
  if (!b.ranked || b.rank() != a.rank()) return result;
  for (size_t i = 0; i < a.shape.size(); ++i)
    if (result.shape[i] < 0) result.shape[i] = b.shape[i];
  return result;
}

namespace {

std::string dimsToString(const TensorType &type) {
  if (!type.ranked) return "*";
  std::vector<std::string> dims;
  for (int64_t dim : type.shape) dims.push_back(dim < 0 ? "?" : std::to_string(dim));
  return absl::StrJoin(dims, ",");
}

std::string quantToString(const QuantParams &quant) {
  auto scale = [&] {
    if (!quant.axis) return formatFloat(quant.scales.empty() ? 0.f : quant.scales[0]);
    std::vector<std::string> parts;
    for (float s : quant.scales) parts.push_back(formatFloat(s));
    return "[" + absl::StrJoin(parts, ", ") + "]";
  };
  auto zero = [&] {
    if (!quant.axis) return std::to_string(quant.zeroPoints.empty() ? 0 : quant.zeroPoints[0]);
    return "[" + absl::StrJoin(quant.zeroPoints, ", ") + "]";
  };
  std::string text = "scale=" + scale() + ", zero_point=" + zero();
  if (quant.axis) text += ", axis=" + std::to_string(*quant.axis);
  return text;
}

} // namespace

std::string typeToString(const TensorType &type) {
  std::string text = absl::StrCat(std::string(dtypeName(type.dtype)), "[", dimsToString(type), "]");
  std::vector<std::string> params;
  if (!type.layout.empty()) params.push_back("layout=\"" + type.layout + "\"");
  if (type.quant) params.push_back(quantToString(*type.quant));
  if (!params.empty()) text += "{" + absl::StrJoin(params, ", ") + "}";
  return text;
}

TensorType typeOf(const Tensor &tensor) { return TensorType(tensor.dtype(), tensor.shape()); }

Status verifyQuantParams(const QuantParams &quant, const TensorType &type) {
  if (quant.scales.empty()) return invalidInput("quantization parameters have no scale");
  if (quant.scales.size() != quant.zeroPoints.size())
    return invalidInput("quantization parameters have %d scales but %d zero points",
                        quant.scales.size(), quant.zeroPoints.size());
  for (float scale : quant.scales)
    if (!(scale > 0)) return invalidInput("quantization scale %g is not positive", scale);
  if (!quant.axis) {
    if (quant.scales.size() != 1)
      return invalidInput("per-tensor quantization needs one scale, got %d", quant.scales.size());
    return absl::OkStatus();
  }
  if (!type.ranked || *quant.axis < 0 || *quant.axis >= type.rank())
    return invalidInput("quantization axis %d is out of range for %s", *quant.axis,
                        typeToString(type));
  int64_t extent = type.shape[*quant.axis];
  if (extent >= 0 && extent != static_cast<int64_t>(quant.scales.size()))
    return invalidInput("per-axis quantization has %d scales but axis %d has extent %d",
                        quant.scales.size(), *quant.axis, extent);
  return absl::OkStatus();
}

} // namespace tessera::graph
