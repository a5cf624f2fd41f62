//===- host_model.h - The host side of a model compiled for the accelerator ----------===//
//
// This file holds the description; runtime/model/host_model_runner.h runs it on a
// device. A compiled model runs its regions (partition.h) in order. A host region is a
// graph (QuantizeLinear of the inputs, ops the accelerator lacks, DequantizeLinear of
// the outputs); the runner compiles it through the cpu target's executor. An
// accelerator region is a range of the program's instructions: the tensors it reads
// from the host are packed into its layouts and written to DRAM, the range runs, and
// the tensors the host needs are read back and unpacked. The whole description travels
// in the .tsb's `host` metadata (docs/binary-format.md), so a binary is self-contained.
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

/// One region of a compiled model, as the host runs it.
struct HostRegion {
  int region = 0; ///< the partition's number: even on the host, odd on the accelerator
  /// Host regions: the region's nodes; its inputs are the values it reads from earlier
  /// regions, its outputs the values later regions or the model's outputs need.
  std::optional<graph::Graph> graph;
  /// Host regions compiled ahead of time: the bytes [offset, offset + size) of the
  /// binary's HOST_CODE section hold the region's shared library (compiler/exec/aot.h).
  struct Library {
    uint64_t offset = 0, size = 0;
  };
  std::optional<Library> library;
  /// Accelerator regions: the program's instructions [firstInstruction,
  /// endInstruction); the one at endInstruction closes the region (a sync that pops the
  /// store's token, or the program's FINISH).
  uint32_t firstInstruction = 0, endInstruction = 0;
  std::vector<HostTransfer> toDevice;   ///< written before the region runs
  std::vector<HostTransfer> fromDevice; ///< read after it ran

  bool onAccelerator() const { return region % 2 == 1; }
};

struct HostModel {
  std::vector<HostInput> inputs;   ///< the model's
  std::vector<std::string> outputs; ///< the model's
  std::vector<HostRegion> regions;  ///< in the order they run (host regions without nodes left out)
  std::optional<Coverage> coverage; ///< how much of the model the accelerator runs
  /// The cost model's cycles of each accelerator layer, by layer (= segment) name; `run
  /// --report` adds them to the segments as `estimated_cycles`.
  std::map<std::string, double> estimatedCycles;

  /// The accelerator regions' transfers, in order.
  std::vector<HostTransfer> toDevice() const;
  std::vector<HostTransfer> fromDevice() const;
  nlohmann::json toJson() const;
  static StatusOr<HostModel> fromJson(std::string_view text);
};

/// The host model of a partitioned graph: the accelerator regions as the model compiler
/// emitted them (instruction ranges and transfers), the host regions cut from the graph.
StatusOr<HostModel> buildHostModel(const graph::Graph &graph, const Partition &partition,
                                   std::vector<HostRegion> acceleratorRegions);

using TensorMap = std::map<std::string, Tensor>;

} // namespace tessera::accel
