//===- pool_emitter.cpp - Tiles, micro-ops and tokens of the int8 pools ----------------===//
#include "compiler/accel/pool_emitter.h"

#include <algorithm>

#include "compiler/accel/alu_emit_common.h"
#include "compiler/accel/layouts.h"

namespace tessera::accel {

using isa::AluOp;
using isa::Buffer;
using isa::Field;
using isa::Uop;

namespace {

constexpr int32_t kMaxIdentity = -128;

/// Scratchpad placement and micro-op ranges of a window pool.
struct PoolPlan {
  const PoolLayer &layer;
  PoolTiling tiling;
  PoolFootprint f;
  int64_t rowTiles, tiles, constRow;
  int64_t outputBlockOffset;

  int64_t in(int64_t v, int64_t b) const { return v * f.slot + b * f.inRegion; }
  int64_t out(int64_t v, int64_t b) const { return v * f.slot + tiling.blocks * f.inRegion + b * f.outRegion; }
  bool fillsColumns() const { return layer.op == PoolOp::max && (layer.padLeft > 0 || f.padRight > 0); }
  /// Per thread: the row pass [block][kx >= 1], the column pass [ky][block], the output
  /// region, the input region, left columns [block], right columns [block].
  uint32_t rowUops(int64_t v) const { return uint32_t(v * f.uopsPerThread); }
  uint32_t columnPassUops(int64_t v, int64_t ky) const {
    return rowUops(v) + uint32_t(tiling.blocks * (layer.kernelW - 1) + ky * tiling.blocks);
  }
  uint32_t regionUop(int64_t v) const { return columnPassUops(v, layer.kernelH); }
  uint32_t inputUop(int64_t v) const { return regionUop(v) + 1; }
  uint32_t columnUops(int64_t v, int64_t side) const { return inputUop(v) + 1 + uint32_t(side * tiling.blocks); }
};

void addPoolUops(ProgramBuilder &builder, PoolPlan &plan) {
  const PoolLayer &l = plan.layer;
  uint32_t first = builder.uopCount();
  for (int64_t v = 0; v < plan.tiling.virtualThreads; ++v) {
    for (int64_t b = 0; b < plan.tiling.blocks; ++b)
      for (int64_t kx = 1; kx < l.kernelW; ++kx)
        builder.addUop(Uop{uint32_t(plan.in(v, b)), uint32_t(plan.in(v, b) + kx * l.dilationW), 0});
    for (int64_t ky = 0; ky < l.kernelH; ++ky)
      for (int64_t b = 0; b < plan.tiling.blocks; ++b) {
        int64_t src = plan.in(v, b) + ky * l.dilationH * plan.f.paddedWidth;
        builder.addUop(Uop{uint32_t(plan.out(v, b)), uint32_t(src), 0});
      }
    builder.addUop(Uop{uint32_t(plan.out(v, 0)), uint32_t(plan.constRow), 0});
    builder.addUop(Uop{uint32_t(plan.in(v, 0)), 0, 0});
    if (!plan.fillsColumns()) continue;
    for (int64_t b = 0; b < plan.tiling.blocks; ++b) builder.addUop(Uop{uint32_t(plan.in(v, b)), 0, 0});
    for (int64_t b = 0; b < plan.tiling.blocks; ++b)
      builder.addUop(Uop{uint32_t(plan.in(v, b) + l.padLeft + l.width), 0, 0});
  }
  builder.emitUopLoad(first, builder.uopCount() - first, 0);
}

struct PoolTile {
  int64_t index, thread, block0, blocks, outRow0, outRows;
  int64_t rowBegin, rowEnd, padAbove, padBelow; ///< input rows read and the padding around them
};

PoolTile poolTileAt(const PoolPlan &plan, int64_t t) {
  const PoolLayer &l = plan.layer;
  PoolTile tile;
  tile.index = t;
  tile.thread = t % plan.tiling.virtualThreads;
  tile.block0 = t / plan.rowTiles * plan.tiling.blocks;
  tile.blocks = std::min(plan.tiling.blocks, plan.f.blocksTotal - tile.block0);
  tile.outRow0 = t % plan.rowTiles * plan.tiling.outRows;
  tile.outRows = std::min(plan.tiling.outRows, l.outHeight - tile.outRow0);
  InputRowWindow rows = inputRowWindow(l, tile.outRow0, tile.outRows);
  tile.rowBegin = rows.begin, tile.rowEnd = rows.end;
  tile.padAbove = rows.begin - rows.first, tile.padBelow = rows.last + 1 - rows.end;
  return tile;
}

LoopNest rowsOf(int64_t rows, int64_t rowStride, int64_t columns) {
  LoopNest loops;
  loops.iterOut = rows, loops.dstOut = rowStride;
  loops.iterIn = columns, loops.dstIn = 1;
  return loops;
}

/// The max pool's -128 over the padding the DMA would fill with zeros. Returns the first
/// instruction emitted before the loads (the input-region fill), if any.
std::optional<size_t> emitRowFill(ProgramBuilder &builder, const PoolPlan &plan, const PoolTile &tile) {
  if (plan.layer.op != PoolOp::max || (tile.padAbove == 0 && tile.padBelow == 0)) return std::nullopt;
  uint32_t u = plan.inputUop(tile.thread);
  return builder.emit(makeAlu(AluOp::mov, u, u + 1, rowsOf(1, 0, tile.blocks * plan.f.inRegion), kMaxIdentity));
}

void emitColumnFill(ProgramBuilder &builder, const PoolPlan &plan, const PoolTile &tile) {
  if (!plan.fillsColumns()) return;
  int64_t widths[2] = {plan.layer.padLeft, plan.f.padRight};
  for (int64_t side = 0; side < 2; ++side) {
    if (widths[side] == 0) continue;
    uint32_t u = plan.columnUops(tile.thread, side);
    LoopNest loops = rowsOf(plan.f.inRowsPerTile, plan.f.paddedWidth, widths[side]);
    builder.emit(makeAlu(AluOp::mov, u, u + uint32_t(tile.blocks), loops, kMaxIdentity));
  }
}

size_t emitPoolLoads(ProgramBuilder &builder, const PoolPlan &plan, const PoolTile &tile, const std::string &input) {
  const PoolLayer &l = plan.layer;
  bool prefilled = l.op == PoolOp::max && (tile.padAbove > 0 || tile.padBelow > 0);
  int64_t base = builder.entryAddress(input, Buffer::acc8);
  size_t last = 0;
  for (int64_t b = 0; b < tile.blocks; ++b) {
    int64_t sram = plan.in(tile.thread, b) + (prefilled ? tile.padAbove * plan.f.paddedWidth : 0);
    int64_t dram = base + ((tile.block0 + b) * l.height + tile.rowBegin) * l.width;
    last = emitAcc8Load(builder, sram, dram, tile.rowEnd - tile.rowBegin, l.width, l.width);
    isa::Instruction &load = builder.instruction(last);
    load[Field::x_pad_0] = l.padLeft, load[Field::x_pad_1] = plan.f.padRight;
    load[Field::y_pad_0] = prefilled ? 0 : tile.padAbove, load[Field::y_pad_1] = prefilled ? 0 : tile.padBelow;
  }
  return last;
}

/// The window reduction, separable: a row pass in place (column ox*sw of every input
/// row takes the reduction over kx; ascending columns read each source before any
/// iteration writes it), then a column pass into the output rows (mov of ky = 0, then
/// one instruction per further ky), then the epilogue. Returns the last instruction.
size_t emitWindow(ProgramBuilder &builder, const PoolPlan &plan, const PoolTile &tile) {
  const PoolLayer &l = plan.layer;
  AluOp reduce = l.op == PoolOp::max ? AluOp::max : AluOp::add;
  if (l.kernelW > 1) {
    LoopNest rows = rowsOf((tile.outRows - 1) * l.strideH + (l.kernelH - 1) * l.dilationH + 1, plan.f.paddedWidth, l.outWidth);
    rows.srcOut = plan.f.paddedWidth, rows.dstIn = rows.srcIn = l.strideW;
    uint32_t u = plan.rowUops(tile.thread);
    builder.emit(makeAlu(reduce, u, u + uint32_t(tile.blocks * (l.kernelW - 1)), rows, std::nullopt));
  }
  LoopNest columns = rowsOf(tile.outRows, l.outWidth, l.outWidth);
  columns.srcOut = l.strideH * plan.f.paddedWidth, columns.srcIn = l.strideW;
  size_t last = 0;
  for (int64_t ky = 0; ky < l.kernelH; ++ky) {
    uint32_t u = plan.columnPassUops(tile.thread, ky);
    last = builder.emit(makeAlu(ky == 0 ? AluOp::mov : reduce, u, u + uint32_t(tile.blocks), columns, std::nullopt));
  }
  LoopNest outputs = rowsOf(tile.blocks, plan.f.outRegion, tile.outRows * l.outWidth);
  return emitEpilogue(builder, l.epilogue, plan.regionUop(tile.thread), outputs).value_or(last);
}

TileParts poolParts(ProgramBuilder &builder, const PoolPlan &plan, const std::string &input, const std::string &output) {
  TileParts parts;
  parts.loads = [&builder, &plan, input](int64_t t) {
    PoolTile tile = poolTileAt(plan, t);
    std::optional<size_t> fill = emitRowFill(builder, plan, tile);
    size_t last = emitPoolLoads(builder, plan, tile, input);
    return InstructionRange{fill.value_or(last + 1 - size_t(tile.blocks)), last};
  };
  parts.compute = [&builder, &plan](int64_t t) -> std::optional<size_t> {
    PoolTile tile = poolTileAt(plan, t);
    emitColumnFill(builder, plan, tile);
    return emitWindow(builder, plan, tile);
  };
  parts.stores = [&builder, &plan, output](int64_t t) {
    const PoolLayer &l = plan.layer;
    PoolTile tile = poolTileAt(plan, t);
    int64_t base = builder.entryAddress(output, Buffer::out), count = tile.outRows * l.outWidth;
    InstructionRange stores{0, 0};
    for (int64_t b = 0; b < tile.blocks; ++b) {
      int64_t dram = base + ((plan.outputBlockOffset + tile.block0 + b) * l.outHeight + tile.outRow0) * l.outWidth;
      stores.second = builder.emit(makeStore(plan.out(tile.thread, b), dram, 1, count, count));
      if (b == 0) stores.first = stores.second;
    }
    return stores;
  };
  return parts;
}

} // namespace

Status emitPool(ProgramBuilder &builder, const PoolLayer &layer, const PoolTiling &tiling, const std::string &input,
                const std::string &output, LayerPosition position, int64_t outputBlockOffset) {
  const isa::HardwareConfig &config = builder.config();
  TS_RETURN_IF_ERROR(checkPoolTiling(layer, tiling, config));
  TS_RETURN_IF_ERROR(checkActivationTensor(builder, layer.name, input, {1, layer.channels, layer.height, layer.width}, 0));
  TS_RETURN_IF_ERROR(checkActivationTensor(builder, layer.name, output, {1, layer.channels, layer.outHeight, layer.outWidth},
                                           outputBlockOffset));
  PoolPlan plan{layer, tiling, poolFootprint(layer, tiling, config), 0, 0, 0, outputBlockOffset};
  plan.rowTiles = ceilDiv(layer.outHeight, tiling.outRows);
  plan.tiles = plan.rowTiles * ceilDiv(plan.f.blocksTotal, tiling.blocks);
  if (layer.epilogue.needsRequantRow()) plan.constRow = tiling.virtualThreads * plan.f.slot;
  builder.beginSegment(layer.name, segmentOpOf(layer.op));
  emitLayerSync(builder, position);
  addPoolUops(builder, plan);
  emitRequantRow(builder, layer.name, layer.epilogue, plan.constRow);
  emitTiles(builder, plan.tiles, tiling.virtualThreads, poolParts(builder, plan, input, output));
  builder.endSegment();
  return absl::OkStatus();
}

namespace {

/// Slot v: `blocks` planes of H*W rows, then one output row per block.
struct GlobalPlan {
  const GlobalPoolLayer &layer;
  GlobalPoolTiling tiling;
  int64_t plane, blocksTotal, tiles, constRow;
  int64_t outputBlockOffset;

