//===- validate_attributes.h - Window attributes checked before ONNX shape inference ---===//
//
// ONNX's own shape inference divides by strides and kernel sizes without checking them
// (a Conv with strides [0, 0] raises SIGFPE inside libonnx). Before it runs, every
// windowed op (Conv, ConvTranspose, ConvInteger, QLinearConv, DeformConv, MaxPool,
// AveragePool, LpPool, MaxUnpool), in the graph and in every subgraph, must have
// positive `kernel_shape`, `strides`, `dilations` and `group`, and non-negative `pads`;
// otherwise the error names the node, its op, the attribute and its value.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <onnx/onnx_pb.h>

#include "support/status.h"

namespace tessera::onnx_import {

Status checkWindowAttributes(const onnx::GraphProto &graph);

} // namespace tessera::onnx_import
