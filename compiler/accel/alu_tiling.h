//===- alu_tiling.h - Tile sizes and costs of the int8 ALU layers ---------------------===//
//
// The ALU layers compute on accumulator rows the compute unit fills with acc8 LOADs
// (int8 DRAM entries sign-extended). The acc scratchpad holds V slots (one per virtual
// thread) and, after them, one constant row (the requant operand when it needs a
// register). A tile is:
//
//   elementwise:  `entries` consecutive entries of the flat blocked tensor, one region per
//                 operand;
//   window pool:  `blocks` channel blocks x `outRows` output rows: per block the input
//                 rows with the window halo (padded width) and the output rows;
//   global pool:  `blocks` channel blocks, each with its whole H x W plane and one output row.
//
// The cost model follows docs/microarchitecture.md: an ALU instruction takes n + Pa
// cycles with an immediate, 2n + Pa with a register operand; a LOAD or STORE the timing
// contract's idle-channel cost (isa/timing/transfer_shape.h: L + beats of its bursts + one
// cycle per padding entry). acc8 LOADs and the ALU share the compute unit, so with
// two virtual threads what overlaps the compute of tile t is the store of tile t-1.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/accel/alu_layers.h"
#include "isa/config.h"

namespace tessera::accel {

struct EltwiseTiling {
  int64_t entries = 1; ///< acc rows per operand per tile
  int64_t virtualThreads = 2;
};

struct PoolTiling {
  int64_t blocks = 1;  ///< channel blocks per tile
  int64_t outRows = 1; ///< output rows per tile
  int64_t virtualThreads = 2;
};

struct GlobalPoolTiling {
  int64_t blocks = 1; ///< channel blocks per tile
  int64_t virtualThreads = 2;
};

/// Sizes of a window-pool tile, in acc rows.
struct PoolFootprint {
  int64_t blocksTotal, paddedWidth, padRight, inRowsPerTile;
  int64_t inRegion;  ///< input rows x padded width, per block
  int64_t outRegion; ///< output rows x output width, per block
  int64_t slot, constRows, uopsPerThread;
};

PoolFootprint poolFootprint(const PoolLayer &layer, const PoolTiling &tiling, const isa::HardwareConfig &config);

/// Rows every tile reads, per operand: the flat blocked tensor's entry count.
int64_t eltwiseEntries(const EltwiseLayer &layer, const isa::HardwareConfig &config);

/// Acc rows holding QLut's table while lutset copies it into the ALU (0 for other ops).
int64_t lutTableRows(const EltwiseLayer &layer, const isa::HardwareConfig &config);

/// OK when the tiling fits the scratchpads and the DMA; otherwise names what overflows.
Status checkEltwiseTiling(const EltwiseLayer &layer, const EltwiseTiling &tiling, const isa::HardwareConfig &config);
Status checkPoolTiling(const PoolLayer &layer, const PoolTiling &tiling, const isa::HardwareConfig &config);
Status checkGlobalPoolTiling(const GlobalPoolLayer &layer, const GlobalPoolTiling &tiling,
                             const isa::HardwareConfig &config);

/// Estimated cycles of the layer with `tiling` (the cost model).
double estimateEltwiseCycles(const EltwiseLayer &layer, const EltwiseTiling &tiling, const isa::HardwareConfig &config);
double estimatePoolCycles(const PoolLayer &layer, const PoolTiling &tiling, const isa::HardwareConfig &config);
double estimateGlobalPoolCycles(const GlobalPoolLayer &layer, const GlobalPoolTiling &tiling,
                                const isa::HardwareConfig &config);

} // namespace tessera::accel
