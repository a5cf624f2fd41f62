//===- alu_layers.cpp - Int8 ALU-op nodes -> layer structs -----------------------------===//
#include "compiler/accel/alu_layers.h"

#include "compiler/graph/conv_geometry.h"
#include "compiler/graph/int8_ops.h"

namespace tessera::accel {

std::optional<int32_t> Int8Epilogue::requantImmediate() const {
  if (!requant || multiplier == 0 || (multiplier & (multiplier - 1)) != 0) return std::nullopt;
  uint32_t k = 0;
  while ((uint32_t(1) << k) != multiplier) ++k;
  if (k > shift) return std::nullopt;
  return int32_t(shift - k);
}

int32_t Int8Epilogue::clipOperand() const {
  return int32_t(int16_t(uint16_t((uint32_t(clipLo) & 0xff) << 8 | (uint32_t(clipHi) & 0xff))));
}

const char *segmentOpOf(EltwiseOp op) {
  switch (op) {
  case EltwiseOp::add: return "add";
  case EltwiseOp::mul: return "mul";
  case EltwiseOp::max: return "max";
  case EltwiseOp::min: return "min";
  case EltwiseOp::clip: return "clip";
  case EltwiseOp::lut: return "lut";
  }
  return "?";
}

const char *segmentOpOf(PoolOp op) { return op == PoolOp::max ? "maxpool" : "avgpool"; }

namespace {

std::string layerName(const graph::Node &node) { return node.name.empty() ? node.outputs[0] : node.name; }

/// The activation shape [1][C][H][W] of input `index` ([1][K] as [1][K][1][1] for the
/// elementwise ops), or why it does not lower.
StatusOr<Shape> activationShape(const graph::Graph &graph, const graph::Node &node, size_t index, bool elementwise) {
  if (!node.hasInput(index)) return invalidInput("%s: input %d is missing", node.describe(), index);
  const graph::TensorType &type = graph.typeOf(node.input(index));
  if (type.dtype != DType::I8) return invalidInput("%s: input %d must be i8", node.describe(), index);
  Shape s = type.shape;
  if (elementwise && s.size() == 2) s = {s[0], s[1], 1, 1};
  if (s.size() != 4) return invalidInput("%s: rank-%d input; the accelerator lowers [1][C][H][W] activations", node.describe(), s.size());
  for (int64_t d : s)
    if (d < 1) return invalidInput("%s: input shape %s must be static and non-empty", node.describe(), shapeToString(s));
  return s;
}

StatusOr<Int8Epilogue> epilogueOf(const graph::Node &node, bool needsRequant) {
  auto attrs = graph::readInt8OpAttrs(node.attrs, 1, needsRequant);
  if (!attrs.ok()) return invalidInput("%s: %s", node.describe(), attrs.status().message());
  Int8Epilogue epilogue;
  epilogue.requant = !attrs->multipliers.empty();
  if (epilogue.requant) epilogue.multiplier = attrs->multipliers[0], epilogue.shift = attrs->shifts[0];
  epilogue.clipLo = attrs->clipLo, epilogue.clipHi = attrs->clipHi;
  return epilogue;
}

StatusOr<EltwiseOp> eltwiseOpOf(const graph::Node &node) {
  if (node.op == "QAdd") return EltwiseOp::add;
  if (node.op == "QMul") return EltwiseOp::mul;
  if (node.op == "QMax") return EltwiseOp::max;
  if (node.op == "QMin") return EltwiseOp::min;
  if (node.op == "QClip") return EltwiseOp::clip;
  if (node.op == "QLut") return EltwiseOp::lut;
  return invalidInput("%s is not an elementwise int8 op (QAdd, QMul, QMax, QMin, QClip, QLut)", node.describe());
}

Status checkPoolAttributes(const graph::Node &node) {
  if (node.outputs.size() > 1 && !node.outputs[1].empty())
    return invalidInput("%s: the Indices output is not lowered to the accelerator", node.describe());
  if (node.op == "QAveragePool" && node.attrs.getInt("count_include_pad", 1) == 0)
    return invalidInput("%s: count_include_pad = 0 is not lowered to the accelerator (QAveragePool counts the padding)",
                        node.describe());
  if (node.attrs.getInt("storage_order", 0) != 0)
    return invalidInput("%s: storage_order = %d is not lowered to the accelerator", node.describe(),
                        node.attrs.getInt("storage_order", 0));
  graph::Ints kernel = node.attrs.getInts("kernel_shape");
  if (kernel.size() != 2) return invalidInput("%s: kernel_shape must have 2 entries (2-D pooling)", node.describe());
  return absl::OkStatus();
}

} // namespace

StatusOr<EltwiseLayer> eltwiseLayerFromNode(const graph::Graph &graph, const graph::Node &node) {
  TS_ASSIGN_OR_RETURN(EltwiseOp op, eltwiseOpOf(node));
  TS_ASSIGN_OR_RETURN(Shape shape, activationShape(graph, node, 0, /*elementwise=*/true));
  EltwiseLayer layer;
  layer.name = layerName(node);
  layer.op = op;
  layer.batch = shape[0], layer.channels = shape[1], layer.height = shape[2], layer.width = shape[3];
  if (layer.operands() == 2) {
    TS_ASSIGN_OR_RETURN(Shape other, activationShape(graph, node, 1, /*elementwise=*/true));
    layer.channelScale = op == EltwiseOp::mul && other == Shape{shape[0], shape[1], 1, 1} && other != shape;
    if (other != shape && !layer.channelScale)
      return invalidInput("%s: operands %s and %s differ; the accelerator lowers broadcasting only for QMul by a "
                          "[N,C,1,1] per-channel operand",
                          node.describe(), shapeToString(shape), shapeToString(other));
  }
  for (const char *name : {"mul_a", "mul_b"}) {
    int64_t value = node.attrs.getInt(name, 1);
    if (value < -32768 || value > 32767) return invalidInput("%s: %s = %d is not a 16-bit immediate", node.describe(), name, value);
  }
  if (op == EltwiseOp::lut) {
    auto table = graph::readLutTable(node.attrs);
    if (!table.ok()) return invalidInput("%s: %s", node.describe(), table.status().message());
    layer.table.assign(table->begin(), table->end());
  }
  layer.mulA = int32_t(node.attrs.getInt("mul_a", 1));
  layer.mulB = int32_t(node.attrs.getInt("mul_b", 1));
  TS_ASSIGN_OR_RETURN(layer.epilogue, epilogueOf(node, /*needsRequant=*/op == EltwiseOp::add || op == EltwiseOp::mul));
  return layer;
}

StatusOr<PoolLayer> poolLayerFromNode(const graph::Graph &graph, const graph::Node &node) {
  if (node.op != "QMaxPool" && node.op != "QAveragePool")
    return invalidInput("%s is not a QMaxPool or QAveragePool", node.describe());
  TS_ASSIGN_OR_RETURN(Shape x, activationShape(graph, node, 0, /*elementwise=*/false));
  TS_RETURN_IF_ERROR(checkPoolAttributes(node));
  graph::Ints kernel = node.attrs.getInts("kernel_shape");
  auto geometry = graph::computeWindowGeometry(node.attrs, {x[2], x[3]}, {kernel[0], kernel[1]},
                                               node.attrs.getInt("ceil_mode", 0) != 0);
  if (!geometry.ok()) return invalidInput("%s: %s", node.describe(), geometry.status().message());
  PoolLayer layer;
  layer.name = layerName(node);
  layer.op = node.op == "QMaxPool" ? PoolOp::max : PoolOp::average;
  layer.batch = x[0], layer.channels = x[1], layer.height = x[2], layer.width = x[3];
  layer.outHeight = geometry->output[0], layer.outWidth = geometry->output[1];
  layer.kernelH = kernel[0], layer.kernelW = kernel[1];
  layer.strideH = geometry->strides[0], layer.strideW = geometry->strides[1];
  layer.dilationH = geometry->dilations[0], layer.dilationW = geometry->dilations[1];
  layer.padTop = geometry->padBegin[0], layer.padLeft = geometry->padBegin[1];
  TS_ASSIGN_OR_RETURN(layer.epilogue, epilogueOf(node, /*needsRequant=*/layer.op == PoolOp::average));
  return layer;
}

StatusOr<GlobalPoolLayer> globalPoolLayerFromNode(const graph::Graph &graph, const graph::Node &node) {
  if (node.op != "QGlobalAveragePool") return invalidInput("%s is not a QGlobalAveragePool", node.describe());
  TS_ASSIGN_OR_RETURN(Shape x, activationShape(graph, node, 0, /*elementwise=*/false));
  GlobalPoolLayer layer;
  layer.name = layerName(node);
  layer.batch = x[0], layer.channels = x[1], layer.height = x[2], layer.width = x[3];
  TS_ASSIGN_OR_RETURN(layer.epilogue, epilogueOf(node, /*needsRequant=*/true));
  return layer;
}

} // namespace tessera::accel
