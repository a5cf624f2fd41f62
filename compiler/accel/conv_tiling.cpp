//===- conv_tiling.cpp - Capacity checks and the cost model ---------------------------===//
#include "compiler/accel/conv_tiling.h"

#include <algorithm>
#include <limits>
#include <utility>
#include <vector>

#include "compiler/accel/layouts.h"
#include "isa/timing/transfer_shape.h"

namespace tessera::accel {

using isa::Buffer;

namespace {

/// Channel tiles of `outBlocks` blocks read the same slot offsets when each tile's group
/// layout repeats the first tile's (group 1, depthwise, equal groups aligned to tiles).
bool uniformGroupOffsets(const GroupBlocks &groups, int64_t outBlocks) {
  int64_t total = int64_t(groups.first.size());
  for (int64_t ob0 = outBlocks; ob0 < total; ob0 += outBlocks)
    for (int64_t l = 0; l < outBlocks && ob0 + l < total; ++l)
      if (groups.first[size_t(ob0 + l)] - groups.first[size_t(ob0)] != groups.first[size_t(l)] - groups.first[0])
        return false;
  return true;
}

/// The most input blocks one channel tile reads.
int64_t inBlocksPerTile(const GroupBlocks &groups, int64_t outBlocks) {
  int64_t most = 0, total = int64_t(groups.first.size());
  for (int64_t ob0 = 0; ob0 < total; ob0 += outBlocks) {
    int64_t last = std::min(total, ob0 + outBlocks) - 1;
    most = std::max(most, groups.first[size_t(last)] + groups.perOutBlock - groups.first[size_t(ob0)]);
  }
  return most;
}

bool uniform(const std::vector<int32_t> &values) {
  return std::all_of(values.begin(), values.end(), [&](int32_t v) { return v == values.front(); });
}

} // namespace

ConvEpilogue convEpilogue(const ConvLayer &layer) {
  ConvEpilogue epilogue;
  const std::vector<int32_t> &bias = layer.bias, &requant = layer.requantOperands;
  if (!bias.empty() && uniform(bias) && bias[0] >= -32768 && bias[0] <= 32767) epilogue.biasImmediate = bias[0];
  if (!requant.empty() && uniform(requant) && (uint32_t(requant[0]) >> 8) == 1)
    epilogue.requantImmediate = requant[0] & 0xff;
  epilogue.clip = layer.clipLo != -128 || layer.clipHi != 127;
  return epilogue;
}

namespace {

/// Whether every output block reads the same input blocks (group 1), so a tile's
/// reduction may be split into steps of input blocks.
bool readsEveryInputBlock(const GroupBlocks &groups) { return groups.first.back() == 0; }

int64_t resolved(int64_t value, int64_t all) { return value > 0 ? value : all; }

/// GEMM micro-op sets the emitter may need, an upper bound: one per accumulator slot in
/// use times the distinct (input slot, weight offset) combinations of a tile's steps.
int64_t gemmSetBound(const ConvTiling &tiling, const ConvFootprint &f) {
  int64_t accSlots = std::min(tiling.virtualThreads, f.tiles);
  if (!f.sharedGemmUops) return accSlots * f.channelTiles;
  switch (tiling.weights()) {
  case WeightBuffering::resident: return accSlots * f.steps;
  case WeightBuffering::double_: return accSlots * f.steps * std::min<int64_t>(2, f.channelTiles);
  case WeightBuffering::stream: break;
  }
  bool shortLastStep = f.inBlocksPerOut % f.stepBlocks != 0;
  return accSlots * (std::min(tiling.virtualThreads, f.steps) + (shortLastStep ? 1 : 0));
}

void setWeightSlots(const ConvTiling &tiling, ConvFootprint &f) {
  switch (tiling.weights()) {
  case WeightBuffering::resident:
    f.wgtSlots = 1, f.wgtPerSlot = f.outBlocksTotal * f.inBlocksPerOut * f.taps;
    return;
  case WeightBuffering::double_:
    f.wgtSlots = 2, f.wgtPerSlot = tiling.outBlocks * f.inBlocksPerOut * f.taps;
    return;
  case WeightBuffering::stream:
    f.wgtSlots = std::min(tiling.virtualThreads, f.items), f.wgtPerSlot = tiling.outBlocks * f.stepBlocks * f.taps;
    return;
  }
}

} // namespace

ConvFootprint convFootprint(const ConvLayer &layer, const ConvTiling &tiling, const isa::HardwareConfig &config) {
  ConvFootprint f;
  f.inBlocks = ceilDiv(layer.inChannels, config.block_in);
  f.outBlocksTotal = ceilDiv(layer.outChannels, config.block_out);
  f.taps = layer.kernelH * layer.kernelW;
  int64_t lastColumn = (layer.outWidth - 1) * layer.strideW - layer.padLeft + (layer.kernelW - 1) * layer.dilationW;
  f.padRight = std::max<int64_t>(0, lastColumn + 1 - layer.width);
  f.paddedWidth = layer.padLeft + layer.width + f.padRight;
  f.outCols = std::max<int64_t>(1, resolved(tiling.outCols, layer.outWidth));
  f.inCols = (f.outCols - 1) * layer.strideW + (layer.kernelW - 1) * layer.dilationW + 1;
  f.inRowsPerTile = (tiling.outRows - 1) * layer.strideH + (layer.kernelH - 1) * layer.dilationH + 1;
  GroupBlocks groups = groupBlocks(layer.inChannels, layer.outChannels, layer.group, config.block_out, config.block_in);
  int64_t outBlocks = std::max<int64_t>(1, tiling.outBlocks);
  f.inBlocksPerOut = groups.perOutBlock;
  f.stepBlocks = std::clamp<int64_t>(resolved(tiling.inBlocks, f.inBlocksPerOut), 1, f.inBlocksPerOut);
  f.steps = ceilDiv(f.inBlocksPerOut, f.stepBlocks);
  f.inBlocksPerTile = f.steps > 1 ? f.stepBlocks : inBlocksPerTile(groups, outBlocks);
  f.sharedGemmUops = uniformGroupOffsets(groups, outBlocks);
  f.rowTilesPerImage = ceilDiv(layer.outHeight, std::max<int64_t>(1, tiling.outRows));
  f.rowTiles = std::max<int64_t>(1, layer.batch) * f.rowTilesPerImage;
  f.colTiles = ceilDiv(layer.outWidth, f.outCols);
  f.channelTiles = ceilDiv(f.outBlocksTotal, outBlocks);
  f.tiles = f.rowTiles * f.colTiles * f.channelTiles;
  f.items = f.tiles * f.steps;
  f.inpPerSlot = f.inBlocksPerTile * f.inRowsPerTile * f.inCols;
  f.blockPitch = tiling.rowMajorInput ? f.inCols : f.inRowsPerTile * f.inCols;
  f.rowPitch = tiling.rowMajorInput ? f.inBlocksPerTile * f.inCols : f.inCols;
  setWeightSlots(tiling, f);
  f.accPerSlot = tiling.outBlocks * tiling.outRows * f.outCols;
  f.constRows = 2 * f.outBlocksTotal;
  f.constantsPerChannelTile = f.channelTiles > 1 && tiling.virtualThreads * f.accPerSlot + f.constRows > config.depth(Buffer::acc);
  if (f.constantsPerChannelTile) f.constRows = 2 * tiling.outBlocks;
  f.gemmSetUops = tiling.outBlocks * f.stepBlocks * f.taps;
  f.gemmSets = gemmSetBound(tiling, f);
  f.aluSets = tiling.virtualThreads * (f.constantsPerChannelTile ? 1 : f.channelTiles);
  f.uops = f.gemmSets * f.gemmSetUops + 2 * f.aluSets * tiling.outBlocks;
  return f;
}

InputColumnWindow inputColumnWindow(const ConvLayer &layer, const ConvFootprint &f, int64_t outCol0) {
  InputColumnWindow w;
  w.x0 = outCol0 * layer.strideW - layer.padLeft;
  w.begin = std::max<int64_t>(0, w.x0);
  w.end = std::min(layer.width, w.x0 + f.inCols);
  w.padLeft = w.begin - w.x0;
  w.padRight = w.x0 + f.inCols - std::max(w.end, w.begin);
  return w;
}

namespace {

Status overflow(const char *what, int64_t need, int64_t have) {
  return absl::ResourceExhaustedError(absl::StrFormat("%s needs %d entries, the scratchpad has %d", what, need, have));
}

/// The largest DMA padding any row or column tile needs.
int64_t maxPadding(const ConvLayer &layer, const ConvFootprint &f) {
  int64_t bottom = std::max<int64_t>(0, (layer.outHeight - 1) * layer.strideH - layer.padTop +
                                            (layer.kernelH - 1) * layer.dilationH + 1 - layer.height);
  int64_t most = std::max({layer.padTop, bottom});
  for (int64_t c = 0; c < f.colTiles; ++c) {
    InputColumnWindow w = inputColumnWindow(layer, f, c * f.outCols);
    most = std::max({most, w.padLeft, w.padRight});
  }
  return most;
}

/// A tile whose input rows or columns all lie in the padding would need a DMA of zero
/// rows or columns, which writes nothing (not even its padding). Rows matter only for
/// block-major slots (a row-major slot loads such rows from the zero constant).
Status checkEveryTileReadsData(const ConvLayer &layer, const ConvTiling &tiling, const ConvFootprint &f) {
  for (int64_t c = 0; c < f.colTiles; ++c) {
    InputColumnWindow w = inputColumnWindow(layer, f, c * f.outCols);
    if (w.begin >= w.end)
      return absl::UnimplementedError(
          absl::StrFormat("output columns from %d read only padding", c * f.outCols));
  }
  if (tiling.rowMajorInput) return absl::OkStatus();
  for (int64_t row = 0; row < layer.outHeight; row += tiling.outRows) {
    int64_t rows = std::min(tiling.outRows, layer.outHeight - row);
    InputRowWindow window = inputRowWindow(layer, row, rows);
    if (window.begin >= window.end)
      return absl::UnimplementedError(absl::StrFormat("output rows %d-%d read only padding", row, row + rows - 1));
  }
  return absl::OkStatus();
}

/// The layer's own consistency (a ConvLayer may be built by hand): sizes, group, weights
/// and per-channel vectors.
Status checkLayer(const ConvLayer &l) {
  bool positive = l.batch > 0 && l.inChannels > 0 && l.height > 0 && l.width > 0 && l.outChannels > 0 && l.outHeight > 0 &&
                  l.outWidth > 0 && l.kernelH > 0 && l.kernelW > 0 && l.strideH > 0 && l.strideW > 0 &&
                  l.dilationH > 0 && l.dilationW > 0 && l.padTop >= 0 && l.padLeft >= 0;
  if (!positive) return invalidInput("%s: every size, stride and dilation must be positive", l.name);
  if (l.group < 1 || l.inChannels % l.group != 0 || l.outChannels % l.group != 0)
    return invalidInput("%s: group %d does not split %d input and %d output channels", l.name, l.group, l.inChannels,
                        l.outChannels);
  Shape expected = {l.outChannels, l.inChannels / l.group, l.kernelH, l.kernelW};
  if (l.weights.dtype() != DType::I8 || l.weights.shape() != expected)
    return invalidInput("%s: weights are %s %s, expected i8 %s", l.name, dtypeName(l.weights.dtype()),
                        shapeToString(l.weights.shape()), shapeToString(expected));
  if (int64_t(l.bias.size()) != l.outChannels || int64_t(l.requantOperands.size()) != l.outChannels)
    return invalidInput("%s: %d bias and %d requant values for %d output channels", l.name, l.bias.size(),
                        l.requantOperands.size(), l.outChannels);
  return absl::OkStatus();
}

} // namespace

namespace {

Status checkRanges(const ConvLayer &layer, const ConvTiling &t, const ConvFootprint &f) {
  bool valid = t.virtualThreads >= 1 && t.weightSlots >= 1 && t.weightSlots <= 2 && t.outBlocks >= 1 &&
               t.outRows >= 1 && t.outCols >= 0 && t.inBlocks >= 0;
  if (!valid)
    return invalidInput("%s: tiling of %d threads, %d weight slots, %d blocks x %d rows x %d columns, %d input blocks "
                        "per step is not valid",
                        layer.name, t.virtualThreads, t.weightSlots, t.outBlocks, t.outRows, t.outCols, t.inBlocks);
  if (t.outRows > layer.outHeight || t.outBlocks > f.outBlocksTotal || t.outCols > layer.outWidth ||
      t.inBlocks > f.inBlocksPerOut)
    return invalidInput("tile of %d blocks x %d rows x %d columns, %d input blocks per step, does not fit the layer "
                        "(%d blocks x %d rows x %d columns, %d input blocks)",
                        t.outBlocks, t.outRows, t.outCols, t.inBlocks, f.outBlocksTotal, layer.outHeight,
                        layer.outWidth, f.inBlocksPerOut);
  return absl::OkStatus();
}

/// Structural limits of the tiling's schedule: splits and weight buffering the emitter
/// supports.
Status checkSchedule(const ConvLayer &layer, const ConvTiling &t, const ConvFootprint &f,
                     const isa::HardwareConfig &config) {
  if (f.steps > 1 && !readsEveryInputBlock(groupBlocks(layer.inChannels, layer.outChannels, layer.group,
                                                       config.block_out, config.block_in)))
    return absl::UnimplementedError("splitting the input channels needs a convolution of group 1");
  if (t.weights() == WeightBuffering::resident && f.channelTiles > 1)
    return invalidInput("resident weights need one channel tile (%d blocks), got %d blocks", f.outBlocksTotal,
                        t.outBlocks);
  // A double-buffered slot is reloaded by the load that pops the token of the GEMM V steps
  // earlier; that GEMM must follow the slot's last reader, the channel tile before.
  int64_t stepsPerChannelTile = f.rowTiles * f.colTiles * f.steps;
  if (t.weights() == WeightBuffering::double_ && f.channelTiles > 1 && stepsPerChannelTile < t.virtualThreads - 1)
    return absl::UnimplementedError(absl::StrFormat(
        "double-buffered weights with %d threads need at least %d steps per channel tile, got %d", t.virtualThreads,
        t.virtualThreads - 1, stepsPerChannelTile));
  return absl::OkStatus();
}

Status checkCapacities(const ConvTiling &t, const ConvFootprint &f, const isa::HardwareConfig &config) {
  int64_t v = t.virtualThreads;
  if (v * f.inpPerSlot > config.depth(Buffer::inp))
    return overflow("the input tile", v * f.inpPerSlot, config.depth(Buffer::inp));
  if (f.wgtSlots * f.wgtPerSlot > config.depth(Buffer::wgt))
    return overflow("the weight tile", f.wgtSlots * f.wgtPerSlot, config.depth(Buffer::wgt));
  if (v * f.accPerSlot + f.constRows > config.depth(Buffer::acc))
    return overflow("the accumulator tile", v * f.accPerSlot + f.constRows, config.depth(Buffer::acc));
  if (f.uops > config.depth(Buffer::uop)) return overflow("the micro-ops", f.uops, config.depth(Buffer::uop));
  return absl::OkStatus();
}

} // namespace

Status checkConvTiling(const ConvLayer &layer, const ConvTiling &tiling, const isa::HardwareConfig &config) {
  TS_RETURN_IF_ERROR(checkLayer(layer));
  ConvFootprint f = convFootprint(layer, tiling, config);
  TS_RETURN_IF_ERROR(checkRanges(layer, tiling, f));
  TS_RETURN_IF_ERROR(checkSchedule(layer, tiling, f, config));
  TS_RETURN_IF_ERROR(checkCapacities(tiling, f, config));
  if (layer.strideH * f.rowPitch >= config.depth(Buffer::acc))
    return absl::UnimplementedError(
        absl::StrFormat("the input row step %d exceeds the GEMM's src factor", layer.strideH * f.rowPitch));
  if (maxPadding(layer, f) > 15)
    return absl::UnimplementedError(absl::StrFormat("padding of %d exceeds the DMA's 15", maxPadding(layer, f)));
  return checkEveryTileReadsData(layer, tiling, f);
}

namespace {

/// Cycles of one DMA transfer of `rows` rows of `entries` entries of `entryBytes` bytes
/// with `pad` padding entries, on an idle channel (the timing contract's formula).
double transferCycles(const isa::HardwareConfig &config, int64_t rows, int64_t entries, int64_t entryBytes,
                      int64_t pad) {
  return double(timing::idleTransferCycles(uint64_t(rows), uint64_t(entries * entryBytes), uint64_t(pad), config));
}

/// The three units' busy cycles for one tile (all its reduction steps); `bias` is the
/// part of `compute` before the GEMMs (the bias mov), `epilogue` the part after them.
struct TileCycles {
  double compute, load, store, bias, epilogue;
  double loadLatencies; ///< the part of `load` that is DRAM latency (one per transfer), not bus time
  double firstStepLoad; ///< the load of the tile's first step
};

/// Input blocks of step k of a tile.
int64_t stepBlocksOf(const ConvFootprint &f, int64_t k) {
  if (f.steps == 1) return f.inBlocksPerTile;
  return std::min(f.stepBlocks, f.inBlocksPerOut - k * f.stepBlocks);
}

/// One tile of `rows` x `cols` outputs of `blocks` output blocks whose input columns are
/// `window` (the last row, column or channel tile may be smaller than the tiling's).
TileCycles tileCycles(const ConvLayer &layer, const ConvTiling &tiling, const ConvFootprint &f,
                      const isa::HardwareConfig &config, int64_t rows, int64_t cols, int64_t blocks,
                      const InputColumnWindow &window) {
  ConvEpilogue epilogue = convEpilogue(layer);
  double accRows = double(rows * cols * blocks);
  double gemm = accRows * double(f.inBlocksPerOut * f.taps) + double(f.steps * config.gemm_pipeline_depth);
  double alu =
      accRows * double(epilogue.cyclesPerRow(config)) + double(epilogue.instructions() * config.alu_pipeline_depth);
  double bias = accRows * double(epilogue.biasCyclesPerRow(config)) + double(config.alu_pipeline_depth);
  int64_t inRowsTile = (rows - 1) * layer.strideH + (layer.kernelH - 1) * layer.dilationH + 1;
  int64_t inRows = std::min(inRowsTile, layer.height), entry = config.entryBytes(Buffer::inp);
  int64_t dataCols = window.end - window.begin, pad = inRowsTile * f.inCols - inRows * dataCols;
  double load = 0, transfers = 0, first = 0;
  for (int64_t k = 0; k < f.steps; ++k) {
    int64_t b = stepBlocksOf(f, k);
    double step = tiling.rowMajorInput
                      ? double(inRowsTile) * transferCycles(config, b, dataCols, entry, b * (f.inCols - dataCols))
                      : double(b) * transferCycles(config, inRows, dataCols, entry, pad);
    transfers += double(tiling.rowMajorInput ? inRowsTile : b);
    if (tiling.streamWeights) {
      step += transferCycles(config, blocks, b * f.taps, config.entryBytes(Buffer::wgt), 0);
      transfers += 1;
    }
    load += step;
    if (k == 0) first = step;
  }
  bool wholeRows = cols == layer.outWidth;
  double store = double(blocks) * (wholeRows ? transferCycles(config, 1, rows * cols, config.entryBytes(Buffer::out), 0)
                                             : transferCycles(config, rows, cols, config.entryBytes(Buffer::out), 0));
  return {gemm + alu, load, store, bias, alu - bias, transfers * double(config.dram_latency_cycles), first};
}

/// Cycles of one tile in the steady state: with one virtual thread a step's load waits
/// for the previous step's GEMM, and the next tile's first load runs beside this tile's
/// requant and store (the next bias mov waits for the store); with more, the busiest unit
/// sets the pace. `piece`: prefetched weights loaded with the tile; `own`: the tile's own
/// weights, loaded before its inputs.
double steadyTileCycles(const TileCycles &tile, int64_t virtualThreads, double piece, double own, double latency) {
  double gemm = tile.compute - tile.epilogue;
  if (virtualThreads == 1) {
    double laterSteps = tile.load - tile.firstStepLoad;
    return gemm + laterSteps + std::max(own + tile.firstStepLoad + std::max(0.0, piece - gemm), tile.epilogue + tile.store);
  }
  // The store of tile t must end before the bias mov of tile t+2, one tile of compute
  // later; its transfers wait on the shared data bus behind the load unit's (inputs and
  // weights), which it may find in flight.
  double loadBus = own + tile.load + piece - tile.loadLatencies - (piece > 0 ? latency : 0.0);
  return std::max({tile.compute, own + tile.load + piece, tile.store + loadBus});
}

/// Weight-load cycles of channel tile j when the tiling loads a channel tile at once.
double channelTileWeights(const ConvTiling &tiling, const ConvFootprint &f, const isa::HardwareConfig &config,
                          int64_t j) {
  int64_t blocks = std::min(tiling.outBlocks, f.outBlocksTotal - j * tiling.outBlocks);
  int64_t entries = tiling.weights() == WeightBuffering::resident ? f.wgtPerSlot : blocks * f.inBlocksPerOut * f.taps;
  return transferCycles(config, 1, entries, config.entryBytes(Buffer::wgt), 0);
}

/// Output rows of the layer's row tiles (every image's), with how many tiles have that many.
std::vector<std::pair<int64_t, int64_t>> rowTileSizes(const ConvLayer &layer, const ConvTiling &tiling,
                                                      const ConvFootprint &f) {
  int64_t last = layer.outHeight - (f.rowTilesPerImage - 1) * tiling.outRows, images = f.rowTiles / f.rowTilesPerImage;
  if (last == tiling.outRows) return {{tiling.outRows, f.rowTiles}};
  return {{tiling.outRows, (f.rowTilesPerImage - 1) * images}, {last, images}};
}

} // namespace

double estimateConvCycles(const ConvLayer &layer, const ConvTiling &tiling, const isa::HardwareConfig &config) {
  ConvFootprint f = convFootprint(layer, tiling, config);
  double latency = double(config.dram_latency_cycles);
  double constants = transferCycles(config, 1, f.constRows, config.entryBytes(Buffer::acc), 0);
  double setup = transferCycles(config, 1, f.uops, config.entryBytes(Buffer::uop), 0) + constants;
  // Double-buffered weights are prefetched in pieces with the steps of the previous
  // channel tile from step max(1, V-1) on (with too few steps, a channel tile loads its
  // own); channel tile 0's weights, the first input load and the last store overlap nothing.
  int64_t perChannelTile = f.rowTiles * f.colTiles * f.steps;
  int64_t pieces = perChannelTile - std::max<int64_t>(1, tiling.virtualThreads - 1);
  bool doubled = tiling.weights() == WeightBuffering::double_, prefetch = doubled && pieces > 0;
  auto rowSizes = rowTileSizes(layer, tiling, f);
  // One channel tile of `blocks` blocks: every spatial tile in the steady state, the
  // first with its own weights and no prefetch piece.
  TileCycles lastTile{};
  auto channelTile = [&](int64_t blocks, double next, double own) {
    double total = 0, piece = prefetch ? next * double(f.steps) / double(pieces) : 0.0;
    for (int64_t c = 0; c < f.colTiles; ++c) {
      int64_t cols = std::min(f.outCols, layer.outWidth - c * f.outCols);
      InputColumnWindow window = inputColumnWindow(layer, f, c * f.outCols);
      for (auto [rows, count] : rowSizes) {
        lastTile = tileCycles(layer, tiling, f, config, rows, cols, blocks, window);
        total += double(count) * steadyTileCycles(lastTile, tiling.virtualThreads, piece, 0.0, latency);
      }
    }
    TileCycles first = tileCycles(layer, tiling, f, config, rowSizes.front().first, std::min(f.outCols, layer.outWidth),
                                  blocks, inputColumnWindow(layer, f, 0));
    return total + steadyTileCycles(first, tiling.virtualThreads, 0.0, own, latency) -
           steadyTileCycles(first, tiling.virtualThreads, piece, 0.0, latency);
  };
  double total = 0;
  for (int64_t j = 0; j < f.channelTiles; ++j) {
    int64_t blocks = std::min(tiling.outBlocks, f.outBlocksTotal - j * tiling.outBlocks);
    double next = prefetch && j + 1 < f.channelTiles ? channelTileWeights(tiling, f, config, j + 1) : 0.0;
    double own = doubled && !prefetch && j > 0 ? channelTileWeights(tiling, f, config, j) : 0.0;
    // Full channel tiles in the middle cost the same: price one and multiply.
    if (j > 0 && j + 2 < f.channelTiles && blocks == tiling.outBlocks) {
      int64_t same = f.channelTiles - 2 - j;
      total += double(same) * channelTile(blocks, next, own);
      j += same - 1;
      continue;
    }
    total += channelTile(blocks, next, own);
  }
  // Constants reloaded per channel tile occupy the compute unit (channel tile 0's are in the setup).
  if (f.constantsPerChannelTile) total += double(f.channelTiles - 1) * constants;
  double weights0 = tiling.streamWeights ? 0.0 : channelTileWeights(tiling, f, config, 0);
  TileCycles first = tileCycles(layer, tiling, f, config, rowSizes.front().first, std::min(f.outCols, layer.outWidth),
                                std::min(tiling.outBlocks, f.outBlocksTotal), inputColumnWindow(layer, f, 0));
  return std::max(setup, weights0) + first.firstStepLoad + total + lastTile.store;
}

} // namespace tessera::accel