  int64_t in(int64_t v) const { return v * tiling.blocks * (plane + 1); }
  int64_t out(int64_t v) const { return in(v) + tiling.blocks * plane; }
  /// Per thread: {out, in} (the sum) and {out, requant row} (init and epilogue).
  uint32_t uop(int64_t v, int64_t which) const { return uint32_t(2 * v + which); }
};

int64_t blocksOf(const GlobalPlan &plan, int64_t t) {
  return std::min(plan.tiling.blocks, plan.blocksTotal - t * plan.tiling.blocks);
}

TileParts globalParts(ProgramBuilder &builder, const GlobalPlan &plan, const std::string &input, const std::string &output) {
  TileParts parts;
  parts.loads = [&builder, &plan, input](int64_t t) {
    int64_t v = t % plan.tiling.virtualThreads, entries = blocksOf(plan, t) * plan.plane;
    int64_t dram = builder.entryAddress(input, Buffer::acc8) + t * plan.tiling.blocks * plan.plane;
    size_t load = emitAcc8Load(builder, plan.in(v), dram, 1, entries, entries);
    return InstructionRange{load, load};
  };
  parts.compute = [&builder, &plan](int64_t t) -> std::optional<size_t> {
    int64_t v = t % plan.tiling.virtualThreads, blocks = blocksOf(plan, t);
    uint32_t sum = plan.uop(v, 0), region = plan.uop(v, 1);
    builder.emit(makeAlu(AluOp::mov, region, region + 1, rowsOf(1, 0, blocks), 0));
    LoopNest loops;
    loops.iterOut = blocks, loops.dstOut = 1, loops.srcOut = plan.plane;
    loops.iterIn = plan.plane, loops.srcIn = 1;
    size_t last = builder.emit(makeAlu(AluOp::add, sum, sum + 1, loops, std::nullopt));
    return emitEpilogue(builder, plan.layer.epilogue, region, rowsOf(1, 0, blocks)).value_or(last);
  };
  parts.stores = [&builder, &plan, output](int64_t t) {
    int64_t v = t % plan.tiling.virtualThreads, blocks = blocksOf(plan, t);
    int64_t dram = builder.entryAddress(output, Buffer::out) + plan.outputBlockOffset + t * plan.tiling.blocks;
    size_t store = builder.emit(makeStore(plan.out(v), dram, 1, blocks, blocks));
    return InstructionRange{store, store};
  };
  return parts;
}

} // namespace

Status emitGlobalPool(ProgramBuilder &builder, const GlobalPoolLayer &layer, const GlobalPoolTiling &tiling,
                      const std::string &input, const std::string &output, LayerPosition position,
                      int64_t outputBlockOffset) {
  const isa::HardwareConfig &config = builder.config();
  TS_RETURN_IF_ERROR(checkGlobalPoolTiling(layer, tiling, config));
  TS_RETURN_IF_ERROR(checkActivationTensor(builder, layer.name, input, {1, layer.channels, layer.height, layer.width}, 0));
  TS_RETURN_IF_ERROR(checkActivationTensor(builder, layer.name, output, {1, layer.channels, 1, 1}, outputBlockOffset));
  GlobalPlan plan{layer, tiling, layer.height * layer.width, ceilDiv(layer.channels, config.block_out), 0, 0,
                  outputBlockOffset};
  plan.tiles = ceilDiv(plan.blocksTotal, tiling.blocks);
  if (layer.epilogue.needsRequantRow()) plan.constRow = plan.in(tiling.virtualThreads);
  builder.beginSegment(layer.name, "global_avgpool");
  emitLayerSync(builder, position);
  uint32_t first = builder.uopCount();
  for (int64_t v = 0; v < tiling.virtualThreads; ++v) {
    builder.addUop(Uop{uint32_t(plan.out(v)), uint32_t(plan.in(v)), 0});
    builder.addUop(Uop{uint32_t(plan.out(v)), uint32_t(plan.constRow), 0});
  }
  builder.emitUopLoad(first, builder.uopCount() - first, 0);
  emitRequantRow(builder, layer.name, layer.epilogue, plan.constRow);
  emitTiles(builder, plan.tiles, tiling.virtualThreads, globalParts(builder, plan, input, output));
  builder.endSegment();
  return absl::OkStatus();
}

} // namespace tessera::accel
