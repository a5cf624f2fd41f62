//===- node_lowering.h - One graph node as an accelerator layer ----------------------===//
//
// The model compiler asks this for each node the accelerator may run: layerFromNode
// builds the layer from the node, checking everything the lowering needs (int8
// operands, constant weights, supported attributes); mapping_space.h then maps it onto
// the hardware. Views (a ReshapeLike op to [1, K]: Flatten, Reshape, ...) emit nothing:
// the consumer reads the producer's DRAM tensor directly.
//
// Every value the accelerator holds is one DRAM tensor in the blocked activation layout
// [N*ceil(C/B)][H][W][B] int8 (layouts.h; a batch's images one after another); an [N, K]
// value is N [K, 1, 1] images, and a flattened [N, C, H, W] keeps its 4-D source shape so
// a fully connected layer reads it as a convolution over each whole image.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "compiler/accel/mapping_space.h"
#include "compiler/graph/graph.h"

namespace tessera::accel {

/// A value in accelerator DRAM.
struct DeviceValue {
  std::string tensor;      ///< DRAM tensor name
  Shape nchw;              ///< [N][C][H][W] of the value
  int64_t blockOffset = 0; ///< first channel block of the value in the tensor (Concat inputs)
};

/// What the lowering needs to know about a node's context.
struct NodeContext {
  std::vector<DeviceValue> inputs; ///< one per non-constant node input
  bool inputFromHost = false;      ///< input 0 is written by the host (may be packed)
};

/// True for nodes that only rename data in the blocked layout (no instructions): a
/// ReshapeLike [N, ...] -> [N, K] of every image's values.
bool isView(const graph::Graph &graph, const graph::Node &node);

/// The node's layer, or why the accelerator cannot run it.
StatusOr<AccelLayer> layerFromNode(const graph::Graph &graph, const graph::Node &node, const NodeContext &context);

/// An ALU layer's batch folded into its channels (foldBatch, alu_layers.h); conv and gemm
/// layers keep theirs (the emitter loops over the images).
AccelLayer foldAluBatch(AccelLayer layer, int64_t block);

/// The 4-D image shape of a value: [N, C, H, W] as is, [N, K] as [N, K, 1, 1].
StatusOr<Shape> imageShape(const graph::Graph &graph, const std::string &value);

} // namespace tessera::accel
