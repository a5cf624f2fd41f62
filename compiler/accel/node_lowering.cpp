//===- node_lowering.cpp - Graph nodes -> layer plans ---------------------------------===//
#include "compiler/accel/node_lowering.h"

#include "compiler/accel/alu_tiling.h"
#include "compiler/accel/conv_tiling.h"
#include "compiler/accel/eltwise_emitter.h"
#include "compiler/accel/pool_emitter.h"

namespace tessera::accel {

namespace {

Status requireInt8(const graph::Graph &graph, const graph::Node &node, size_t input) {
  const graph::TensorType &type = graph.typeOf(node.input(input));
  if (type.dtype != DType::I8) return invalidInput("%s: input %d is %s, not int8", node.describe(), input, dtypeName(type.dtype));
  if (!type.isStatic()) return invalidInput("%s: input %d has a dynamic shape", node.describe(), input);
  return absl::OkStatus();
}

/// A convolution layer (QConv, or QGemm read as a conv) with its cost-model tiling.
StatusOr<LayerPlan> planConvLayer(ConvLayer layer, const char *op, const NodeContext &context) {
  LayerPlan plan;
  plan.name = layer.name;
  plan.op = op;
  plan.macs = layer.macs();
  if (context.inputFromHost && shouldWindowPack(layer, context.config, context.options.virtualThreads)) {
    plan.windowPacking = layer;
    TS_ASSIGN_OR_RETURN(layer, windowPackedLayer(layer));
  }
  TS_ASSIGN_OR_RETURN(ConvTiling tiling, chooseConvTiling(layer, context.config, context.options.virtualThreads));
  plan.estimatedCycles = estimateConvCycles(layer, tiling, context.config);
  plan.emit = [layer, tiling](ProgramBuilder &builder, const std::vector<std::string> &inputs, const std::string &output,
                              LayerPosition position, int64_t offset) {
    return emitConv(builder, layer, tiling, inputs[0], output, position, offset);
  };
  return plan;
}

StatusOr<LayerPlan> planConv(const graph::Graph &graph, const graph::Node &node, const NodeContext &context) {
  TS_RETURN_IF_ERROR(requireInt8(graph, node, 0));
  TS_ASSIGN_OR_RETURN(ConvLayer layer, convLayerFromNode(graph, node));
  const char *op = layer.group == 1 ? "conv2d" : layer.group == layer.inChannels ? "conv2d_depthwise" : "conv2d_grouped";
  return planConvLayer(std::move(layer), op, context);
}

StatusOr<LayerPlan> planGemm(const graph::Graph &graph, const graph::Node &node, const NodeContext &context) {
  TS_RETURN_IF_ERROR(requireInt8(graph, node, 0));
  TS_ASSIGN_OR_RETURN(ConvLayer layer, gemmLayerFromNode(graph, node, context.inputs.at(0).nchw));
  return planConvLayer(std::move(layer), "gemm", context);
}

StatusOr<LayerPlan> planEltwise(const graph::Graph &graph, const graph::Node &node, const NodeContext &context) {
  for (size_t i = 0; i < node.inputs.size(); ++i) TS_RETURN_IF_ERROR(requireInt8(graph, node, i));
  TS_ASSIGN_OR_RETURN(EltwiseLayer layer, eltwiseLayerFromNode(graph, node));
  TS_ASSIGN_OR_RETURN(EltwiseTiling tiling, chooseEltwiseTiling(layer, context.config, context.options.virtualThreads));
  LayerPlan plan{layer.name, segmentOpOf(layer.op), 0, estimateEltwiseCycles(layer, tiling, context.config), {}, {}};
  plan.emit = [layer, tiling](ProgramBuilder &builder, const std::vector<std::string> &inputs, const std::string &output,
                              LayerPosition position, int64_t offset) {
    return emitEltwise(builder, layer, tiling, inputs[0], inputs.size() > 1 ? inputs[1] : inputs[0], output, position,
                       offset);
  };
  return plan;
}

StatusOr<LayerPlan> planPool(const graph::Graph &graph, const graph::Node &node, const NodeContext &context) {
  TS_RETURN_IF_ERROR(requireInt8(graph, node, 0));
  TS_ASSIGN_OR_RETURN(PoolLayer layer, poolLayerFromNode(graph, node));
  TS_ASSIGN_OR_RETURN(PoolTiling tiling, choosePoolTiling(layer, context.config, context.options.virtualThreads));
  LayerPlan plan{layer.name, segmentOpOf(layer.op), 0, estimatePoolCycles(layer, tiling, context.config), {}, {}};
  plan.emit = [layer, tiling](ProgramBuilder &builder, const std::vector<std::string> &inputs, const std::string &output,
                              LayerPosition position, int64_t offset) {
    return emitPool(builder, layer, tiling, inputs[0], output, position, offset);
  };
  return plan;
}

StatusOr<LayerPlan> planGlobalPool(const graph::Graph &graph, const graph::Node &node, const NodeContext &context) {
  TS_RETURN_IF_ERROR(requireInt8(graph, node, 0));
  TS_ASSIGN_OR_RETURN(GlobalPoolLayer layer, globalPoolLayerFromNode(graph, node));
  TS_ASSIGN_OR_RETURN(GlobalPoolTiling tiling, chooseGlobalPoolTiling(layer, context.config, context.options.virtualThreads));
  LayerPlan plan{layer.name, "global_avgpool", 0, estimateGlobalPoolCycles(layer, tiling, context.config), {}, {}};
  plan.emit = [layer, tiling](ProgramBuilder &builder, const std::vector<std::string> &inputs, const std::string &output,
                              LayerPosition position, int64_t offset) {
    return emitGlobalPool(builder, layer, tiling, inputs[0], output, position, offset);
  };
  return plan;
}

using Planner = StatusOr<LayerPlan> (*)(const graph::Graph &, const graph::Node &, const NodeContext &);

struct PlannerEntry {
  const char *op;
  Planner planner;
};

constexpr PlannerEntry kPlanners[] = {
    {"QConv", planConv},
    {"QGemm", planGemm},
    {"QAdd", planEltwise},
    {"QMax", planEltwise},
    {"QMin", planEltwise},
    {"QClip", planEltwise},
    {"QMaxPool", planPool},
    {"QAveragePool", planPool},
    {"QGlobalAveragePool", planGlobalPool},
};

} // namespace

StatusOr<Shape> imageShape(const graph::Graph &graph, const std::string &value) {
  const graph::TensorType &type = graph.typeOf(value);
  if (!type.isStatic()) return invalidInput("value %%%s has a dynamic shape", value);
  const Shape &shape = type.shape;
  if (shape.size() == 4 && shape[0] == 1) return shape;
  if (shape.size() == 2 && shape[0] == 1) return Shape{1, shape[1], 1, 1};
  return invalidInput("value %%%s has shape %s; the accelerator holds [1,C,H,W] and [1,K] tensors", value,
                      shapeToString(shape));
}

bool isView(const graph::Graph &graph, const graph::Node &node) {
  if (node.op != "Flatten" && node.op != "Reshape" && node.op != "Squeeze") return false;
  const graph::TensorType &in = graph.typeOf(node.input(0)), &out = graph.typeOf(node.outputs[0]);
  if (in.dtype != DType::I8 || !in.isStatic() || !out.isStatic()) return false;
  bool batchOneImage = (in.rank() == 4 || in.rank() == 2) && in.shape[0] == 1;
  return batchOneImage && out.rank() == 2 && out.shape[0] == 1 && out.shape[1] == in.elementCount();
}

StatusOr<LayerPlan> planNode(const graph::Graph &graph, const graph::Node &node, const NodeContext &context) {
  for (const PlannerEntry &entry : kPlanners)
    if (node.op == entry.op) return entry.planner(graph, node, context);
  return invalidInput("%s: no accelerator lowering for %s", node.describe(), node.op);
}

} // namespace tessera::accel
