//===- conv_tiling.cpp - Capacity checks and the cost model ---------------------------===//
#include "compiler/accel/conv_tiling.h"

#include <algorithm>
#include <limits>

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

ConvFootprint convFootprint(const ConvLayer &layer, const ConvTiling &tiling, const isa::HardwareConfig &config) {
  ConvFootprint f;
  f.inBlocks = ceilDiv(layer.inChannels, config.block_in);
  f.outBlocksTotal = ceilDiv(layer.outChannels, config.block_out);
  f.taps = layer.kernelH * layer.kernelW;
  int64_t lastColumn = (layer.outWidth - 1) * layer.strideW - layer.padLeft + (layer.kernelW - 1) * layer.dilationW;
  f.padRight = std::max<int64_t>(0, lastColumn + 1 - layer.width);
  f.paddedWidth = layer.padLeft + layer.width + f.padRight;
  f.inRowsPerTile = (tiling.outRows - 1) * layer.strideH + (layer.kernelH - 1) * layer.dilationH + 1;
  GroupBlocks groups = groupBlocks(layer.inChannels, layer.outChannels, layer.group, config.block_out, config.block_in);
  int64_t outBlocks = std::max<int64_t>(1, tiling.outBlocks);
  f.inBlocksPerOut = groups.perOutBlock;
  f.inBlocksPerTile = inBlocksPerTile(groups, outBlocks);
  f.sharedGemmUops = uniformGroupOffsets(groups, outBlocks);
  f.inpPerSlot = f.inBlocksPerTile * f.inRowsPerTile * f.paddedWidth;
  f.blockPitch = tiling.rowMajorInput ? f.paddedWidth : f.inRowsPerTile * f.paddedWidth;
  f.rowPitch = tiling.rowMajorInput ? f.inBlocksPerTile * f.paddedWidth : f.paddedWidth;
  f.wgtPerSlot = tiling.outBlocks * f.inBlocksPerOut * f.taps;
  f.accPerSlot = tiling.outBlocks * tiling.outRows * layer.outWidth;
  f.constRows = 2 * f.outBlocksTotal;
  int64_t channelTiles = ceilDiv(f.outBlocksTotal, outBlocks);
  int64_t gemmSets = f.sharedGemmUops ? tiling.weightSlots : channelTiles;
  f.uops =
      tiling.virtualThreads * gemmSets * f.wgtPerSlot + 2 * tiling.virtualThreads * channelTiles * tiling.outBlocks;
  return f;
}

