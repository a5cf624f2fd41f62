//===- conv_tiling.h - Tile sizes of a convolution on the accelerator -----------------===//
//
// A convolution is computed in tiles of `outBlocks` output-channel blocks by `outRows`
// output rows (all columns, all input channels). Each tile's input rows, weights and
// accumulators live in scratchpad slots; with V virtual threads there are V input and
// accumulator slots (and two weight slots when the weights do not fit at once), so the
// DMA of tile t+1 and the store of tile t-1 overlap the GEMM of tile t.
//
// The parameters are explicit and the search space is enumerable: chooseConvTiling
// evaluates an analytical cost model (docs/microarchitecture.md: one micro-op per cycle
// per GEMM, DRAM latency + bytes / bandwidth per transfer) over every tiling that fits
// and keeps the cheapest; an auto-tuner can search the same space.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/accel/conv_layer.h"
#include <optional>

#include "isa/config.h"

namespace tessera::accel {

struct ConvTiling {
  int64_t outBlocks = 1;    ///< output-channel blocks per tile
  int64_t outRows = 1;      ///< output rows per tile
  int64_t virtualThreads = 2;
  int64_t weightSlots = 1;  ///< 1: all weights resident; 2: double-buffered per channel tile
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

/// How the emitter sets the bias, requantizes and clips a tile (docs/isa.md ALU costs:
/// n cycles with an immediate, 2n with a register operand): a uniform bias that fits the
/// 16-bit immediate is a `mov` immediate, a uniform shift-only requant a `requant`
/// immediate, and the clip is left out when it is the int8 range the requant saturates to.
struct ConvEpilogue {
  std::optional<int32_t> biasImmediate;
  std::optional<int32_t> requantImmediate;
  bool clip = false;
  /// ALU cycles per accumulator row.
  int64_t cyclesPerRow() const { return (biasImmediate ? 1 : 2) + (requantImmediate ? 1 : 2) + (clip ? 1 : 0); }
  int64_t instructions() const { return clip ? 3 : 2; }
};
ConvEpilogue convEpilogue(const ConvLayer &layer);

ConvFootprint convFootprint(const ConvLayer &layer, const ConvTiling &tiling, const isa::HardwareConfig &config);

/// OK when the tiling fits every scratchpad and field; otherwise names what overflows.
Status checkConvTiling(const ConvLayer &layer, const ConvTiling &tiling, const isa::HardwareConfig &config);

/// Estimated cycles of the layer with `tiling` (the cost model).
double estimateConvCycles(const ConvLayer &layer, const ConvTiling &tiling, const isa::HardwareConfig &config);

/// The cheapest tiling that fits, with `virtualThreads` threads.
StatusOr<ConvTiling> chooseConvTiling(const ConvLayer &layer, const isa::HardwareConfig &config, int64_t virtualThreads);

/// Whether the first-layer window packing pays: group 1, fewer input channels than a block,
/// a kernel larger than 1x1, and a lower estimate for windowPackedLayer(layer) than for the
/// layer itself (both with their chosen tilings and `virtualThreads`).
bool shouldWindowPack(const ConvLayer &layer, const isa::HardwareConfig &config, int64_t virtualThreads);

} // namespace tessera::accel
