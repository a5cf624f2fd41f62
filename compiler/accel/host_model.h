//===- host_model.h - The host side of a model compiled for the accelerator ----------===//
//
// This file holds the description; runtime/model/host_model_runner.h runs it on a
// device. A compiled model runs as: the `pre` graph on the host (QuantizeLinear of the inputs
// and whatever needs no accelerator result), the tensors the accelerator reads packed
// into its layouts and written to DRAM, the program, the tensors the host needs read
// back and unpacked, then the `post` graph (DequantizeLinear, CPU-only ops). Host
// graphs run on the reference interpreter. The whole description travels in the .tsb's
// `host` metadata (docs/binary-format.md), so a binary is self-contained.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "compiler/accel/conv_layer.h"
#include "compiler/accel/coverage.h"
#include "compiler/accel/partition.h"
#include "isa/config.h"

namespace tessera::accel {

/// A graph value crossing between host and accelerator DRAM.
struct HostTransfer {
  std::string value;  ///< graph value
  std::string tensor; ///< DRAM tensor
  Shape nchw;         ///< the value as [N, C, H, W] images (blocked layout in DRAM)
  Shape shape;        ///< the value's shape in the graph ([1, K] views keep their 4-D nchw)
  /// Set when the host packs the kernel window of this first convolution into the
  /// channels (layouts.h, packWindowedInput) instead of using the blocked layout.
  std::optional<ConvLayer> window;
};

/// The DRAM tensor shape of a transfer.
Shape deviceShape(const HostTransfer &transfer, const isa::HardwareConfig &config);
/// [N][C][H][W] -> [N*ceil(C/B)][H][W][B].
Shape blockedShape(const Shape &nchw, const isa::HardwareConfig &config);

struct HostInput {
  std::string name;
  DType dtype;
  Shape shape;
};

struct HostModel {
  std::vector<HostInput> inputs;   ///< the model's
  std::vector<std::string> outputs; ///< the model's
  std::optional<graph::Graph> pre, post;
  std::optional<Coverage> coverage; ///< how much of the model the accelerator runs
  /// The cost model's cycles of each accelerator layer, by layer (= segment) name; `run
  /// --report` adds them to the segments as `estimated_cycles`.
  std::map<std::string, double> estimatedCycles;
  std::vector<HostTransfer> toDevice, fromDevice;

  nlohmann::json toJson() const;
  static StatusOr<HostModel> fromJson(std::string_view text);
};

/// The host model of a partitioned graph.
StatusOr<HostModel> buildHostModel(const graph::Graph &graph, const Partition &partition,
                                   const std::vector<HostTransfer> &toDevice, const std::vector<HostTransfer> &fromDevice);

using TensorMap = std::map<std::string, Tensor>;

} // namespace tessera::accel
