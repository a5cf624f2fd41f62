//===- model_compiler.h - A quantized graph -> one accelerator binary ----------------===//
//
// `tessera compile model.onnx --target accel` runs this after quantization: the graph
// is partitioned into host and accelerator regions (partition.h), every accelerator
// node becomes a layer (node_lowering.h)
// with a mapping (mapping_space.h: the cost model's choice, or one given in
// LoweringOptions::mappings), the activations it touches get DRAM tensors in the
// blocked layout, placed in one arena by the memory planner (tensors whose lifetimes do
// not overlap share bytes), and the layers are emitted region after region (in graph
// order within one) into one program with one segment per layer; a sync instruction
// closes each region, so the runner can run each region's range on its own. The host
// side (host regions as graphs in text form, each accelerator region's instruction range
// and how its tensors cross: packing, unpacking) is stored in the program's `host` metadata
// (docs/binary-format.md), so `tessera run model.tsb` runs the whole model.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compiler/accel/coverage.h"
#include "compiler/accel/node_lowering.h"
#include "compiler/accel/partition.h"

namespace tessera::accel {

/// How the model compiler maps layers.
struct LoweringOptions {
  int64_t virtualThreads = 2; ///< the threads of the mappings the cost model chooses from (fewer where a layer's slots need it)
  /// Mappings to use instead of the cost model's choice, by layer name. A mapping that is
  /// illegal for its layer, or a name that is no accelerator layer, is an error.
  std::map<std::string, Mapping> mappings;
  /// Asked for each layer not in `mappings` (e.g. `compile --records`, the best tuning
  /// record of the layer's workload): a mapping it returns replaces the cost model's
  /// choice when it is legal for the layer (an illegal one is ignored).
  std::function<std::optional<Mapping>(const AccelLayer &)> mappingOf;
  /// The partitioner's estimates (its acceleratorUs is the cost model's cycles of each
  /// layer at the config's clock, set by the compiler).
  CostModel costs;
};

struct LayerSummary {
  std::string name, op;
  int64_t macs = 0;
  double estimatedCycles = 0;
  Mapping mapping;
  AccelLayer layer; ///< the layer's shape, as mapped (a tuner searches its mappings)
};

struct CompiledModel {
  isa::Program program;
  std::vector<LayerSummary> layers;
  std::map<std::string, int> acceleratorOps, cpuOps; ///< node counts by op
  std::vector<std::string> cpuReasons;               ///< "node: reason", one per CPU node
  uint64_t constantBytes = 0;                        ///< weights and per-channel constants in DRAM
  uint64_t activationBytes = 0;                      ///< the arena of activations (memory-planned)
  Coverage coverage;                                 ///< also in the binary's host metadata

  double estimatedCycles() const;
  /// The compile summary `tessera compile --target accel` prints.
  std::string summary(const isa::HardwareConfig &config) const;
};

/// The mappings file `tessera compile --dump-mappings` writes: one line per layer,
/// "NAME: MAPPING" (mapping.h), in program order.
std::string printLayerMappings(const CompiledModel &model);
/// Reads a mappings file (`--mappings`); errors name the line. Lines starting with `#`
/// are comments.
StatusOr<std::map<std::string, Mapping>> parseLayerMappings(std::string_view text);

/// Compiles a quantized graph (int8 ops, docs/quantization.md).
StatusOr<CompiledModel> compileForAccelerator(const graph::Graph &graph, const isa::HardwareConfig &config,
                                              const LoweringOptions &options = {});

} // namespace tessera::accel
