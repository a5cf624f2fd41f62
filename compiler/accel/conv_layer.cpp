//===- conv_layer.cpp - QConv node -> ConvLayer ---------------------------------------===//
#include "compiler/accel/conv_layer.h"

#include <algorithm>
#include <cstring>

#include "compiler/graph/conv_geometry.h"
#include "compiler/graph/int8_ops.h"
#include "isa/alu_ops.h"

namespace tessera::accel {

namespace {

Status checkSupported(const graph::Node &node, const Shape &x, const Shape &w, int64_t group) {
  if (x.size() != 4 || w.size() != 4)
    return invalidInput("%s: only 2-D convolutions lower to the accelerator", node.describe());
  if (x[0] < 1) return invalidInput("%s: batch %d; the accelerator lowering needs a static batch", node.describe(), x[0]);
  if (group < 1 || x[1] % group != 0 || w[0] % group != 0 || w[1] * group != x[1])
    return invalidInput("%s: group %d does not split %d input and %d output channels (weights %s)", node.describe(),
                        group, x[1], w[0], shapeToString(w));
  return absl::OkStatus();
}

std::vector<int32_t> biasOf(const graph::Graph &graph, const graph::Node &node, int64_t channels) {
  std::vector<int32_t> bias(size_t(channels), 0);
  const Tensor *constant = node.hasInput(2) ? graph.constantOf(node.input(2)) : nullptr;
  if (constant)
    for (int64_t c = 0; c < channels; ++c) bias[size_t(c)] = constant->data<int32_t>()[c];
  return bias;
}

/// Bias, requant operands and clip bounds of a QConv or QGemm with `channels` outputs.
Status setEpilogue(ConvLayer &layer, const graph::Graph &graph, const graph::Node &node, int64_t channels) {
  TS_ASSIGN_OR_RETURN(graph::Int8OpAttrs attrs, graph::readInt8OpAttrs(node.attrs, channels, /*needsRequant=*/true));
  layer.bias = biasOf(graph, node, channels);
  for (int64_t c = 0; c < channels; ++c) {
    size_t i = attrs.multipliers.size() == 1 ? 0 : size_t(c);
    layer.requantOperands.push_back(isa::packRequantOperand(attrs.multipliers[i], attrs.shifts[i]));
  }
  layer.clipLo = attrs.clipLo, layer.clipHi = attrs.clipHi;
  return absl::OkStatus();
}

Status checkConstantOperands(const graph::Graph &graph, const graph::Node &node) {
  if (!graph.constantOf(node.input(1)))
    return invalidInput("%s: weights must be constant to lower to the accelerator", node.describe());
  if (node.hasInput(2) && !graph.constantOf(node.input(2)))
    return invalidInput("%s: bias must be constant to lower to the accelerator", node.describe());
  return absl::OkStatus();
}

} // namespace

StatusOr<ConvLayer> convLayerFromNode(const graph::Graph &graph, const graph::Node &node) {
  if (node.op != "QConv") return invalidInput("%s is not a QConv", node.describe());
  TS_RETURN_IF_ERROR(checkConstantOperands(graph, node));
  const Tensor *weights = graph.constantOf(node.input(1));
  const Shape &x = graph.typeOf(node.input(0)).shape, &w = weights->shape();
  TS_RETURN_IF_ERROR(checkSupported(node, x, w, node.attrs.getInt("group", 1)));
  TS_ASSIGN_OR_RETURN(graph::WindowGeometry geometry,
                      graph::computeWindowGeometry(node.attrs, {x[2], x[3]}, {w[2], w[3]}, /*ceilMode=*/false));
  ConvLayer layer;
  layer.name = node.name.empty() ? node.outputs[0] : node.name;
  layer.batch = x[0];
  layer.inChannels = x[1], layer.height = x[2], layer.width = x[3];
  layer.outChannels = w[0], layer.outHeight = geometry.output[0], layer.outWidth = geometry.output[1];
  layer.kernelH = w[2], layer.kernelW = w[3];
  layer.strideH = geometry.strides[0], layer.strideW = geometry.strides[1];
  layer.dilationH = geometry.dilations[0], layer.dilationW = geometry.dilations[1];
  layer.padTop = geometry.padBegin[0], layer.padLeft = geometry.padBegin[1];
  layer.group = node.attrs.getInt("group", 1);
  layer.weights = *weights;
  TS_RETURN_IF_ERROR(setEpilogue(layer, graph, node, w[0]));
  return layer;
}

StatusOr<ConvLayer> gemmLayerFromNode(const graph::Graph &graph, const graph::Node &node,
                                      const Shape &inputBeforeFlatten) {
  if (node.op != "QGemm") return invalidInput("%s is not a QGemm", node.describe());
  if (node.attrs.getInt("transA", 0) != 0)
    return invalidInput("%s: transA is not lowered to the accelerator", node.describe());
  TS_RETURN_IF_ERROR(checkConstantOperands(graph, node));
  const Tensor *weights = graph.constantOf(node.input(1));
  const Shape &x = inputBeforeFlatten, &w = weights->shape();
  if ((x.size() != 2 && x.size() != 4) || x[0] < 1)
    return invalidInput("%s: input %s; the accelerator lowering handles [N,K] and a flattened [N,C,H,W]",
                        node.describe(), shapeToString(x));
  int64_t k = shapeElementCount(x) / x[0];
  if (w.size() != 2 || w[1] != k)
    return invalidInput("%s: weights %s do not match %d inputs", node.describe(), shapeToString(w), k);
  ConvLayer layer;
  layer.name = node.name.empty() ? node.outputs[0] : node.name;
  layer.batch = x[0];
  layer.inChannels = x[1];
  layer.height = layer.kernelH = x.size() == 4 ? x[2] : 1;
  layer.width = layer.kernelW = x.size() == 4 ? x[3] : 1;
  layer.outChannels = w[0], layer.outHeight = 1, layer.outWidth = 1;
  layer.weights = Tensor(weights->dtype(), {w[0], layer.inChannels, layer.kernelH, layer.kernelW});
  std::memcpy(layer.weights.bytes(), weights->bytes(), weights->byteSize());
  TS_RETURN_IF_ERROR(setEpilogue(layer, graph, node, w[0]));
  return layer;
}

namespace {

/// The largest divisor of `pixels` that is at most `limit`.
int64_t rowWidthFor(int64_t pixels, int64_t limit) {
  for (int64_t width = std::min(pixels, limit); width > 1; --width)
    if (pixels % width == 0) return width;
  return 1;
}

} // namespace

StatusOr<ConvLayer> windowPackedLayer(const ConvLayer &layer) {
  if (layer.group != 1) return invalidInput("%s: window packing needs group 1, not %d", layer.name, layer.group);
  const Shape &w = layer.weights.shape();
  if (layer.weights.dtype() != DType::I8 ||
      w != Shape{layer.outChannels, layer.inChannels, layer.kernelH, layer.kernelW})
    return invalidInput("%s: weights %s do not match the layer", layer.name, shapeToString(w));
  ConvLayer packed = layer;
  int64_t taps = layer.kernelH * layer.kernelW, pixels = layer.outHeight * layer.outWidth;
  packed.inChannels = taps * layer.inChannels;
  packed.outWidth = packed.width = rowWidthFor(pixels, 64);
  packed.outHeight = packed.height = pixels / packed.width;
  packed.kernelH = packed.kernelW = packed.strideH = packed.strideW = packed.dilationH = packed.dilationW = 1;
  packed.padTop = packed.padLeft = 0;
  packed.weights = Tensor(DType::I8, {layer.outChannels, packed.inChannels, 1, 1});
  for (int64_t o = 0; o < layer.outChannels; ++o)
    for (int64_t c = 0; c < layer.inChannels; ++c)
      for (int64_t t = 0; t < taps; ++t)
        packed.weights.data<int8_t>()[o * packed.inChannels + t * layer.inChannels + c] =
            layer.weights.data<int8_t>()[(o * layer.inChannels + c) * taps + t];
  return packed;
}

} // namespace tessera::accel
