//===- conv_tiling.cpp - Capacity checks and the cost model ---------------------------===//
#include "compiler/accel/conv_tiling.h"

#include <algorithm>
#include <limits>

#include "compiler/accel/layouts.h"

namespace tessera::accel {

using isa::Buffer;

ConvFootprint convFootprint(const ConvLayer &layer, const ConvTiling &tiling, const isa::HardwareConfig &config) {
  ConvFootprint f;
  f.inBlocks = ceilDiv(layer.inChannels, config.block_in);
  f.outBlocksTotal = ceilDiv(layer.outChannels, config.block_out);
  f.taps = layer.kernelH * layer.kernelW;
  int64_t lastColumn = (layer.outWidth - 1) * layer.strideW - layer.padLeft + (layer.kernelW - 1) * layer.dilationW;
  f.padRight = std::max<int64_t>(0, lastColumn + 1 - layer.width);
  f.paddedWidth = layer.padLeft + layer.width + f.padRight;
  f.inRowsPerTile = (tiling.outRows - 1) * layer.strideH + (layer.kernelH - 1) * layer.dilationH + 1;
  f.inpPerSlot = f.inBlocks * f.inRowsPerTile * f.paddedWidth;
  f.wgtPerSlot = tiling.outBlocks * f.inBlocks * f.taps;
  f.accPerSlot = tiling.outBlocks * tiling.outRows * layer.outWidth;
  f.constRows = 2 * f.outBlocksTotal;
  int64_t channelTiles = ceilDiv(f.outBlocksTotal, tiling.outBlocks);
  f.uops = tiling.virtualThreads * tiling.weightSlots * f.wgtPerSlot +
           2 * tiling.virtualThreads * channelTiles * tiling.outBlocks;
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
    int64_t first = row * layer.strideH - layer.padTop;
    int64_t last = (row + rows - 1) * layer.strideH - layer.padTop + (layer.kernelH - 1) * layer.dilationH;
    if (std::max<int64_t>(first, 0) > std::min(last, layer.height - 1))
      return absl::UnimplementedError(absl::StrFormat("output rows %d-%d read only padding", row, row + rows - 1));
  }
  return absl::OkStatus();
}

} // namespace

Status checkConvTiling(const ConvLayer &layer, const ConvTiling &tiling, const isa::HardwareConfig &config) {
  ConvFootprint f = convFootprint(layer, tiling, config);
  int64_t v = tiling.virtualThreads;
  if (v * f.inpPerSlot > config.depth(Buffer::inp)) return overflow("the input tile", v * f.inpPerSlot, config.depth(Buffer::inp));
  if (tiling.weightSlots * f.wgtPerSlot > config.depth(Buffer::wgt))
    return overflow("the weight tile", tiling.weightSlots * f.wgtPerSlot, config.depth(Buffer::wgt));
  if (v * f.accPerSlot + f.constRows > config.depth(Buffer::acc))
    return overflow("the accumulator tile", v * f.accPerSlot + f.constRows, config.depth(Buffer::acc));
  if (f.uops > config.depth(Buffer::uop)) return overflow("the micro-ops", f.uops, config.depth(Buffer::uop));
  if (maxPadding(layer, f) > 15)
    return absl::UnimplementedError(absl::StrFormat("padding of %d exceeds the DMA's 15", maxPadding(layer, f)));
  if (tiling.outRows > layer.outHeight || tiling.outBlocks > f.outBlocksTotal || tiling.outRows < 1 || tiling.outBlocks < 1)
    return invalidInput("tile of %d rows x %d blocks does not fit the layer", tiling.outRows, tiling.outBlocks);
  return checkEveryTileReadsData(layer, tiling);
}

double estimateConvCycles(const ConvLayer &layer, const ConvTiling &tiling, const isa::HardwareConfig &config) {
  ConvFootprint f = convFootprint(layer, tiling, config);
  double bandwidth = double(config.dram_bytes_per_cycle), latency = double(config.dram_latency_cycles);
  int64_t rowTiles = ceilDiv(layer.outHeight, tiling.outRows), channelTiles = ceilDiv(f.outBlocksTotal, tiling.outBlocks);
  double pixels = double(tiling.outRows * layer.outWidth * tiling.outBlocks);
  double compute = pixels * double(f.inBlocks * f.taps) + double(config.gemm_pipeline_depth) + 5 * pixels;
  double load = double(f.inBlocks) * (latency + double(f.inRowsPerTile * layer.width * config.entryBytes(Buffer::inp)) / bandwidth);
  double weights = latency + double(f.wgtPerSlot * config.entryBytes(Buffer::wgt)) / bandwidth;
  double store = double(tiling.outBlocks) * latency + pixels * double(config.entryBytes(Buffer::out)) / bandwidth;
  double perTile = tiling.virtualThreads > 1 ? std::max({compute, load, store}) : compute + load + store;
  double weightLoads = tiling.weightSlots == 1 ? weights : double(channelTiles) * weights;
  return double(rowTiles * channelTiles) * perTile + weightLoads + load + store;
}

StatusOr<ConvTiling> chooseConvTiling(const ConvLayer &layer, const isa::HardwareConfig &config, int64_t virtualThreads) {
  std::optional<ConvTiling> best;
  double bestCycles = std::numeric_limits<double>::infinity();
  Status lastError = absl::OkStatus();
  int64_t blocks = ceilDiv(layer.outChannels, config.block_out);
  for (int64_t weightSlots : {1, 2})
    for (int64_t outBlocks = 1; outBlocks <= blocks; ++outBlocks)
      for (int64_t outRows = 1; outRows <= layer.outHeight; ++outRows) {
        if (weightSlots == 1 && outBlocks != blocks) continue;
        if (weightSlots == 2 && outBlocks == blocks) continue;
        ConvTiling tiling{outBlocks, outRows, virtualThreads, weightSlots};
        Status fits = checkConvTiling(layer, tiling, config);
        if (!fits.ok()) {
          lastError = fits;
          continue;
        }
        double cycles = estimateConvCycles(layer, tiling, config);
        if (cycles < bestCycles) best = tiling, bestCycles = cycles;
      }
  if (!best)
    return absl::ResourceExhaustedError(absl::StrFormat("%s: no tiling fits config '%s' (%s)", layer.name, config.name,
                                                        lastError.message()));
  return *best;
}

} // namespace tessera::accel
