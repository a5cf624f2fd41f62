//===- conv_emitter.cpp - Tiles, micro-ops and tokens of a convolution -----------------===//
#include "compiler/accel/conv_emitter.h"

#include "compiler/accel/layouts.h"

#include <cstring>

namespace tessera::accel {

using isa::AluOp;
using isa::Buffer;
using isa::Field;
using isa::Uop;

namespace {

/// Scratchpad placement and micro-op ranges shared by every tile of a layer.
struct ConvPlan {
  const ConvLayer &layer;
  ConvTiling tiling;
  ConvFootprint f;
  int64_t rowTiles = 0, channelTiles = 0, tiles = 0;
  int64_t biasRow = 0, requantRow = 0; ///< first acc row of the constant rows
  uint32_t uopBase = 0;                ///< first micro-op of the layer in the table; loaded to uop row 0,
                                       ///< so instructions index rows relative to it
  int64_t gemmUops = 0;                ///< micro-ops per (thread, micro-op set)
  std::string input{}, output{}, weights{}, zeros{};
  int64_t outputBlockOffset = 0; ///< first channel block of the output tensor written
  GroupBlocks groups{};
  ConvEpilogue epilogue{};

  int64_t accSlot(int64_t v) const { return v * f.accPerSlot; }
  int64_t inpSlot(int64_t v) const { return v * f.inpPerSlot; }
  int64_t wgtSlot(int64_t w) const { return w * f.wgtPerSlot; }
  int64_t accPlane() const { return tiling.outRows * layer.outWidth; }
  /// GEMM micro-op sets per thread: one per weight slot when every channel tile reads its
  /// slots at the same offsets, else one per channel tile.
  int64_t gemmSets() const { return f.sharedGemmUops ? tiling.weightSlots : channelTiles; }
  int64_t gemmSetOf(int64_t channelTile) const {
    return f.sharedGemmUops ? channelTile % tiling.weightSlots : channelTile;
  }
  uint32_t gemmUopsOf(int64_t v, int64_t set) const { return uint32_t((v * gemmSets() + set) * gemmUops); }
  /// First input block a channel tile's slot holds.
  int64_t tileInBlock0(int64_t channelTile) const { return groups.first[size_t(channelTile * tiling.outBlocks)]; }
  /// ALU micro-ops of (thread v, channel tile j): `outBlocks` for mov, then `outBlocks` for requant.
  uint32_t aluUopsOf(int64_t v, int64_t j) const {
    int64_t gemmTotal = tiling.virtualThreads * gemmSets() * gemmUops;
    return uint32_t(gemmTotal + (v * channelTiles + j) * 2 * tiling.outBlocks);
  }
};

/// Micro-ops of set `set` of thread v: (output block, input block of its group, tap),
/// reading the input slot at the offsets of the set's first channel tile.
void addGemmUopSet(ProgramBuilder &builder, const ConvPlan &plan, int64_t v, int64_t set) {
  const ConvLayer &l = plan.layer;
  int64_t channelTile = plan.f.sharedGemmUops ? 0 : set,
          weightSlot = plan.f.sharedGemmUops ? set : set % plan.tiling.weightSlots;
  int64_t ob0 = channelTile * plan.tiling.outBlocks;
  for (int64_t ob = 0; ob < plan.tiling.outBlocks; ++ob) {
    int64_t global = std::min(ob0 + ob, plan.f.outBlocksTotal - 1);
    int64_t slotBlock0 = plan.groups.first[size_t(global)] - plan.tileInBlock0(channelTile);
    for (int64_t ib = 0; ib < plan.f.inBlocksPerOut; ++ib)
      for (int64_t ky = 0; ky < l.kernelH; ++ky)
        for (int64_t kx = 0; kx < l.kernelW; ++kx) {
          int64_t src = plan.inpSlot(v) + (slotBlock0 + ib) * plan.f.blockPitch + ky * l.dilationH * plan.f.rowPitch +
                        kx * l.dilationW;
          int64_t wgt =
              plan.wgtSlot(weightSlot) + ((ob * plan.f.inBlocksPerOut + ib) * l.kernelH + ky) * l.kernelW + kx;
          builder.addUop(Uop{uint32_t(plan.accSlot(v) + ob * plan.accPlane()), uint32_t(src), uint32_t(wgt)});
        }
  }
}

void addGemmUops(ProgramBuilder &builder, const ConvPlan &plan) {
  for (int64_t v = 0; v < plan.tiling.virtualThreads; ++v)
    for (int64_t set = 0; set < plan.gemmSets(); ++set) addGemmUopSet(builder, plan, v, set);
}

void addAluUops(ProgramBuilder &builder, const ConvPlan &plan) {
  for (int64_t v = 0; v < plan.tiling.virtualThreads; ++v)
    for (int64_t j = 0; j < plan.channelTiles; ++j)
      for (int64_t row : {plan.biasRow, plan.requantRow})
        for (int64_t ob = 0; ob < plan.tiling.outBlocks; ++ob) {
          int64_t global = std::min(j * plan.tiling.outBlocks + ob, plan.f.outBlocksTotal - 1);
          builder.addUop(Uop{uint32_t(plan.accSlot(v) + ob * plan.accPlane()), uint32_t(row + global), 0});
        }
}

/// Adds the layer's DRAM constants and micro-ops, and emits the micro-op LOAD.
void emitConstantsAndUops(ProgramBuilder &builder, ConvPlan &plan, const Tensor &packedWeights) {
  const ConvLayer &l = plan.layer;
  const isa::HardwareConfig &config = builder.config();
  builder.addTensor(plan.weights, isa::TensorKind::constant, packedWeights);
  Tensor constants(DType::I32, {2 * plan.f.outBlocksTotal, config.block_out});
  Tensor bias = packChannelRows(l.bias, config.block_out, 0);
  Tensor requant = packChannelRows(l.requantOperands, config.block_out, 0);
  std::memcpy(constants.bytes(), bias.bytes(), bias.byteSize());
  std::memcpy(constants.bytes() + bias.byteSize(), requant.bytes(), requant.byteSize());
  builder.addTensor(l.name + ".constants", isa::TensorKind::constant, constants);
  if (plan.tiling.rowMajorInput)
    builder.addTensor(plan.zeros, isa::TensorKind::constant, Tensor(DType::I8, {l.width, config.block_in}));
  plan.uopBase = builder.uopCount();
  addGemmUops(builder, plan);
  addAluUops(builder, plan);
  builder.emitUopLoad(plan.uopBase, builder.uopCount() - plan.uopBase, 0);
}

/// The LOAD of the bias and requant rows into the accumulator.
void emitConstantRowsLoad(ProgramBuilder &builder, const ConvPlan &plan) {
  builder.emit(makeLoad(Buffer::acc, plan.biasRow, builder.entryAddress(plan.layer.name + ".constants", Buffer::acc), 1,
                        plan.f.constRows, plan.f.constRows));
}

/// A compute no-op that waits for the previous layer's last store and passes a token to
/// the load unit (popped by this layer's first load).
void emitLayerSync(ProgramBuilder &builder) {
  size_t sync = builder.emit(makeGemm(0, 0, LoopNest{}, false));
  builder.instruction(sync)[Field::pop_next] = 1;
  builder.instruction(sync)[Field::push_prev] = 1;
}

ConvPlan makePlan(const ConvLayer &layer, const ConvTiling &tiling, const isa::HardwareConfig &config,
                  const std::string &input, const std::string &output, int64_t outputBlockOffset) {
  ConvPlan plan{.layer = layer, .tiling = tiling, .f = convFootprint(layer, tiling, config)};
  plan.input = input, plan.output = output, plan.outputBlockOffset = outputBlockOffset;
  plan.weights = layer.name + ".weights", plan.zeros = layer.name + ".zeros";
  plan.groups = groupBlocks(layer.inChannels, layer.outChannels, layer.group, config.block_out, config.block_in);
  plan.epilogue = convEpilogue(layer);
  plan.rowTiles = ceilDiv(layer.outHeight, tiling.outRows);
  plan.channelTiles = ceilDiv(plan.f.outBlocksTotal, tiling.outBlocks);
  plan.tiles = plan.rowTiles * plan.channelTiles;
  plan.biasRow = tiling.virtualThreads * plan.f.accPerSlot;
  plan.requantRow = plan.biasRow + plan.f.outBlocksTotal;
  plan.gemmUops = plan.f.wgtPerSlot;
  return plan;
}

struct Tile {
  int64_t index, thread, channelTile, rowTile;
  int64_t outRow0, outRows, outBlock0, outBlocks;
};

Tile tileAt(const ConvPlan &plan, int64_t t) {
  Tile tile;
  tile.index = t;
  tile.thread = t % plan.tiling.virtualThreads;
  tile.channelTile = t / plan.rowTiles;
  tile.rowTile = t % plan.rowTiles;
  tile.outRow0 = tile.rowTile * plan.tiling.outRows;
  tile.outRows = std::min(plan.tiling.outRows, plan.layer.outHeight - tile.outRow0);
  tile.outBlock0 = tile.channelTile * plan.tiling.outBlocks;
  tile.outBlocks = std::min(plan.tiling.outBlocks, plan.f.outBlocksTotal - tile.outBlock0);
  return tile;
}

/// Weight entries of channel tile `j`.
int64_t weightEntries(const ConvPlan &plan, int64_t j) {
  int64_t blocks = std::min(plan.tiling.outBlocks, plan.f.outBlocksTotal - j * plan.tiling.outBlocks);
  return blocks * plan.f.inBlocksPerOut * plan.f.taps;
}

/// Loads weight entries [begin, end) of channel tile `channelTile` into its slot.
void emitWeightLoad(ProgramBuilder &builder, const ConvPlan &plan, int64_t channelTile, int64_t begin, int64_t end,
                    std::vector<size_t> &emitted) {
  if (begin >= end) return;
  int64_t perBlock = plan.f.inBlocksPerOut * plan.f.taps, slot = channelTile % plan.tiling.weightSlots;
  int64_t dram =
      builder.entryAddress(plan.weights, Buffer::wgt) + channelTile * plan.tiling.outBlocks * perBlock + begin;
  emitted.push_back(builder.emit(makeLoad(Buffer::wgt, plan.wgtSlot(slot) + begin, dram, 1, end - begin, end - begin)));
}

/// A channel tile's own weights, loaded before its first tile: channel tile 0's, and every
/// channel tile's when double-buffered weights are not prefetched (one row tile).
void emitOwnWeights(ProgramBuilder &builder, const ConvPlan &plan, const Tile &tile, std::vector<size_t> &emitted) {
  bool prefetched = plan.tiling.weightSlots == 2 && plan.rowTiles >= 2;
  if (tile.rowTile == 0 && (tile.channelTile == 0 || (plan.tiling.weightSlots == 2 && !prefetched)))
    emitWeightLoad(builder, plan, tile.channelTile, 0, weightEntries(plan, tile.channelTile), emitted);
}

/// With double-buffered weights and several row tiles, channel tile j+1's weights are
/// prefetched in pieces after the inputs of row tiles 1.. of channel tile j (after the
/// token to the GEMM, so the piece loads while the tile computes). The tile's first load
/// waits, through the slot token, for a GEMM that follows every GEMM of channel tile j-1,
/// the slot's last reader.
void emitWeightPrefetch(ProgramBuilder &builder, const ConvPlan &plan, const Tile &tile, std::vector<size_t> &emitted) {
  bool prefetched = plan.tiling.weightSlots == 2 && plan.rowTiles >= 2;
  if (!prefetched || tile.rowTile == 0 || tile.channelTile + 1 >= plan.channelTiles) return;
  int64_t next = tile.channelTile + 1, pieces = plan.rowTiles - 1, piece = tile.rowTile - 1,
          total = weightEntries(plan, next);
  emitWeightLoad(builder, plan, next, total * piece / pieces, total * (piece + 1) / pieces, emitted);
}

/// The input rows [first, last] of a tile (the kernel halo included; some may lie in the padding).
struct InputRows {
  int64_t first, last, begin, end; ///< [begin, end): the rows inside the image
};

InputRows inputRowsOf(const ConvLayer &l, const Tile &tile) {
  InputRowWindow window = inputRowWindow(l, tile.outRow0, tile.outRows);
  return InputRows{window.first, window.last, window.begin, window.end};
}

/// Block-major slot: one LOAD per input block, its rows padded by the DMA.
void emitInputByBlock(ProgramBuilder &builder, const ConvPlan &plan, const Tile &tile, int64_t block0, int64_t blocks,
                      std::vector<size_t> &emitted) {
  const ConvLayer &l = plan.layer;
  InputRows rows = inputRowsOf(l, tile);
  int64_t inputBase = builder.entryAddress(plan.input, Buffer::inp);
  for (int64_t ib = 0; ib < blocks; ++ib) {
    isa::Instruction load = makeLoad(Buffer::inp, plan.inpSlot(tile.thread) + ib * plan.f.blockPitch,
                                     inputBase + ((block0 + ib) * l.height + rows.begin) * l.width,
                                     rows.end - rows.begin, l.width, l.width);
    load[Field::y_pad_0] = rows.begin - rows.first;
    load[Field::y_pad_1] = rows.last + 1 - rows.end;
    load[Field::x_pad_0] = l.padLeft;
    load[Field::x_pad_1] = plan.f.padRight;
    emitted.push_back(builder.emit(load));
  }
}

/// Row-major slot: one LOAD per input row gathering every block (x_stride = H*W); a row in
/// the padding is loaded from the zero constant (x_stride 0).
void emitInputByRow(ProgramBuilder &builder, const ConvPlan &plan, const Tile &tile, int64_t block0, int64_t blocks,
                    std::vector<size_t> &emitted) {
  const ConvLayer &l = plan.layer;
  InputRows rows = inputRowsOf(l, tile);
  int64_t inputBase = builder.entryAddress(plan.input, Buffer::inp),
          zeros = builder.entryAddress(plan.zeros, Buffer::inp);
  for (int64_t y = rows.first; y <= rows.last; ++y) {
    bool inside = y >= 0 && y < l.height;
    isa::Instruction load = makeLoad(Buffer::inp, plan.inpSlot(tile.thread) + (y - rows.first) * plan.f.rowPitch,
                                     inside ? inputBase + (block0 * l.height + y) * l.width : zeros, blocks, l.width,
                                     inside ? l.height * l.width : 0);
    load[Field::x_pad_0] = l.padLeft;
    load[Field::x_pad_1] = plan.f.padRight;
    emitted.push_back(builder.emit(load));
  }
}

void emitLoads(ProgramBuilder &builder, const ConvPlan &plan, const Tile &tile) {
  std::vector<size_t> emitted;
  emitOwnWeights(builder, plan, tile, emitted);
  int64_t block0 = plan.tileInBlock0(tile.channelTile), lastOut = tile.outBlock0 + tile.outBlocks - 1;
  int64_t blocks = plan.groups.first[size_t(lastOut)] + plan.f.inBlocksPerOut - block0;
  if (plan.tiling.rowMajorInput)
    emitInputByRow(builder, plan, tile, block0, blocks, emitted);
  else
    emitInputByBlock(builder, plan, tile, block0, blocks, emitted);
  if (tile.index >= plan.tiling.virtualThreads) builder.instruction(emitted.front())[Field::pop_next] = 1;
  builder.instruction(emitted.back())[Field::push_next] = 1;
  emitWeightPrefetch(builder, plan, tile, emitted);
}

/// The bias `mov` that starts a tile: a register operand per channel, or the immediate.
size_t emitBias(ProgramBuilder &builder, const ConvPlan &plan, const Tile &tile, const LoopNest &pixels) {
  uint32_t alu = plan.aluUopsOf(tile.thread, tile.channelTile);
  return builder.emit(makeAlu(AluOp::mov, alu, alu + uint32_t(tile.outBlocks), pixels, plan.epilogue.biasImmediate));
}

/// Requant and the fused clip; returns the last instruction.
size_t emitRequantClip(ProgramBuilder &builder, const ConvPlan &plan, const Tile &tile, const LoopNest &pixels) {
  const ConvLayer &l = plan.layer;
  uint32_t alu = plan.aluUopsOf(tile.thread, tile.channelTile), requant = alu + uint32_t(plan.tiling.outBlocks);
  uint32_t first = plan.epilogue.requantImmediate ? alu : requant;
  size_t last = builder.emit(
      makeAlu(AluOp::requant, first, first + uint32_t(tile.outBlocks), pixels, plan.epilogue.requantImmediate));
  if (!plan.epilogue.clip) return last;
  int32_t bounds = int32_t(int16_t(uint16_t((uint32_t(l.clipLo) & 0xff) << 8 | (uint32_t(l.clipHi) & 0xff))));
  return builder.emit(makeAlu(AluOp::clip, alu, alu + uint32_t(tile.outBlocks), pixels, bounds));
}

void emitCompute(ProgramBuilder &builder, const ConvPlan &plan, const Tile &tile) {
  const ConvLayer &l = plan.layer;
  LoopNest pixels{tile.outRows, l.outWidth, l.outWidth, 1, 0, 0, 0, 0};
  size_t mov = emitBias(builder, plan, tile, pixels);
  if (tile.index >= plan.tiling.virtualThreads) builder.instruction(mov)[Field::pop_next] = 1;
  LoopNest gemmLoops = pixels;
  gemmLoops.srcOut = l.strideH * plan.f.rowPitch;
  gemmLoops.srcIn = l.strideW;
  uint32_t gemm = plan.gemmUopsOf(tile.thread, plan.gemmSetOf(tile.channelTile));
  size_t g = builder.emit(
      makeGemm(gemm, gemm + uint32_t(tile.outBlocks * plan.f.inBlocksPerOut * plan.f.taps), gemmLoops, false));
  builder.instruction(g)[Field::pop_prev] = 1;
  if (tile.index + plan.tiling.virtualThreads < plan.tiles) builder.instruction(g)[Field::push_prev] = 1;
  size_t last = emitRequantClip(builder, plan, tile, pixels);
  builder.instruction(last)[Field::push_next] = 1;
}

void emitStores(ProgramBuilder &builder, const ConvPlan &plan, const Tile &tile) {
  const ConvLayer &l = plan.layer;
  int64_t outputBase = builder.entryAddress(plan.output, Buffer::out);
  std::vector<size_t> emitted;
  for (int64_t ob = 0; ob < tile.outBlocks; ++ob) {
    int64_t dram =
        outputBase + ((plan.outputBlockOffset + tile.outBlock0 + ob) * l.outHeight + tile.outRow0) * l.outWidth;
    emitted.push_back(builder.emit(makeStore(plan.accSlot(tile.thread) + ob * plan.accPlane(), dram, 1,
                                             tile.outRows * l.outWidth, tile.outRows * l.outWidth)));
  }
  builder.instruction(emitted.front())[Field::pop_prev] = 1;
  bool consumerFollows = tile.index + plan.tiling.virtualThreads < plan.tiles || tile.index == plan.tiles - 1;
  if (consumerFollows) builder.instruction(emitted.back())[Field::push_prev] = 1;
}

/// The output tensor must be blocked [CB][OH][OW][Bo] int8 with room for the layer's
/// blocks from `blockOffset`.
Status checkOutputTensor(const ProgramBuilder &builder, const ConvLayer &layer, const std::string &output,
                         int64_t blockOffset) {
  const isa::TensorInfo *tensor = builder.findTensor(output);
  if (!tensor) return invalidInput("%s: output tensor '%s' is not in the program", layer.name, output);
  const Shape &s = tensor->shape;
  int64_t blocks = ceilDiv(layer.outChannels, builder.config().block_out);
  // Rows of pixels may be split differently (windowPackedLayer): only the plane size counts.
  bool fits = s.size() == 4 && s[1] * s[2] == layer.outHeight * layer.outWidth && s[3] == builder.config().block_out &&
              blockOffset >= 0 && blockOffset + blocks <= s[0];
  if (!fits)
    return invalidInput("%s: output tensor '%s' %s cannot hold %d channel blocks of %dx%d from block %d", layer.name,
                        output, shapeToString(s), blocks, layer.outHeight, layer.outWidth, blockOffset);
  return absl::OkStatus();
}

} // namespace

Status emitConv(ProgramBuilder &builder, const ConvLayer &layer, const ConvTiling &tiling, const std::string &input,
                const std::string &output, LayerPosition position, int64_t outputBlockOffset) {
  const isa::HardwareConfig &config = builder.config();
  TS_RETURN_IF_ERROR(checkConvTiling(layer, tiling, config));
  TS_RETURN_IF_ERROR(checkOutputTensor(builder, layer, output, outputBlockOffset));
  TS_ASSIGN_OR_RETURN(Tensor packedWeights, packGroupedConvWeights(layer.weights, layer.inChannels, layer.group,
                                                                   config.block_out, config.block_in));
  ConvPlan plan = makePlan(layer, tiling, config, input, output, outputBlockOffset);
  builder.beginSegment(layer.name, "conv2d");
  // Only the compute unit reads micro-ops, in program order: their LOAD may run while the
  // previous layer's last stores drain. The accumulator rows wait for the sync.
  emitConstantsAndUops(builder, plan, packedWeights);
  if (position == LayerPosition::afterLayer) emitLayerSync(builder);
  emitConstantRowsLoad(builder, plan);
  for (int64_t t = 0; t < plan.tiles; ++t) {
    Tile tile = tileAt(plan, t);
    size_t firstLoad = builder.instructionCount();
    emitLoads(builder, plan, tile);
    if (t == 0 && position == LayerPosition::afterLayer) builder.instruction(firstLoad)[Field::pop_next] = 1;
    emitCompute(builder, plan, tile);
    emitStores(builder, plan, tile);
  }
  builder.endSegment();
  return absl::OkStatus();
}

} // namespace tessera::accel
