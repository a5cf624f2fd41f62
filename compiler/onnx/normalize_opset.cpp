//===- normalize_opset.cpp - One meaning per op across ONNX opsets -------------===//
#include "compiler/onnx/normalize_opset.h"

#include <set>

#include "compiler/graph/infer_util.h"

namespace tessera::onnx_import {
namespace {

const std::set<std::string> kLegacyBroadcastOps = {"Add", "Sub", "Mul", "Div", "Pow", "And", "Or",
                                                   "Xor", "Equal", "Greater", "Less", "PRelu"};

/// Before opset 7, `B` broadcast against `A` starting at dimension `axis`: reshape B
/// so numpy-style (right-aligned) broadcasting means the same.
Status alignLegacyBroadcast(graph::Node &node, graph::Graph &graph) {
  int64_t axis = node.attrs.getInt("axis", -1);
  // PRelu's slope of one value per channel broadcasts from the channel axis.
  const graph::Value *slope = node.op == "PRelu" ? graph.findValue(node.input(1)) : nullptr;
  if (slope && slope->type.rank() == 1 && slope->type.shape[0] > 1) axis = 1;
  node.attrs.erase("broadcast");
  node.attrs.erase("axis");
  if (axis < 0 || node.inputs.size() != 2) return absl::OkStatus();
  const graph::Value *a = graph.findValue(node.inputs[0]), *b = graph.findValue(node.inputs[1]);
  if (!a || !b || !a->type.ranked || !b->type.isStatic())
    return invalidInput("%s: legacy broadcast with an axis needs known input ranks", node.describe());
  int64_t trailing = a->type.rank() - axis - b->type.rank();
  if (trailing <= 0) return absl::OkStatus();
  Shape shape = b->type.shape;
  shape.insert(shape.end(), trailing, 1);
  std::string target = graph.addConstant(node.inputs[1] + "_shape", graph::intsToTensor(shape));
  std::string reshaped = graph.uniqueName(node.inputs[1] + "_aligned");
  graph.setValue(reshaped, graph::TensorType(b->type.dtype, shape));
  graph.nodes.push_back(graph::Node{"Reshape", "", {node.inputs[1], target}, {reshaped}, {}});
  node.inputs[1] = reshaped;
  return absl::OkStatus();
}

} // namespace

Status normalizeForOpset(graph::Node &node, int64_t opset, graph::Graph &graph) {
  if (opset < 13 && (node.op == "Softmax" || node.op == "LogSoftmax" || node.op == "Hardmax"))
    node.attrs.set("coerce_2d", int64_t{1});
  if (opset == 10 && node.op == "Resize" && node.inputs.size() == 2)
    node.inputs = {node.inputs[0], "", node.inputs[1]};
  if (opset < 7 && kLegacyBroadcastOps.count(node.op)) return alignLegacyBroadcast(node, graph);
  if (opset < 7 && node.op == "Gemm") node.attrs.erase("broadcast");
  return absl::OkStatus();
}

} // namespace tessera::onnx_import
