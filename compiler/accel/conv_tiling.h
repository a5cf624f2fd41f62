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
#include "isa/config.h"

namespace tessera::accel {

struct ConvTiling {
  int64_t outBlocks = 1;    ///< output-channel blocks per tile
  int64_t outRows = 1;      ///< output rows per tile
  int64_t virtualThreads = 2;
  int64_t weightSlots = 1;  ///< 1: all weights resident; 2: double-buffered per channel tile
};

/// Sizes derived from a layer and the config, in scratchpad entries.
struct ConvFootprint {
  int64_t inBlocks, outBlocksTotal, taps, paddedWidth, padRight;
  int64_t inRowsPerTile;   ///< input rows a full tile reads (with the kernel halo)
  int64_t inpPerSlot, wgtPerSlot, accPerSlot, constRows, uops;
};

ConvFootprint convFootprint(const ConvLayer &layer, const ConvTiling &tiling, const isa::HardwareConfig &config);

/// OK when the tiling fits every scratchpad and field; otherwise names what overflows.
Status checkConvTiling(const ConvLayer &layer, const ConvTiling &tiling, const isa::HardwareConfig &config);

/// Estimated cycles of the layer with `tiling` (the cost model).
double estimateConvCycles(const ConvLayer &layer, const ConvTiling &tiling, const isa::HardwareConfig &config);

/// The cheapest tiling that fits, with `virtualThreads` threads.
StatusOr<ConvTiling> chooseConvTiling(const ConvLayer &layer, const isa::HardwareConfig &config, int64_t virtualThreads);

} // namespace tessera::accel
