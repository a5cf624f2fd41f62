//===- conv_geometry.h - Output sizes and padding of windowed ops --------------===//
//
// Conv, ConvTranspose and the pools share ONNX's rules for kernel_shape, strides,
// dilations, pads and auto_pad; the inference rules and the interpreter kernels
// both use this one implementation.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/graph/attribute.h"
#include "support/tensor.h"

namespace tessera::graph {

struct WindowGeometry {
  Shape kernel;
  std::vector<int64_t> strides, dilations, padBegin, padEnd;
  /// Output spatial extents (kUnknownDim where the input extent is unknown).
  Shape output;
};

/// Forward windows (Conv, pools). `inputSpatial` and `kernel` have one entry per
/// spatial dimension; `ceilMode` is the pools' ceil_mode.
StatusOr<WindowGeometry> computeWindowGeometry(const AttributeMap &attrs, const Shape &inputSpatial,
                                               const Shape &kernel, bool ceilMode);

/// ConvTranspose: output size from output_shape, or strides, output_padding and pads.
StatusOr<WindowGeometry> computeTransposedGeometry(const AttributeMap &attrs,
                                                   const Shape &inputSpatial, const Shape &kernel);

} // namespace tessera::graph
