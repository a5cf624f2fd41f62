//===- conv_tiling.h - Tile sizes of a convolution on the accelerator -----------------===//
//
// A convolution is computed in tiles of `outBlocks` output-channel blocks by `outRows`
// output rows (all columns, the input channels of the tile's groups). Each tile's input
// rows, weights and accumulators live in scratchpad slots; with V virtual threads there
// are V input and accumulator slots (and two weight slots when the weights do not fit at
// once, the next channel tile's prefetched in pieces), so the DMA of tile t+1 and the
// store of tile t-1 overlap the GEMM of tile t. The input slot is laid out by block or by
// row (ConvTiling::rowMajorInput).
//
// The parameters are explicit and the search space is enumerable: mapping_space.h walks
// every tiling that fits and keeps the cheapest by the analytical cost model here (an
// auto-tuner searches the same space). The model follows docs/microarchitecture.md
// per unit and per tile: GEMM micro-op iterations + pipeline depth, ALU rows x cycles per
// row + pipeline depth, DMA latency + beats + padding per transfer; with V >= 2 a tile
// costs its busiest unit, with V = 1 the next load runs beside the requant and store.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <optional>

#include "compiler/accel/conv_layer.h"
#include "isa/config.h"

namespace tessera::accel {

struct ConvTiling {
  int64_t outBlocks = 1; ///< output-channel blocks per tile
  int64_t outRows = 1;   ///< output rows per tile
  int64_t virtualThreads = 2;
  int64_t weightSlots = 1; ///< 1: all weights resident; 2: double-buffered per channel tile
  /// Input slot layout. false: [block][row][padded column], one LOAD per input block (its
  /// rows, padded by the DMA). true: [row][block][padded column], one LOAD per input row
  /// (every block of the tile: x_stride = H*W), rows in the padding loaded from a zero
  /// constant; fewer LOADs (and DRAM latencies) when a tile has many blocks and few rows.
  bool rowMajorInput = false;
};

/// Sizes derived from a layer and the config, in scratchpad entries.
struct ConvFootprint {
  int64_t inBlocks, outBlocksTotal, taps, paddedWidth, padRight;
  int64_t inRowsPerTile;   ///< input rows a full tile reads (with the kernel halo)
  int64_t inBlocksPerOut;  ///< input blocks each output block reduces over (all, for group 1)
  int64_t inBlocksPerTile; ///< input blocks an input slot holds (those of a channel tile's groups)
  bool sharedGemmUops;     ///< every channel tile reads its slot at the same offsets (one micro-op set per weight slot)
  int64_t inpPerSlot, wgtPerSlot, accPerSlot, constRows, uops;
  int64_t blockPitch, rowPitch; ///< input slot entries between consecutive blocks, rows
};

/// How the emitter sets the bias, requantizes and clips a tile (docs/microarchitecture.md
/// ALU costs: one row per cycle with an immediate, and with a register operand when the
/// config has two accumulator read ports, else two): a uniform bias that fits the 16-bit
/// immediate is a `mov` immediate, a uniform shift-only requant a `requant` immediate, and
/// the clip is left out when it is the int8 range the requant saturates to.
struct ConvEpilogue {
  std::optional<int32_t> biasImmediate;
  std::optional<int32_t> requantImmediate;
  bool clip = false;
  /// ALU cycles per accumulator row of the bias `mov`, and of the whole epilogue
  /// (HardwareConfig::aluCyclesPerRow: the same rule as the timing contract).
  int64_t biasCyclesPerRow(const isa::HardwareConfig &config) const {
    return config.aluCyclesPerRow(biasImmediate.has_value());
  }
  int64_t cyclesPerRow(const isa::HardwareConfig &config) const {
    return biasCyclesPerRow(config) + config.aluCyclesPerRow(requantImmediate.has_value()) + (clip ? 1 : 0);
  }
  int64_t instructions() const { return clip ? 3 : 2; }
};
ConvEpilogue convEpilogue(const ConvLayer &layer);

ConvFootprint convFootprint(const ConvLayer &layer, const ConvTiling &tiling, const isa::HardwareConfig &config);

/// OK when the tiling fits every scratchpad and field; otherwise names what overflows.
Status checkConvTiling(const ConvLayer &layer, const ConvTiling &tiling, const isa::HardwareConfig &config);

/// Estimated cycles of the layer with `tiling` (the cost model).
double estimateConvCycles(const ConvLayer &layer, const ConvTiling &tiling, const isa::HardwareConfig &config);

} // namespace tessera::accel
