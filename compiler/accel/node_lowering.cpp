//===- node_lowering.cpp - Graph nodes -> accelerator layers ---------------------------===//
#include "compiler/accel/node_lowering.h"

#include <type_traits>

#include "compiler/graph/op_traits.h"

namespace tessera::accel {

namespace {

Status requireInt8(const graph::Graph &graph, const graph::Node &node, size_t input) {
  const graph::TensorType &type = graph.typeOf(node.input(input));
  if (type.dtype != DType::I8) return invalidInput("%s: input %d is %s, not int8", node.describe(), input, dtypeName(type.dtype));
  if (!type.isStatic()) return invalidInput("%s: input %d has a dynamic shape", node.describe(), input);
  return absl::OkStatus();
}

StatusOr<AccelLayer> convFromNode(const graph::Graph &graph, const graph::Node &node, const NodeContext &context) {
  TS_RETURN_IF_ERROR(requireInt8(graph, node, 0));
  TS_ASSIGN_OR_RETURN(ConvLayer layer, convLayerFromNode(graph, node));
  const char *op = layer.group == 1 ? "conv2d" : layer.group == layer.inChannels ? "conv2d_depthwise" : "conv2d_grouped";
  return AccelLayer{layer.name, op, std::move(layer), context.inputFromHost};
}

StatusOr<AccelLayer> gemmFromNode(const graph::Graph &graph, const graph::Node &node, const NodeContext &context) {
  TS_RETURN_IF_ERROR(requireInt8(graph, node, 0));
  TS_ASSIGN_OR_RETURN(ConvLayer layer, gemmLayerFromNode(graph, node, context.inputs.at(0).nchw));
  return AccelLayer{layer.name, "gemm", std::move(layer), context.inputFromHost};
}

StatusOr<AccelLayer> eltwiseFromNode(const graph::Graph &graph, const graph::Node &node, const NodeContext &context) {
  for (size_t i = 0; i < node.inputs.size(); ++i) TS_RETURN_IF_ERROR(requireInt8(graph, node, i));
  TS_ASSIGN_OR_RETURN(EltwiseLayer layer, eltwiseLayerFromNode(graph, node));
  return AccelLayer{layer.name, segmentOpOf(layer.op), std::move(layer), context.inputFromHost};
}

StatusOr<AccelLayer> poolFromNode(const graph::Graph &graph, const graph::Node &node, const NodeContext &context) {
  TS_RETURN_IF_ERROR(requireInt8(graph, node, 0));
  TS_ASSIGN_OR_RETURN(PoolLayer layer, poolLayerFromNode(graph, node));
  return AccelLayer{layer.name, segmentOpOf(layer.op), std::move(layer), context.inputFromHost};
}

StatusOr<AccelLayer> globalPoolFromNode(const graph::Graph &graph, const graph::Node &node, const NodeContext &context) {
  TS_RETURN_IF_ERROR(requireInt8(graph, node, 0));
  TS_ASSIGN_OR_RETURN(GlobalPoolLayer layer, globalPoolLayerFromNode(graph, node));
  return AccelLayer{layer.name, "global_avgpool", std::move(layer), context.inputFromHost};
}

using Reader = StatusOr<AccelLayer> (*)(const graph::Graph &, const graph::Node &, const NodeContext &);

struct ReaderEntry {
  const char *op;
  Reader reader;
};

constexpr ReaderEntry kReaders[] = {
    {"QConv", convFromNode},
    {"QGemm", gemmFromNode},
    {"QAdd", eltwiseFromNode},
    {"QMul", eltwiseFromNode},
    {"QMax", eltwiseFromNode},
    {"QMin", eltwiseFromNode},
    {"QClip", eltwiseFromNode},
    {"QLut", eltwiseFromNode},
    {"QMaxPool", poolFromNode},
    {"QAveragePool", poolFromNode},
    {"QGlobalAveragePool", globalPoolFromNode},
};

} // namespace

StatusOr<Shape> imageShape(const graph::Graph &graph, const std::string &value) {
  const graph::TensorType &type = graph.typeOf(value);
  if (!type.isStatic()) return invalidInput("value %%%s has a dynamic shape", value);
  const Shape &shape = type.shape;
  if (shape.size() == 4 && shape[0] >= 1) return shape;
  if (shape.size() == 2 && shape[0] >= 1) return Shape{shape[0], shape[1], 1, 1};
  // [A, B, K] (a sequence of tokens) is the A*B rows of K features: row-major, the same bytes.
  if (shape.size() == 3 && shape[0] >= 1 && shape[1] >= 1) return Shape{shape[0] * shape[1], shape[2], 1, 1};
  return invalidInput("value %%%s has shape %s; the accelerator holds [N,C,H,W], [N,K] and [A,B,K] tensors", value,
                      shapeToString(shape));
}

bool isView(const graph::Graph &graph, const graph::Node &node) {
  if (!graph::hasOpTrait(node.op, graph::op_trait::ReshapeLike)) return false;
  const graph::TensorType &in = graph.typeOf(node.input(0)), &out = graph.typeOf(node.outputs[0]);
  if (in.dtype != DType::I8 || !in.isStatic() || !out.isStatic()) return false;
  bool images = (in.rank() == 4 || in.rank() == 2) && in.shape[0] >= 1;
  return images && out.rank() == 2 && out.shape[0] == in.shape[0] && out.shape[0] * out.shape[1] == in.elementCount();
}

AccelLayer foldAluBatch(AccelLayer layer, int64_t block) {
  std::visit(
      [block](auto &shape) {
        using Kind = std::decay_t<decltype(shape)>;
        if constexpr (!std::is_same_v<Kind, ConvLayer>) shape = foldBatch(shape, block);
      },
      layer.shape);
  return layer;
}

StatusOr<AccelLayer> layerFromNode(const graph::Graph &graph, const graph::Node &node, const NodeContext &context) {
  for (const ReaderEntry &entry : kReaders)
    if (node.op == entry.op) return entry.reader(graph, node, context);
  return invalidInput("%s: no accelerator lowering for %s", node.describe(), node.op);
}

} // namespace tessera::accel
