//===- conv_tiling.h - Tile sizes of a convolution on the accelerator -----------------===//
//
// A convolution is computed in tiles of `outBlocks` output-channel blocks by `outRows`
// output rows (of one image; a batch's images follow one another) by `outCols` output
// columns. A tile's reduction over input channels runs in
// steps of `inBlocks` input blocks: each step loads its input blocks (with the kernel
// halo) into an input slot and the GEMM adds them into the tile's accumulators, which
// keep the partial sums until the last step; then the tile is requantized and stored.
// With V virtual threads there are V accumulator slots (one per tile in flight) and V
// input slots (one per step in flight), so the DMA of step s+1 and the store of tile t-1
// overlap the GEMM of step s. Weights are resident (all of the layer's at once), double
// buffered per channel tile (the next channel tile's prefetched in pieces), or streamed
// with each step's inputs into that step's slot. The input slot is laid out by block or
// by row (ConvTiling::rowMajorInput). The per-channel bias and requant rows sit after the
// accumulator slots: the whole layer's, or, when they do not fit, the channel tile's,
// reloaded by the compute unit before the channel tile's first bias mov.
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

/// How a tiling holds the weights.
enum class WeightBuffering {
  resident, ///< every weight of the layer in one slot, loaded once (one channel tile)
  double_,  ///< two slots, one channel tile's weights each; the next prefetched in pieces
  stream,   ///< each step's weights loaded with its inputs into one of V slots
};

struct ConvTiling {
  int64_t outBlocks = 1; ///< output-channel blocks per tile
  int64_t outRows = 1;   ///< output rows per tile
  int64_t virtualThreads = 2;
  int64_t weightSlots = 1; ///< 1: resident; 2: double-buffered per channel tile (unless streamWeights)
  /// Input slot layout. false: [block][row][padded column], one LOAD per input block (its
  /// rows, padded by the DMA). true: [row][block][padded column], one LOAD per input row
  /// (every block of the tile: x_stride = H*W), rows in the padding loaded from a zero
  /// constant; fewer LOADs (and DRAM latencies) when a tile has many blocks and few rows.
  bool rowMajorInput = false;
  int64_t outCols = 0;  ///< output columns per tile; 0: every column
  int64_t inBlocks = 0; ///< input blocks per reduction step; 0: all an output block reads
  bool streamWeights = false;

  WeightBuffering weights() const {
    return streamWeights ? WeightBuffering::stream : weightSlots == 1 ? WeightBuffering::resident : WeightBuffering::double_;
  }
};

/// Sizes derived from a layer and the config, in scratchpad entries.
struct ConvFootprint {
  int64_t inBlocks, outBlocksTotal, taps, paddedWidth, padRight;
  int64_t outCols;         ///< output columns of a full tile
  int64_t inCols;          ///< input columns of a slot row (a full tile's, with the kernel halo)
  int64_t inRowsPerTile;   ///< input rows a full tile reads (with the kernel halo)
  int64_t inBlocksPerOut;  ///< input blocks each output block reduces over (all, for group 1)
  int64_t stepBlocks;      ///< input blocks per reduction step (inBlocksPerOut when not split)
  int64_t steps;           ///< reduction steps per tile
  int64_t inBlocksPerTile; ///< input blocks an input slot holds (a step's, or a channel tile's groups)
  bool sharedGemmUops;     ///< every channel tile reads its slot at the same offsets (one micro-op set per weight slot)
  int64_t rowTilesPerImage;                               ///< row tiles of one image
  int64_t rowTiles, colTiles, channelTiles, tiles, items; ///< rowTiles: of every image; items: (tile, step) pairs
  int64_t inpPerSlot, wgtPerSlot, wgtSlots, accPerSlot, constRows;
  /// The bias and requant rows are loaded per channel tile (its blocks only) when the
  /// layer's whole table does not fit beside the accumulator slots.
  bool constantsPerChannelTile;
  int64_t gemmSetUops, gemmSets, uops; ///< micro-ops of one GEMM set, GEMM sets (an upper bound), all
  int64_t aluSets; ///< ALU micro-op sets (mov and requant per output block): per thread, and per channel tile
                   ///< unless the constants are per channel tile (then at the same rows for every one)
  int64_t blockPitch, rowPitch;        ///< input slot entries between consecutive blocks, rows
};

/// The input columns a column tile reads: [x0, x0 + inCols) in image coordinates, of
/// which [begin, end) lie inside the image; the rest is DMA padding.
struct InputColumnWindow {
  int64_t x0, begin, end, padLeft, padRight;
};
InputColumnWindow inputColumnWindow(const ConvLayer &layer, const ConvFootprint &f, int64_t outCol0);

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
