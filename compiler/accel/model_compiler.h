//===- model_compiler.h - A quantized graph -> one accelerator binary ----------------===//
//
// `tessera compile model.onnx --target accel` runs this after quantization: the graph
// is partitioned (partition.h), every accelerator node is planned (node_lowering.h:
// layer, cost-model schedule), the activations it touches get DRAM tensors in the
// blocked layout, and the layers are emitted in graph order into one program with one
// segment per layer. The host side (the pre and post graphs in text form and how the
// tensors cross: packing, unpacking) is stored in the program's `host` metadata
// (docs/binary-format.md), so `tessera run model.tsb` runs the whole model.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <map>
#include <string>
#include <vector>

#include "compiler/accel/node_lowering.h"
#include "compiler/accel/partition.h"

namespace tessera::accel {

struct LayerSummary {
  std::string name, op;
  int64_t macs = 0;
  double estimatedCycles = 0;
};

struct CompiledModel {
  isa::Program program;
  std::vector<LayerSummary> layers;
  std::map<std::string, int> acceleratorOps, cpuOps; ///< node counts by op
  std::vector<std::string> cpuReasons;               ///< "node: reason", one per CPU node
  uint64_t constantBytes = 0;                        ///< weights and per-channel constants in DRAM

  double estimatedCycles() const;
  /// The compile summary `tessera compile --target accel` prints.
  std::string summary(const isa::HardwareConfig &config) const;
};

/// Compiles a quantized graph (int8 ops, docs/quantization.md).
StatusOr<CompiledModel> compileForAccelerator(const graph::Graph &graph, const isa::HardwareConfig &config,
                                              const LoweringOptions &options = {});

} // namespace tessera::accel
