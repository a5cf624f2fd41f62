//===- conv_layer.cpp - QConv node -> ConvLayer ---------------------------------------===//
#include "compiler/accel/conv_layer.h"

#include "compiler/graph/conv_geometry.h"
#include "compiler/graph/int8_ops.h"
#include "simulator/golden/alu_ops.h"

namespace tessera::accel {

namespace {

Status checkSupported(const graph::Node &node, const Shape &x, const Shape &w, int64_t group) {
  if (x.size() != 4 || w.size() != 4) return invalidInput("%s: only 2-D convolutions lower to the accelerator", node.describe());
  if (x[0] != 1) return invalidInput("%s: batch %d; the accelerator lowering handles batch 1", node.describe(), x[0]);
  if (group != 1) return invalidInput("%s: group %d is not lowered to the accelerator yet", node.describe(), group);
  return absl::OkStatus();
}

std::vector<int32_t> biasOf(const graph::Graph &graph, const graph::Node &node, int64_t channels) {
  std::vector<int32_t> bias(size_t(channels), 0);
  const Tensor *constant = node.hasInput(2) ? graph.constantOf(node.input(2)) : nullptr;
  if (constant)
    for (int64_t c = 0; c < channels; ++c) bias[size_t(c)] = constant->data<int32_t>()[c];
  return bias;
}

} // namespace

StatusOr<ConvLayer> convLayerFromNode(const graph::Graph &graph, const graph::Node &node) {
  if (node.op != "QConv") return invalidInput("%s is not a QConv", node.describe());
  const Tensor *weights = graph.constantOf(node.input(1));
  if (!weights) return invalidInput("%s: weights must be constant to lower to the accelerator", node.describe());
  if (node.hasInput(2) && !graph.constantOf(node.input(2)))
    return invalidInput("%s: bias must be constant to lower to the accelerator", node.describe());
  const Shape &x = graph.typeOf(node.input(0)).shape, &w = weights->shape();
  TS_RETURN_IF_ERROR(checkSupported(node, x, w, node.attrs.getInt("group", 1)));
  TS_ASSIGN_OR_RETURN(graph::WindowGeometry geometry,
                      graph::computeWindowGeometry(node.attrs, {x[2], x[3]}, {w[2], w[3]}, /*ceilMode=*/false));
  TS_ASSIGN_OR_RETURN(graph::Int8OpAttrs attrs, graph::readInt8OpAttrs(node.attrs, w[0], /*needsRequant=*/true));
  ConvLayer layer;
  layer.name = node.name.empty() ? node.outputs[0] : node.name;
  layer.inChannels = x[1], layer.height = x[2], layer.width = x[3];
  layer.outChannels = w[0], layer.outHeight = geometry.output[0], layer.outWidth = geometry.output[1];
  layer.kernelH = w[2], layer.kernelW = w[3];
  layer.strideH = geometry.strides[0], layer.strideW = geometry.strides[1];
  layer.dilationH = geometry.dilations[0], layer.dilationW = geometry.dilations[1];
  layer.padTop = geometry.padBegin[0], layer.padLeft = geometry.padBegin[1];
  layer.weights = *weights;
  layer.bias = biasOf(graph, node, w[0]);
  for (int64_t c = 0; c < w[0]; ++c) {
    size_t i = attrs.multipliers.size() == 1 ? 0 : size_t(c);
    layer.requantOperands.push_back(sim::packRequantOperand(attrs.multipliers[i], attrs.shifts[i]));
  }
  layer.clipLo = attrs.clipLo, layer.clipHi = attrs.clipHi;
  return layer;
}

} // namespace tessera::accel
