//===- validate_attributes.cpp - Window attributes before ONNX shape inference --------===//
#include "compiler/onnx/validate_attributes.h"

#include <set>
#include <string>

#include "support/strings.h"

namespace tessera::onnx_import {
namespace {

const std::set<std::string> kWindowOps = {"Conv",    "ConvTranspose", "ConvInteger", "QLinearConv", "DeformConv",
                                          "MaxPool", "AveragePool",   "LpPool",      "MaxUnpool"};

std::string nodeName(const onnx::NodeProto &node) {
  return node.name().empty() ? (node.output_size() > 0 ? node.output(0) : std::string("?")) : node.name();
}

std::string intsText(const onnx::AttributeProto &attribute) {
  std::vector<std::string> values;
  for (int64_t v : attribute.ints()) values.push_back(std::to_string(v));
  if (attribute.has_i()) values.push_back(std::to_string(attribute.i()));
  return "[" + joinStrings(values, ", ") + "]";
}

Status checkNode(const onnx::NodeProto &node) {
  for (const onnx::AttributeProto &attribute : node.attribute()) {
    const std::string &name = attribute.name();
    bool positive = name == "kernel_shape" || name == "strides" || name == "dilations" || name == "group";
    bool nonNegative = name == "pads";
    if (!positive && !nonNegative) continue;
    bool bad = attribute.has_i() && (positive ? attribute.i() < 1 : attribute.i() < 0);
    for (int64_t v : attribute.ints()) bad |= positive ? v < 1 : v < 0;
    if (bad)
      return invalidInput("node '%s' (%s): attribute '%s' must be %s, got %s", nodeName(node), node.op_type(), name,
                          positive ? "positive" : "non-negative", intsText(attribute));
  }
  return absl::OkStatus();
}

} // namespace

Status checkWindowAttributes(const onnx::GraphProto &graph) {
  for (const onnx::NodeProto &node : graph.node()) {
    if (kWindowOps.count(node.op_type())) TS_RETURN_IF_ERROR(checkNode(node));
    for (const onnx::AttributeProto &attribute : node.attribute()) {
      if (attribute.has_g()) TS_RETURN_IF_ERROR(checkWindowAttributes(attribute.g()));
      for (const onnx::GraphProto &subgraph : attribute.graphs()) TS_RETURN_IF_ERROR(checkWindowAttributes(subgraph));
    }
  }
  return absl::OkStatus();
}

} // namespace tessera::onnx_import
