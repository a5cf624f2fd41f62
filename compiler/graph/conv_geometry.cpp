//===- conv_geometry.cpp - Output sizes and padding of windowed ops ------------===//
#include "compiler/graph/conv_geometry.h"

#include "compiler/graph/tensor_type.h"

namespace tessera::graph {
namespace {

Status readCommon(const AttributeMap &attrs, size_t rank, WindowGeometry &g) {
  g.strides = attrs.getInts("strides", std::vector<int64_t>(rank, 1));
  g.dilations = attrs.getInts("dilations", std::vector<int64_t>(rank, 1));
  Ints pads = attrs.getInts("pads", std::vector<int64_t>(2 * rank, 0));
  if (g.strides.size() != rank || g.dilations.size() != rank || pads.size() != 2 * rank)
    return invalidInput("strides, dilations and pads must have %d, %d and %d entries", rank, rank,
                        2 * rank);
  for (size_t i = 0; i < rank; ++i)
    if (g.strides[i] <= 0 || g.dilations[i] <= 0 || pads[i] < 0 || pads[i + rank] < 0)
      return invalidInput("strides and dilations must be positive and pads non-negative");
  g.padBegin.assign(pads.begin(), pads.begin() + rank);
  g.padEnd.assign(pads.begin() + rank, pads.end());
  return absl::OkStatus();
}

int64_t divideRounding(int64_t a, int64_t b, bool up) { return up ? (a + b - 1) / b : a / b; }

} // namespace

StatusOr<WindowGeometry> computeWindowGeometry(const AttributeMap &attrs, const Shape &inputSpatial,
                                               const Shape &kernel, bool ceilMode) {
  size_t rank = inputSpatial.size();
  WindowGeometry g;
  g.kernel = kernel;
  if (kernel.size() != rank)
    return invalidInput("kernel has %d spatial dimensions but the input has %d", kernel.size(), rank);
  for (int64_t size : kernel)
    if (size <= 0) return invalidInput("kernel_shape must be positive, got %s", shapeToString(kernel));
  TS_RETURN_IF_ERROR(readCommon(attrs, rank, g));
  std::string autoPad = attrs.getString("auto_pad", "NOTSET");
  for (size_t i = 0; i < rank; ++i) {
    int64_t in = inputSpatial[i];
    int64_t window = (kernel[i] - 1) * g.dilations[i] + 1;
    if (in < 0) {
      g.output.push_back(kUnknownDim);
      continue;
    }
    if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
      int64_t out = divideRounding(in, g.strides[i], /*up=*/true);
      int64_t total = std::max<int64_t>(0, (out - 1) * g.strides[i] + window - in);
      g.padBegin[i] = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
      g.padEnd[i] = total - g.padBegin[i];
    } else if (autoPad == "VALID") {
      g.padBegin[i] = g.padEnd[i] = 0;
    } else if (autoPad != "NOTSET") {
      return invalidInput("unknown auto_pad '%s'", autoPad);
    }
    int64_t span = in + g.padBegin[i] + g.padEnd[i] - window;
    if (span < 0) return invalidInput("window of %d exceeds the padded input of %d", window, in);
    int64_t out = divideRounding(span, g.strides[i], ceilMode) + 1;
    // ceil_mode must not start a window entirely in the end padding.
    if (ceilMode && (out - 1) * g.strides[i] >= in + g.padBegin[i]) --out;
    g.output.push_back(out);
  }
  return g;
}

StatusOr<WindowGeometry> computeTransposedGeometry(const AttributeMap &attrs,
                                                   const Shape &inputSpatial, const Shape &kernel) {
  size_t rank = inputSpatial.size();
  WindowGeometry g;
  g.kernel = kernel;
  TS_RETURN_IF_ERROR(readCommon(attrs, rank, g));
  Ints outputPadding = attrs.getInts("output_padding", std::vector<int64_t>(rank, 0));
  Ints outputShape = attrs.getInts("output_shape");
  std::string autoPad = attrs.getString("auto_pad", "NOTSET");
  if (outputPadding.size() != rank) return invalidInput("output_padding must have %d entries", rank);
  if (!outputShape.empty() && outputShape.size() != rank)
    outputShape.erase(outputShape.begin(), outputShape.end() - rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t in = inputSpatial[i];
    int64_t window = (kernel[i] - 1) * g.dilations[i] + 1;
    int64_t full = in < 0 ? kUnknownDim : g.strides[i] * (in - 1) + outputPadding[i] + window;
    int64_t out = kUnknownDim;
    if (!outputShape.empty() || autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
      out = !outputShape.empty() ? outputShape[i] : (in < 0 ? kUnknownDim : in * g.strides[i]);
      int64_t total = full < 0 || out < 0 ? 0 : std::max<int64_t>(0, full - out);
      g.padBegin[i] = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
      g.padEnd[i] = total - g.padBegin[i];
    } else {
      if (autoPad == "VALID") g.padBegin[i] = g.padEnd[i] = 0;
      out = full < 0 ? kUnknownDim : full - g.padBegin[i] - g.padEnd[i];
    }
    g.output.push_back(out);
  }
  return g;
}

} // namespace tessera::graph