namespace {

Status overflow(const char *what, int64_t need, int64_t have) {
  return absl::ResourceExhaustedError(absl::StrFormat("%s needs %d entries, the scratchpad has %d", what, need, have));
}

int64_t maxPadding(const ConvLayer &layer, const ConvFootprint &f) {
  int64_t bottom = std::max<int64_t>(0, (layer.outHeight - 1) * layer.strideH - layer.padTop +
                                            (layer.kernelH - 1) * layer.dilationH + 1 - layer.height);
  return std::max({layer.padTop, layer.padLeft, f.padRight, bottom});
}

/// A tile whose input rows all lie in the padding would need a DMA of zero rows, which
/// writes nothing (not even its padding).
Status checkEveryTileReadsData(const ConvLayer &layer, const ConvTiling &tiling) {
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
  bool positive = l.inChannels > 0 && l.height > 0 && l.width > 0 && l.outChannels > 0 && l.outHeight > 0 &&
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

Status checkConvTiling(const ConvLayer &layer, const ConvTiling &tiling, const isa::HardwareConfig &config) {
  TS_RETURN_IF_ERROR(checkLayer(layer));
  if (tiling.virtualThreads < 1 || tiling.weightSlots < 1 || tiling.weightSlots > 2 || tiling.outBlocks < 1 ||
      tiling.outRows < 1)
    return invalidInput("%s: tiling of %d threads, %d weight slots, %d blocks x %d rows is not valid", layer.name,
                        tiling.virtualThreads, tiling.weightSlots, tiling.outBlocks, tiling.outRows);
  ConvFootprint f = convFootprint(layer, tiling, config);
  int64_t v = tiling.virtualThreads;
  if (v * f.inpPerSlot > config.depth(Buffer::inp))
    return overflow("the input tile", v * f.inpPerSlot, config.depth(Buffer::inp));
  if (tiling.weightSlots * f.wgtPerSlot > config.depth(Buffer::wgt))
    return overflow("the weight tile", tiling.weightSlots * f.wgtPerSlot, config.depth(Buffer::wgt));
  if (v * f.accPerSlot + f.constRows > config.depth(Buffer::acc))
    return overflow("the accumulator tile", v * f.accPerSlot + f.constRows, config.depth(Buffer::acc));
  if (f.uops > config.depth(Buffer::uop)) return overflow("the micro-ops", f.uops, config.depth(Buffer::uop));
  if (layer.strideH * f.rowPitch >= config.depth(Buffer::acc))
    return absl::UnimplementedError(
        absl::StrFormat("the input row step %d exceeds the GEMM's src factor", layer.strideH * f.rowPitch));
  if (maxPadding(layer, f) > 15)
    return absl::UnimplementedError(absl::StrFormat("padding of %d exceeds the DMA's 15", maxPadding(layer, f)));
  if (tiling.outRows > layer.outHeight || tiling.outBlocks > f.outBlocksTotal || tiling.outRows < 1 ||
      tiling.outBlocks < 1)
    return invalidInput("tile of %d rows x %d blocks does not fit the layer", tiling.outRows, tiling.outBlocks);
  return tiling.rowMajorInput ? absl::OkStatus() : checkEveryTileReadsData(layer, tiling);
}

namespace {

/// Cycles of one DMA transfer of `rows` rows of `entries` entries of `entryBytes` bytes
/// with `pad` padding entries, on an idle channel (the timing contract's formula).
double transferCycles(const isa::HardwareConfig &config, int64_t rows, int64_t entries, int64_t entryBytes,
                      int64_t pad) {
  return double(timing::idleTransferCycles(uint64_t(rows), uint64_t(entries * entryBytes), uint64_t(pad), config));
}

/// The three units' busy cycles for one full tile (weights excluded); `bias` is the part
/// of `compute` before the GEMM (the bias mov), `epilogue` the part after it.
struct TileCycles {
  double compute, load, store, bias, epilogue;
  double loadLatencies; ///< the part of `load` that is DRAM latency (one per transfer), not bus time
};

/// One tile of `rows` output rows and `blocks` output blocks (the last row or channel tile
/// may be smaller than the tiling's).
TileCycles tileCycles(const ConvLayer &layer, const ConvTiling &tiling, const ConvFootprint &f,
                      const isa::HardwareConfig &config, int64_t rows, int64_t blocks) {
  ConvEpilogue epilogue = convEpilogue(layer);
  double accRows = double(rows * layer.outWidth * blocks);
  double gemm = accRows * double(f.inBlocksPerOut * f.taps) + double(config.gemm_pipeline_depth);
  double alu =
      accRows * double(epilogue.cyclesPerRow(config)) + double(epilogue.instructions() * config.alu_pipeline_depth);
  double bias = accRows * double(epilogue.biasCyclesPerRow(config)) + double(config.alu_pipeline_depth);
  int64_t inRowsTile = (rows - 1) * layer.strideH + (layer.kernelH - 1) * layer.dilationH + 1;
  int64_t inRows = std::min(inRowsTile, layer.height), entry = config.entryBytes(Buffer::inp);
  int64_t pad = inRowsTile * f.paddedWidth - inRows * layer.width;
  double load = tiling.rowMajorInput
                    ? double(inRowsTile) * transferCycles(config, f.inBlocksPerTile, layer.width, entry,
                                                          f.inBlocksPerTile * (f.paddedWidth - layer.width))
                    : double(f.inBlocksPerTile) * transferCycles(config, inRows, layer.width, entry, pad);
  double store = double(blocks) * transferCycles(config, 1, rows * layer.outWidth, config.entryBytes(Buffer::out), 0);
  double transfers = double(tiling.rowMajorInput ? inRowsTile : f.inBlocksPerTile);
  return {gemm + alu, load, store, bias, alu - bias, transfers * double(config.dram_latency_cycles)};
}

/// Cycles of one tile in the steady state: with one virtual thread the next tile's load
/// waits for this tile's GEMM (and for a weight piece loading beside it) and runs beside
/// its requant and store, the next bias mov waits for the store; with more, the busiest
/// unit sets the pace. `piece`: prefetched weights loaded after the tile's inputs;
/// `own`: the tile's own weights, loaded before them.
double steadyTileCycles(const TileCycles &tile, int64_t virtualThreads, double piece, double own, double latency) {
  double gemm = tile.compute - tile.epilogue;
  if (virtualThreads == 1)
    return gemm + std::max(own + tile.load + std::max(0.0, piece - gemm), tile.epilogue + tile.store);
  // The store of tile t must end before the bias mov of tile t+2, one tile of compute
  // later; its transfers wait on the shared data bus behind the load unit's (inputs and
  // weights), which it may find in flight.
  double loadBus = own + tile.load + piece - tile.loadLatencies - (piece > 0 ? latency : 0.0);
  return std::max({tile.compute, own + tile.load + piece, tile.store + loadBus});
}

} // namespace

double estimateConvCycles(const ConvLayer &layer, const ConvTiling &tiling, const isa::HardwareConfig &config) {
  ConvFootprint f = convFootprint(layer, tiling, config);
  int64_t rowTiles = ceilDiv(layer.outHeight, tiling.outRows),
          channelTiles = ceilDiv(f.outBlocksTotal, tiling.outBlocks);
  auto weightsOf = [&](int64_t j) {
    int64_t blocks = std::min(tiling.outBlocks, f.outBlocksTotal - j * tiling.outBlocks);
    return transferCycles(config, 1, blocks * f.inBlocksPerOut * f.taps, config.entryBytes(Buffer::wgt), 0);
  };
  double setup = transferCycles(config, 1, f.uops, 4, 0) +
                 transferCycles(config, 1, f.constRows, config.entryBytes(Buffer::acc), 0);
  // Double-buffered weights are prefetched in pieces with row tiles 1.. of the previous
  // channel tile (with one row tile, a channel tile loads its own); channel tile 0's
  // weights, the first input load and the last store do not overlap anything.
  bool prefetch = tiling.weightSlots == 2 && rowTiles >= 2;
  double total = 0;
  TileCycles tile{};
  for (int64_t j = 0; j < channelTiles; ++j) {
    int64_t blocks = std::min(tiling.outBlocks, f.outBlocksTotal - j * tiling.outBlocks);
    double next = prefetch && j + 1 < channelTiles ? weightsOf(j + 1) / double(rowTiles - 1) : 0.0;
    double own = tiling.weightSlots == 2 && !prefetch && j > 0 ? weightsOf(j) : 0.0;
    for (int64_t r = 0; r < rowTiles; ++r) {
      tile =
          tileCycles(layer, tiling, f, config, std::min(tiling.outRows, layer.outHeight - r * tiling.outRows), blocks);
      total += steadyTileCycles(tile, tiling.virtualThreads, r == 0 ? 0.0 : next, r == 0 ? own : 0.0,
                                double(config.dram_latency_cycles));
    }
  }
  TileCycles first = tileCycles(layer, tiling, f, config, std::min(tiling.outRows, layer.outHeight),
                                std::min(tiling.outBlocks, f.outBlocksTotal));
  return std::max(setup, weightsOf(0)) + first.load + total + tile.store;
}

} // namespace tessera::accel
