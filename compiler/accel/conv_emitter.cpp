//===- conv_emitter.cpp - Tiles, micro-ops and tokens of a convolution -----------------===//
#include "compiler/accel/conv_emitter.h"

#include "compiler/accel/layouts.h"

#include <cstring>
#include <map>

namespace tessera::accel {

using isa::AluOp;
using isa::Buffer;
using isa::Field;
using isa::Uop;

namespace {

/// What one GEMM micro-op set reads and writes: the slots, where the step's weights sit
/// in the weight scratchpad, and the channel tile (for grouped layouts; 0 when every
/// channel tile reads its slot at the same offsets).
struct GemmSetKey {
  int64_t inpBase, accBase;
  int64_t wgtBase, wgtStride, wgtStep; ///< entry of (ob, ib, tap): wgtBase + ((ob*wgtStride + wgtStep + ib)*taps + tap)
  int64_t stepBlocks, channelTile;
  auto operator<=>(const GemmSetKey &) const = default;
};

/// Scratchpad placement and micro-op ranges shared by every tile of a layer.
struct ConvPlan {
  const ConvLayer &layer;
  ConvTiling tiling;
  ConvFootprint f;
  int64_t biasRow = 0, requantRow = 0; ///< first acc row of the constant rows
  uint32_t uopBase = 0;                ///< first micro-op of the layer in the table; loaded to uop row 0,
                                       ///< so instructions index rows relative to it
  std::map<GemmSetKey, uint32_t> gemmSets{}; ///< first micro-op of each set
  uint32_t aluUops = 0;                      ///< first ALU micro-op
  std::string input{}, output{}, weights{}, zeros{};
  int64_t outputBlockOffset = 0; ///< first channel block of the output tensor written
  int64_t outputBlocksPerImage = 0; ///< channel blocks of one image in the output tensor
  /// DRAM entries of one image in the input tensor, and in the output tensor.
  int64_t inputImageEntries() const { return f.inBlocks * layer.height * layer.width; }
  int64_t outputImageEntries() const { return outputBlocksPerImage * layer.outHeight * layer.outWidth; }
  GroupBlocks groups{};
  ConvEpilogue epilogue{};
  int64_t threads() const { return tiling.virtualThreads; }
  int64_t accSlot(int64_t v) const { return v * f.accPerSlot; }
  int64_t inpSlot(int64_t v) const { return v * f.inpPerSlot; }
  int64_t wgtSlot(int64_t w) const { return w * f.wgtPerSlot; }
  int64_t accPlane() const { return tiling.outRows * f.outCols; }
  /// First input block a channel tile's slot holds.
  int64_t tileInBlock0(int64_t channelTile) const { return groups.first[size_t(channelTile * tiling.outBlocks)]; }
  /// ALU micro-ops of (thread v, channel tile j): `outBlocks` for mov, then `outBlocks` for requant.
  uint32_t aluUopsOf(int64_t v, int64_t j) const {
    int64_t set = f.constantsPerChannelTile ? v : v * f.channelTiles + j;
    return uint32_t(aluUops + set * 2 * tiling.outBlocks);
  }
};

struct Tile {
  int64_t index, thread, channelTile, image, rowTile, colTile;
  int64_t outRow0, outRows, outCol0, outCols, outBlock0, outBlocks;
};

Tile tileAt(const ConvPlan &plan, int64_t t) {
  const ConvFootprint &f = plan.f;
  Tile tile;
  tile.index = t;
  tile.thread = t % plan.threads();
  tile.channelTile = t / (f.rowTiles * f.colTiles);
  int64_t rowTile = t % (f.rowTiles * f.colTiles) / f.colTiles; // counting every image's
  tile.image = rowTile / f.rowTilesPerImage;
  tile.rowTile = rowTile % f.rowTilesPerImage;
  tile.colTile = t % f.colTiles;
  tile.outRow0 = tile.rowTile * plan.tiling.outRows;
  tile.outRows = std::min(plan.tiling.outRows, plan.layer.outHeight - tile.outRow0);
  tile.outCol0 = tile.colTile * f.outCols;
  tile.outCols = std::min(f.outCols, plan.layer.outWidth - tile.outCol0);
  tile.outBlock0 = tile.channelTile * plan.tiling.outBlocks;
  tile.outBlocks = std::min(plan.tiling.outBlocks, f.outBlocksTotal - tile.outBlock0);
  return tile;
}

/// Reduction step k of a tile: step index i over the layer, its slot (i mod V) and input blocks.
struct Step {
  int64_t index, slot, k;
  int64_t block0, blocks; ///< input blocks loaded: [block0, block0 + blocks) of the input tensor
  int64_t gemmBlocks;     ///< input blocks each output block reduces over in this step
};

Step stepOf(const ConvPlan &plan, const Tile &tile, int64_t k) {
  const ConvFootprint &f = plan.f;
  Step step;
  step.index = tile.index * f.steps + k;
  step.slot = step.index % plan.threads();
  step.k = k;
  if (f.steps > 1) {
    step.block0 = k * f.stepBlocks;
    step.blocks = step.gemmBlocks = std::min(f.stepBlocks, f.inBlocksPerOut - step.block0);
    return step;
  }
  step.block0 = plan.tileInBlock0(tile.channelTile);
  int64_t lastOut = tile.outBlock0 + tile.outBlocks - 1;
  step.blocks = plan.groups.first[size_t(lastOut)] + f.inBlocksPerOut - step.block0;
  step.gemmBlocks = f.inBlocksPerOut;
  return step;
}

GemmSetKey gemmSetKey(const ConvPlan &plan, const Tile &tile, const Step &step) {
  const ConvFootprint &f = plan.f;
  GemmSetKey key{plan.inpSlot(step.slot), plan.accSlot(tile.thread), 0, f.inBlocksPerOut, step.k * f.stepBlocks,
                 step.gemmBlocks, f.sharedGemmUops ? 0 : tile.channelTile};
  switch (plan.tiling.weights()) {
  case WeightBuffering::resident: break;
  case WeightBuffering::double_: key.wgtBase = plan.wgtSlot(tile.channelTile % 2); break;
  case WeightBuffering::stream:
    key.wgtBase = plan.wgtSlot(step.slot), key.wgtStride = step.gemmBlocks, key.wgtStep = 0;
    break;
  }
  return key;
}

/// The micro-ops of a set: (output block, input block of the step, tap).
void addGemmUopSet(ProgramBuilder &builder, const ConvPlan &plan, const GemmSetKey &key) {
  const ConvLayer &l = plan.layer;
  int64_t ob0 = key.channelTile * plan.tiling.outBlocks;
  for (int64_t ob = 0; ob < plan.tiling.outBlocks; ++ob) {
    int64_t global = std::min(ob0 + ob, plan.f.outBlocksTotal - 1);
    int64_t slotBlock0 = plan.f.steps > 1 ? 0 : plan.groups.first[size_t(global)] - plan.tileInBlock0(key.channelTile);
    for (int64_t ib = 0; ib < key.stepBlocks; ++ib)
      for (int64_t ky = 0; ky < l.kernelH; ++ky)
        for (int64_t kx = 0; kx < l.kernelW; ++kx) {
          int64_t src = key.inpBase + (slotBlock0 + ib) * plan.f.blockPitch + ky * l.dilationH * plan.f.rowPitch +
                        kx * l.dilationW;
          int64_t wgt = key.wgtBase + ((ob * key.wgtStride + key.wgtStep + ib) * l.kernelH + ky) * l.kernelW + kx;
          builder.addUop(Uop{uint32_t(key.accBase + ob * plan.accPlane()), uint32_t(src), uint32_t(wgt)});
        }
  }
}

/// Adds the GEMM micro-op sets the steps use, in order of first use.
Status addGemmUops(ProgramBuilder &builder, ConvPlan &plan) {
  for (int64_t t = 0; t < plan.f.tiles; ++t) {
    Tile tile = tileAt(plan, t);
    for (int64_t k = 0; k < plan.f.steps; ++k) {
      GemmSetKey key = gemmSetKey(plan, tile, stepOf(plan, tile, k));
      if (plan.gemmSets.count(key)) continue;
      plan.gemmSets.emplace(key, builder.uopCount() - plan.uopBase);
      addGemmUopSet(builder, plan, key);
    }
  }
  if (int64_t(plan.gemmSets.size()) > plan.f.gemmSets)
    return absl::InternalError(absl::StrFormat("%s: %d GEMM micro-op sets exceed the footprint's %d", plan.layer.name,
                                               plan.gemmSets.size(), plan.f.gemmSets));
  return absl::OkStatus();
}

void addAluUops(ProgramBuilder &builder, ConvPlan &plan) {
  plan.aluUops = builder.uopCount() - plan.uopBase;
  int64_t channelSets = plan.f.constantsPerChannelTile ? 1 : plan.f.channelTiles;
  for (int64_t v = 0; v < plan.threads(); ++v)
    for (int64_t j = 0; j < channelSets; ++j)
      for (int64_t row : {plan.biasRow, plan.requantRow})
        for (int64_t ob = 0; ob < plan.tiling.outBlocks; ++ob) {
          int64_t global = std::min(j * plan.tiling.outBlocks + ob, plan.f.outBlocksTotal - 1);
          int64_t constant = plan.f.constantsPerChannelTile ? ob : global;
          builder.addUop(Uop{uint32_t(plan.accSlot(v) + ob * plan.accPlane()), uint32_t(row + constant), 0});
        }
}

/// Adds the layer's DRAM constants and micro-ops, and emits the micro-op LOAD.
Status emitConstantsAndUops(ProgramBuilder &builder, ConvPlan &plan, const Tensor &packedWeights) {
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
  TS_RETURN_IF_ERROR(addGemmUops(builder, plan));
  addAluUops(builder, plan);
  builder.emitUopLoad(plan.uopBase, builder.uopCount() - plan.uopBase, 0);
  return absl::OkStatus();
}

/// The LOAD of the bias and requant rows into the accumulator: the whole layer's, or
/// channel tile j's blocks of each (bias rows at biasRow, requant rows at requantRow).
void emitConstantRowsLoad(ProgramBuilder &builder, const ConvPlan &plan, int64_t j) {
  int64_t table = builder.entryAddress(plan.layer.name + ".constants", Buffer::acc);
  if (!plan.f.constantsPerChannelTile) {
    if (j == 0) builder.emit(makeLoad(Buffer::acc, plan.biasRow, table, 1, plan.f.constRows, plan.f.constRows));
    return;
  }
  int64_t block0 = j * plan.tiling.outBlocks, blocks = std::min(plan.tiling.outBlocks, plan.f.outBlocksTotal - block0);
  builder.emit(makeLoad(Buffer::acc, plan.biasRow, table + block0, 1, blocks, blocks));
  builder.emit(makeLoad(Buffer::acc, plan.requantRow, table + plan.f.outBlocksTotal + block0, 1, blocks, blocks));
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
  plan.biasRow = tiling.virtualThreads * plan.f.accPerSlot;
  plan.requantRow = plan.biasRow + plan.f.constRows / 2;
  return plan;
}

/// Weight entries of channel tile `j`.
int64_t weightEntries(const ConvPlan &plan, int64_t j) {
  int64_t blocks = std::min(plan.tiling.outBlocks, plan.f.outBlocksTotal - j * plan.tiling.outBlocks);
  return blocks * plan.f.inBlocksPerOut * plan.f.taps;
}

/// Loads weight entries [begin, end) of channel tile `channelTile` into its slot
/// (resident weights: the layer's one slot).
void emitWeightLoad(ProgramBuilder &builder, const ConvPlan &plan, int64_t channelTile, int64_t begin, int64_t end,
                    std::vector<size_t> &emitted) {
  if (begin >= end) return;
  int64_t perBlock = plan.f.inBlocksPerOut * plan.f.taps, slot = channelTile % plan.f.wgtSlots;
  int64_t dram =
      builder.entryAddress(plan.weights, Buffer::wgt) + channelTile * plan.tiling.outBlocks * perBlock + begin;
  emitted.push_back(builder.emit(makeLoad(Buffer::wgt, plan.wgtSlot(slot) + begin, dram, 1, end - begin, end - begin)));
}

/// Position of a step among its channel tile's steps, and where prefetch pieces start.
int64_t stepInChannelTile(const ConvPlan &plan, const Step &step) {
  return step.index % (plan.f.rowTiles * plan.f.colTiles * plan.f.steps);
}
int64_t firstPieceStep(const ConvPlan &plan) { return std::max<int64_t>(1, plan.threads() - 1); }
bool prefetched(const ConvPlan &plan) {
  return plan.tiling.weights() == WeightBuffering::double_ &&
         plan.f.rowTiles * plan.f.colTiles * plan.f.steps > firstPieceStep(plan);
}

/// A channel tile's own weights, loaded before its first step: the resident weights and
/// channel tile 0's, and every channel tile's when double-buffered weights are not prefetched.
void emitOwnWeights(ProgramBuilder &builder, const ConvPlan &plan, const Tile &tile, const Step &step,
                    std::vector<size_t> &emitted) {
  WeightBuffering weights = plan.tiling.weights();
  if (weights == WeightBuffering::stream || stepInChannelTile(plan, step) != 0) return;
  if (weights == WeightBuffering::resident) {
    if (step.index == 0) emitWeightLoad(builder, plan, 0, 0, plan.f.wgtPerSlot, emitted);
    return;
  }
  if (tile.channelTile == 0 || !prefetched(plan))
    emitWeightLoad(builder, plan, tile.channelTile, 0, weightEntries(plan, tile.channelTile), emitted);
}

/// A streamed step's weights: its input blocks' entries of every output block of the
/// tile, one DMA row per output block, into the step's slot.
void emitStepWeights(ProgramBuilder &builder, const ConvPlan &plan, const Tile &tile, const Step &step,
                     std::vector<size_t> &emitted) {
  if (plan.tiling.weights() != WeightBuffering::stream) return;
  int64_t taps = plan.f.taps, perBlock = plan.f.inBlocksPerOut * taps;
  int64_t first = plan.f.steps > 1 ? step.block0 : 0;
  int64_t dram = builder.entryAddress(plan.weights, Buffer::wgt) + tile.outBlock0 * perBlock + first * taps;
  emitted.push_back(builder.emit(
      makeLoad(Buffer::wgt, plan.wgtSlot(step.slot), dram, tile.outBlocks, step.gemmBlocks * taps, perBlock)));
}

/// With prefetched double-buffered weights, channel tile j+1's weights are loaded in
/// pieces after the inputs of channel tile j's steps from firstPieceStep on (after the
/// token to the GEMM, so a piece loads while the step computes). Those steps' first loads
/// pop tokens of GEMMs after every GEMM of channel tile j-1, the slot's last reader.
void emitWeightPrefetch(ProgramBuilder &builder, const ConvPlan &plan, const Tile &tile, const Step &step,
                        std::vector<size_t> &emitted) {
  if (!prefetched(plan) || tile.channelTile + 1 >= plan.f.channelTiles) return;
  int64_t position = stepInChannelTile(plan, step), start = firstPieceStep(plan);
  if (position < start) return;
  int64_t next = tile.channelTile + 1, pieces = plan.f.rowTiles * plan.f.colTiles * plan.f.steps - start,
          piece = position - start, total = weightEntries(plan, next);
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

/// Block-major slot: one LOAD per input block, its rows and columns padded by the DMA.
void emitInputByBlock(ProgramBuilder &builder, const ConvPlan &plan, const Tile &tile, const Step &step,
                      std::vector<size_t> &emitted) {
  const ConvLayer &l = plan.layer;
  InputRows rows = inputRowsOf(l, tile);
  InputColumnWindow cols = inputColumnWindow(l, plan.f, tile.outCol0);
  int64_t inputBase = builder.entryAddress(plan.input, Buffer::inp) + tile.image * plan.inputImageEntries();
  for (int64_t ib = 0; ib < step.blocks; ++ib) {
    isa::Instruction load = makeLoad(Buffer::inp, plan.inpSlot(step.slot) + ib * plan.f.blockPitch,
                                     inputBase + ((step.block0 + ib) * l.height + rows.begin) * l.width + cols.begin,
                                     rows.end - rows.begin, cols.end - cols.begin, l.width);
    load[Field::y_pad_0] = rows.begin - rows.first;
    load[Field::y_pad_1] = rows.last + 1 - rows.end;
    load[Field::x_pad_0] = cols.padLeft;
    load[Field::x_pad_1] = cols.padRight;
    emitted.push_back(builder.emit(load));
  }
}

/// Row-major slot: one LOAD per input row gathering every block (x_stride = H*W); a row in
/// the padding is loaded from the zero constant (x_stride 0).
void emitInputByRow(ProgramBuilder &builder, const ConvPlan &plan, const Tile &tile, const Step &step,
                    std::vector<size_t> &emitted) {
  const ConvLayer &l = plan.layer;
  InputRows rows = inputRowsOf(l, tile);
  InputColumnWindow cols = inputColumnWindow(l, plan.f, tile.outCol0);
  int64_t inputBase = builder.entryAddress(plan.input, Buffer::inp) + tile.image * plan.inputImageEntries(),
          zeros = builder.entryAddress(plan.zeros, Buffer::inp);
  for (int64_t y = rows.first; y <= rows.last; ++y) {
    bool inside = y >= 0 && y < l.height;
    isa::Instruction load =
        makeLoad(Buffer::inp, plan.inpSlot(step.slot) + (y - rows.first) * plan.f.rowPitch,
                 inside ? inputBase + (step.block0 * l.height + y) * l.width + cols.begin : zeros, step.blocks,
                 cols.end - cols.begin, inside ? l.height * l.width : 0);
    load[Field::x_pad_0] = cols.padLeft;
    load[Field::x_pad_1] = cols.padRight;
    emitted.push_back(builder.emit(load));
  }
}

void emitLoads(ProgramBuilder &builder, const ConvPlan &plan, const Tile &tile, const Step &step) {
  std::vector<size_t> emitted;
  emitOwnWeights(builder, plan, tile, step, emitted);
  emitStepWeights(builder, plan, tile, step, emitted);
  if (plan.tiling.rowMajorInput)
    emitInputByRow(builder, plan, tile, step, emitted);
  else
    emitInputByBlock(builder, plan, tile, step, emitted);
  if (step.index >= plan.threads()) builder.instruction(emitted.front())[Field::pop_next] = 1;
  builder.instruction(emitted.back())[Field::push_next] = 1;
  emitWeightPrefetch(builder, plan, tile, step, emitted);
}

/// The ALU loops over a tile's rows x columns of accumulator rows.
LoopNest pixelsOf(const Tile &tile) { return LoopNest{tile.outRows, tile.outCols, tile.outCols, 1, 0, 0, 0, 0}; }

/// The bias `mov` that starts a tile: a register operand per channel, or the immediate.
size_t emitBias(ProgramBuilder &builder, const ConvPlan &plan, const Tile &tile) {
  uint32_t alu = plan.aluUopsOf(tile.thread, tile.channelTile);
  return builder.emit(
      makeAlu(AluOp::mov, alu, alu + uint32_t(tile.outBlocks), pixelsOf(tile), plan.epilogue.biasImmediate));
}

/// Requant and the fused clip; returns the last instruction.
size_t emitRequantClip(ProgramBuilder &builder, const ConvPlan &plan, const Tile &tile) {
  const ConvLayer &l = plan.layer;
  uint32_t alu = plan.aluUopsOf(tile.thread, tile.channelTile), requant = alu + uint32_t(plan.tiling.outBlocks);
  uint32_t first = plan.epilogue.requantImmediate ? alu : requant;
  size_t last = builder.emit(makeAlu(AluOp::requant, first, first + uint32_t(tile.outBlocks), pixelsOf(tile),
                                     plan.epilogue.requantImmediate));
  if (!plan.epilogue.clip) return last;
  int32_t bounds = int32_t(int16_t(uint16_t((uint32_t(l.clipLo) & 0xff) << 8 | (uint32_t(l.clipHi) & 0xff))));
  return builder.emit(makeAlu(AluOp::clip, alu, alu + uint32_t(tile.outBlocks), pixelsOf(tile), bounds));
}

void emitCompute(ProgramBuilder &builder, const ConvPlan &plan, const Tile &tile, const Step &step) {
  const ConvLayer &l = plan.layer;
  if (step.k == 0) {
    size_t mov = emitBias(builder, plan, tile);
    if (tile.index >= plan.threads()) builder.instruction(mov)[Field::pop_next] = 1;
  }
  LoopNest gemmLoops = pixelsOf(tile);
  gemmLoops.srcOut = l.strideH * plan.f.rowPitch;
  gemmLoops.srcIn = l.strideW;
  uint32_t gemm = plan.gemmSets.at(gemmSetKey(plan, tile, step));
  size_t g = builder.emit(
      makeGemm(gemm, gemm + uint32_t(tile.outBlocks * step.gemmBlocks * plan.f.taps), gemmLoops, false));
  builder.instruction(g)[Field::pop_prev] = 1;
  if (step.index + plan.threads() < plan.f.items) builder.instruction(g)[Field::push_prev] = 1;
  if (step.k + 1 < plan.f.steps) return;
  size_t last = emitRequantClip(builder, plan, tile);
  builder.instruction(last)[Field::push_next] = 1;
}

void emitStores(ProgramBuilder &builder, const ConvPlan &plan, const Tile &tile) {
  const ConvLayer &l = plan.layer;
  int64_t outputBase = builder.entryAddress(plan.output, Buffer::out) + tile.image * plan.outputImageEntries();
  bool wholeRows = tile.outCols == l.outWidth;
  std::vector<size_t> emitted;
  for (int64_t ob = 0; ob < tile.outBlocks; ++ob) {
    int64_t dram = outputBase +
                   ((plan.outputBlockOffset + tile.outBlock0 + ob) * l.outHeight + tile.outRow0) * l.outWidth +
                   tile.outCol0;
    int64_t sram = plan.accSlot(tile.thread) + ob * plan.accPlane();
    int64_t pixels = tile.outRows * l.outWidth;
    emitted.push_back(builder.emit(wholeRows ? makeStore(sram, dram, 1, pixels, pixels)
                                             : makeStore(sram, dram, tile.outRows, tile.outCols, l.outWidth)));
  }
  builder.instruction(emitted.front())[Field::pop_prev] = 1;
  bool consumerFollows = tile.index + plan.threads() < plan.f.tiles || tile.index == plan.f.tiles - 1;
  if (consumerFollows) builder.instruction(emitted.back())[Field::push_prev] = 1;
}

/// The output tensor must be blocked [N*CB][OH][OW][Bo] int8 (N images of CB blocks) with
/// room for the layer's blocks from `blockOffset` in each image; returns CB.
StatusOr<int64_t> checkOutputTensor(const ProgramBuilder &builder, const ConvLayer &layer, const std::string &output,
                                    int64_t blockOffset) {
  const isa::TensorInfo *tensor = builder.findTensor(output);
  if (!tensor) return invalidInput("%s: output tensor '%s' is not in the program", layer.name, output);
  const Shape &s = tensor->shape;
  int64_t blocks = ceilDiv(layer.outChannels, builder.config().block_out);
  int64_t perImage = s.empty() ? 0 : s[0] / layer.batch;
  // Rows of pixels may be split differently (windowPackedLayer): only the plane size counts.
  bool fits = s.size() == 4 && s[0] % layer.batch == 0 && s[1] * s[2] == layer.outHeight * layer.outWidth &&
              s[3] == builder.config().block_out && blockOffset >= 0 && blockOffset + blocks <= perImage;
  if (!fits)
    return invalidInput("%s: output tensor '%s' %s cannot hold %d channel blocks of %dx%d from block %d (%d images)",
                        layer.name, output, shapeToString(s), blocks, layer.outHeight, layer.outWidth, blockOffset,
                        layer.batch);
  return perImage;
}

} // namespace

Status emitConv(ProgramBuilder &builder, const ConvLayer &layer, const ConvTiling &tiling, const std::string &input,
                const std::string &output, LayerPosition position, int64_t outputBlockOffset) {
  const isa::HardwareConfig &config = builder.config();
  TS_RETURN_IF_ERROR(checkConvTiling(layer, tiling, config));
  TS_ASSIGN_OR_RETURN(int64_t outputBlocksPerImage, checkOutputTensor(builder, layer, output, outputBlockOffset));
  TS_ASSIGN_OR_RETURN(Tensor packedWeights, packGroupedConvWeights(layer.weights, layer.inChannels, layer.group,
                                                                   config.block_out, config.block_in));
  ConvPlan plan = makePlan(layer, tiling, config, input, output, outputBlockOffset);
  plan.outputBlocksPerImage = outputBlocksPerImage;
  builder.beginSegment(layer.name, "conv2d");
  // Only the compute unit reads micro-ops, in program order: their LOAD may run while the
  // previous layer's last stores drain. The accumulator rows wait for the sync.
  TS_RETURN_IF_ERROR(emitConstantsAndUops(builder, plan, packedWeights));
  if (position == LayerPosition::afterLayer) emitLayerSync(builder);
  for (int64_t t = 0; t < plan.f.tiles; ++t) {
    Tile tile = tileAt(plan, t);
    if (t % (plan.f.rowTiles * plan.f.colTiles) == 0) emitConstantRowsLoad(builder, plan, tile.channelTile);
    for (int64_t k = 0; k < plan.f.steps; ++k) {
      Step step = stepOf(plan, tile, k);
      size_t firstLoad = builder.instructionCount();
      emitLoads(builder, plan, tile, step);
      if (step.index == 0 && position == LayerPosition::afterLayer) builder.instruction(firstLoad)[Field::pop_next] = 1;
      emitCompute(builder, plan, tile, step);
    }
    emitStores(builder, plan, tile);
  }
  builder.endSegment();
  return absl::OkStatus();
}

} // namespace tessera::accel
