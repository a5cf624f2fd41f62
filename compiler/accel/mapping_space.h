//===- mapping_space.h - Accelerator layers, their legal mappings, cost and emission ---===//
//
// The seam between a model's layers and the instructions: for one AccelLayer and one
// hardware config,
//
//   legalMappings   enumerates every mapping that fits (scratchpad capacities, the
//                   micro-op buffer, DMA padding, instruction field widths), in a fixed
//                   order; when none fits, the error names what overflows;
//   checkMapping    says whether one mapping fits, and if not, why;
//   estimateCycles  is the analytical cost model, built on the timing contract's formulas
//                   (isa/timing: the same DMA transfer cost the simulators use);
//   chooseMapping   keeps the cheapest legal mapping (the first of equal cost);
//   emitLayer       emits the layer with a mapping.
//
// A search (an auto-tuner, or a user's --mappings file) plugs in between the first and
// the last.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "compiler/accel/conv_emitter.h"
#include "compiler/accel/mapping.h"

namespace tessera::accel {

/// One accelerator layer: its shape (the alternative matches Mapping's) and what the
/// mapping may depend on beyond the shape.
struct AccelLayer {
  std::string name; ///< the graph node's name (its output's when unnamed)
  std::string op;   ///< segment op: conv2d, conv2d_depthwise, gemm, add, maxpool, ...
  std::variant<ConvLayer, EltwiseLayer, PoolLayer, GlobalPoolLayer> shape;
  bool inputFromHost = false; ///< the host writes input 0, so it may pack it (window packing)

  int64_t macs() const;
};

/// How far a convolution's space reaches beyond whole-row tiles that reduce over every
/// input block with resident or double-buffered weights (the cheapest schedules when they
/// fit): first splitting the input channels into steps and streaming weights, then also
/// splitting the output columns.
enum class ConvSplits {
  whenNeeded, ///< each wider stage only when the narrower has no legal mapping
  always,     ///< every stage at once (a tuner's full space)
};

/// The values a search may choose from beyond tile sizes.
struct MappingSpace {
  std::vector<int64_t> virtualThreads = {1, 2, 3, 4};
  bool windowPacking = true; ///< try window-packed first layers where the layer allows it
  ConvSplits convSplits = ConvSplits::whenNeeded;
};

/// Where a layer reads and writes: DRAM tensors already added to the builder.
struct LayerIO {
  std::vector<std::string> inputs; ///< in node input order
  std::string output;
  LayerPosition position = LayerPosition::first;
  int64_t outputBlockOffset = 0; ///< first channel block written (a Concat's slice)
};

StatusOr<std::vector<Mapping>> legalMappings(const AccelLayer &layer, const isa::HardwareConfig &config,
                                             const MappingSpace &space = {});
/// The first mapping legalMappings would list, found without walking the rest (whether a
/// layer fits a config at all); the same error when none fits.
StatusOr<Mapping> firstLegalMapping(const AccelLayer &layer, const isa::HardwareConfig &config,
                                    const MappingSpace &space = {});
Status checkMapping(const AccelLayer &layer, const Mapping &mapping, const isa::HardwareConfig &config);
/// The cost model's cycles; `mapping` must be legal for the layer.
double estimateCycles(const AccelLayer &layer, const Mapping &mapping, const isa::HardwareConfig &config);
StatusOr<Mapping> chooseMapping(const AccelLayer &layer, const isa::HardwareConfig &config, const MappingSpace &space = {});
Status emitLayer(ProgramBuilder &builder, const AccelLayer &layer, const Mapping &mapping, const LayerIO &io);

/// The original layer when `mapping` window-packs it (the host packs input 0 with it).
std::optional<ConvLayer> windowPackingOf(const AccelLayer &layer, const Mapping &mapping);

/// Shorthands for one layer kind, on the space of `virtualThreads` threads alone.
StatusOr<ConvTiling> chooseConvTiling(const ConvLayer &layer, const isa::HardwareConfig &config, int64_t virtualThreads);
StatusOr<EltwiseTiling> chooseEltwiseTiling(const EltwiseLayer &layer, const isa::HardwareConfig &config,
                                            int64_t virtualThreads);
StatusOr<PoolTiling> choosePoolTiling(const PoolLayer &layer, const isa::HardwareConfig &config, int64_t virtualThreads);
StatusOr<GlobalPoolTiling> chooseGlobalPoolTiling(const GlobalPoolLayer &layer, const isa::HardwareConfig &config,
                                                  int64_t virtualThreads);

} // namespace tessera::accel
