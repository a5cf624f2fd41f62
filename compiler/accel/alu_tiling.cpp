//===- alu_tiling.cpp - Capacity checks and the cost model of the ALU layers ----------===//
#include "compiler/accel/alu_tiling.h"

#include <algorithm>
#include <limits>

#include "compiler/accel/layouts.h"
#include "isa/alu_ops.h"
#include "isa/timing/transfer_shape.h"

namespace tessera::accel {

using isa::Buffer;

namespace {

/// Field limits the emitters rely on (docs/isa.md): 14-bit loop counts, 16-bit DMA sizes.
constexpr int64_t kMaxIterations = (1 << 14) - 1;
constexpr int64_t kMaxDmaSize = (1 << 16) - 1;
constexpr int64_t kMaxDmaPad = 15;

/// acc rows usable by a layer: every acc row written also writes the out row STORE reads.
int64_t accRows(const isa::HardwareConfig &config) { return std::min(config.depth(Buffer::acc), config.depth(Buffer::out)); }

int64_t constRowsOf(const Int8Epilogue &epilogue) { return epilogue.needsRequantRow() ? 1 : 0; }

Status overflow(const char *what, int64_t need, int64_t have) {
  return absl::ResourceExhaustedError(absl::StrFormat("%s needs %d entries, the scratchpad has %d", what, need, have));
}

Status checkThreads(int64_t threads) {
  if (threads < 1 || threads > 8) return invalidInput("%d virtual threads; 1 to 8 are supported", threads);
  return absl::OkStatus();
}

/// The tilings and emitters see one image: foldBatch turns a batch into channels.
Status checkFolded(const std::string &layer, int64_t batch) {
  if (batch != 1) return invalidInput("%s: batch %d; fold it into the channels first (foldBatch)", layer, batch);
  return absl::OkStatus();
}

/// A hand-built layer's sizes must be positive (the readers guarantee it for nodes).
Status checkPositive(const std::string &layer, std::initializer_list<int64_t> sizes) {
  for (int64_t size : sizes)
    if (size < 1) return invalidInput("%s: sizes, kernel, strides and dilations must be positive", layer);
  return absl::OkStatus();
}

Status checkAccAndUops(int64_t accNeed, int64_t uops, const isa::HardwareConfig &config) {
  if (accNeed > accRows(config)) return overflow("the accumulator tile", accNeed, accRows(config));
  if (uops > config.depth(Buffer::uop)) return overflow("the micro-ops", uops, config.depth(Buffer::uop));
  return absl::OkStatus();
}

/// The timing contract of docs/microarchitecture.md, per instruction.
struct CostModel {
  const isa::HardwareConfig &config;

  double alu(int64_t n, bool immediate) const {
    return n == 0 ? 0.0 : double(config.aluCyclesPerRow(immediate) * n + config.alu_pipeline_depth);
  }
  double dma(int64_t rows, int64_t bytesPerRow, int64_t padEntries = 0) const {
    return double(timing::idleTransferCycles(uint64_t(rows), uint64_t(bytesPerRow), uint64_t(padEntries), config));
  }
  double epilogue(const Int8Epilogue &e, int64_t n) const {
    double cycles = e.requant ? alu(n, e.requantImmediate().has_value()) : 0.0;
    return cycles + (e.clips() ? alu(n, true) : 0.0);
  }
  /// Micro-op and constant-row loads, then `tiles` tiles whose compute and store overlap
  /// with two or more threads.
  double total(int64_t tiles, double compute, double store, int64_t threads, int64_t uops, int64_t constRows) const {
    double setup = dma(1, uops * config.entryBytes(Buffer::uop)) + (constRows ? dma(1, config.entryBytes(Buffer::acc)) : 0.0);
    if (threads > 1) return setup + double(tiles) * std::max(compute, store) + std::min(compute, store);
    return setup + double(tiles) * (compute + store);
  }
};

double eltwiseAluCycles(const EltwiseLayer &layer, int64_t n, const CostModel &cost) {
  switch (layer.op) {
  case EltwiseOp::add:
    return (layer.mulA != 1 ? cost.alu(n, true) : 0.0) + (layer.mulB != 1 ? cost.alu(n, true) : 0.0) + cost.alu(n, false);
  case EltwiseOp::mul:
  case EltwiseOp::max:
  case EltwiseOp::min: return cost.alu(n, false);
  case EltwiseOp::clip: return 0.0;
  case EltwiseOp::lut: return cost.alu(n, true);
  }
  return 0.0;
}

/// An output-row tile whose input rows all lie in the padding would need a DMA of zero
/// rows, which writes nothing (not even its padding).
Status checkPoolRows(const PoolLayer &layer, const PoolTiling &tiling) {
  for (int64_t row = 0; row < layer.outHeight; row += tiling.outRows) {
    int64_t rows = std::min(tiling.outRows, layer.outHeight - row);
    InputRowWindow window = inputRowWindow(layer, row, rows);
    int64_t last = window.last;
    if (window.begin >= window.end)
      return absl::UnimplementedError(absl::StrFormat("output rows %d-%d read only padding", row, row + rows - 1));
    if (last + 1 - layer.height > kMaxDmaPad)
      return absl::UnimplementedError(absl::StrFormat("bottom padding of %d exceeds the DMA's %d", last + 1 - layer.height,
                                                      kMaxDmaPad));
  }
  return absl::OkStatus();
}

/// A channel-scale tile must hold whole planes or lie inside one, so that one ALU loop
/// (planes x pixels) pairs each of its rows with its channel block's scale row.
Status checkChannelScaleTile(const EltwiseLayer &layer, int64_t entries) {
  if (!layer.channelScale || entries % layer.plane() == 0 || layer.plane() % entries == 0) return absl::OkStatus();
  return absl::UnimplementedError(absl::StrFormat(
      "a per-channel tile of %d entries neither holds whole %d-entry planes nor divides one", entries, layer.plane()));
}

} // namespace

int64_t lutTableRows(const EltwiseLayer &layer, const isa::HardwareConfig &config) {
  if (layer.op != EltwiseOp::lut) return 0;
  return isa::kLutEntries / isa::lutRowEntries(config.batch * config.block_out);
}

int64_t eltwiseEntries(const EltwiseLayer &layer, const isa::HardwareConfig &config) {
  return ceilDiv(layer.channels, config.block_out) * layer.height * layer.width;
}

Status checkEltwiseTiling(const EltwiseLayer &layer, const EltwiseTiling &tiling, const isa::HardwareConfig &config) {
  TS_RETURN_IF_ERROR(checkThreads(tiling.virtualThreads));
  TS_RETURN_IF_ERROR(checkFolded(layer.name, layer.batch));
  TS_RETURN_IF_ERROR(checkPositive(layer.name, {layer.channels, layer.height, layer.width}));
  if (tiling.entries < 1) return invalidInput("tile of %d entries does not fit", tiling.entries);
  if (tiling.entries > kMaxIterations)
    return absl::UnimplementedError(absl::StrFormat("tile of %d entries exceeds the ALU loop's %d", tiling.entries, kMaxIterations));
  TS_RETURN_IF_ERROR(checkChannelScaleTile(layer, tiling.entries));
  int64_t tableRows = lutTableRows(layer, config);
  int64_t need = tiling.virtualThreads * (tiling.entries + layer.operandBRows(tiling.entries)) +
                 constRowsOf(layer.epilogue) + tableRows;
  return checkAccAndUops(need, 3 * tiling.virtualThreads + (tableRows ? 1 : 0), config);
}

double estimateEltwiseCycles(const EltwiseLayer &layer, const EltwiseTiling &tiling, const isa::HardwareConfig &config) {
  CostModel cost{config};
  int64_t n = tiling.entries, tiles = ceilDiv(eltwiseEntries(layer, config), n);
  double compute = cost.dma(1, n * config.entryBytes(Buffer::acc8)) +
                   (layer.operands() == 2 ? cost.dma(1, layer.operandBRows(n) * config.entryBytes(Buffer::acc8)) : 0.0) +
                   eltwiseAluCycles(layer, n, cost) + cost.epilogue(layer.epilogue, n);
  double store = cost.dma(1, n * config.entryBytes(Buffer::out));
  int64_t tableRows = lutTableRows(layer, config);
  double table = tableRows ? cost.dma(1, tableRows * config.entryBytes(Buffer::acc8)) + cost.alu(tableRows, false) : 0.0;
  return table + cost.total(tiles, compute, store, tiling.virtualThreads, 3 * tiling.virtualThreads + (tableRows ? 1 : 0),
                            constRowsOf(layer.epilogue));
}

PoolFootprint poolFootprint(const PoolLayer &layer, const PoolTiling &tiling, const isa::HardwareConfig &config) {
  PoolFootprint f;
  f.blocksTotal = ceilDiv(layer.channels, config.block_out);
  int64_t lastColumn = (layer.outWidth - 1) * layer.strideW - layer.padLeft + (layer.kernelW - 1) * layer.dilationW;
  f.padRight = std::max<int64_t>(0, lastColumn + 1 - layer.width);
  f.paddedWidth = layer.padLeft + layer.width + f.padRight;
  f.inRowsPerTile = (tiling.outRows - 1) * layer.strideH + (layer.kernelH - 1) * layer.dilationH + 1;
  f.inRegion = f.inRowsPerTile * f.paddedWidth;
  f.outRegion = tiling.outRows * layer.outWidth;
  f.slot = tiling.blocks * (f.inRegion + f.outRegion);
  f.constRows = constRowsOf(layer.epilogue);
  bool fillsColumns = layer.op == PoolOp::max && (layer.padLeft > 0 || f.padRight > 0);
  f.uopsPerThread = tiling.blocks * (layer.kernelW - 1 + layer.kernelH) + 2 + (fillsColumns ? 2 * tiling.blocks : 0);
  return f;
}

Status checkPoolTiling(const PoolLayer &layer, const PoolTiling &tiling, const isa::HardwareConfig &config) {
  TS_RETURN_IF_ERROR(checkThreads(tiling.virtualThreads));
  TS_RETURN_IF_ERROR(checkFolded(layer.name, layer.batch));
  TS_RETURN_IF_ERROR(checkPositive(layer.name, {layer.channels, layer.height, layer.width, layer.outHeight, layer.outWidth,
                                                layer.kernelH, layer.kernelW, layer.strideH, layer.strideW, layer.dilationH,
                                                layer.dilationW, layer.padTop + 1, layer.padLeft + 1}));
  PoolFootprint f = poolFootprint(layer, tiling, config);
  if (tiling.outRows < 1 || tiling.outRows > layer.outHeight || tiling.blocks < 1 || tiling.blocks > f.blocksTotal)
    return invalidInput("tile of %d rows x %d blocks does not fit the layer", tiling.outRows, tiling.blocks);
  TS_RETURN_IF_ERROR(checkAccAndUops(tiling.virtualThreads * f.slot + f.constRows, tiling.virtualThreads * f.uopsPerThread, config));
  if (std::max({layer.padTop, layer.padLeft, f.padRight}) > kMaxDmaPad)
    return absl::UnimplementedError(absl::StrFormat("padding of %d exceeds the DMA's %d",
                                                    std::max({layer.padTop, layer.padLeft, f.padRight}), kMaxDmaPad));
  if (layer.strideH * f.paddedWidth >= config.depth(Buffer::acc) || layer.strideW >= config.depth(Buffer::acc))
    return absl::UnimplementedError(absl::StrFormat("strides of %d rows x %d do not fit the ALU's index factors",
                                                    layer.strideH * f.paddedWidth, layer.strideW));
  if (layer.outWidth > kMaxIterations || layer.width > kMaxDmaSize || f.outRegion > kMaxDmaSize)
    return absl::UnimplementedError(absl::StrFormat("rows of %d outputs exceed the loop and DMA fields", layer.outWidth));
  return checkPoolRows(layer, tiling);
}

double estimatePoolCycles(const PoolLayer &layer, const PoolTiling &tiling, const isa::HardwareConfig &config) {
  CostModel cost{config};
  PoolFootprint f = poolFootprint(layer, tiling, config);
  int64_t tiles = ceilDiv(f.blocksTotal, tiling.blocks) * ceilDiv(layer.outHeight, tiling.outRows);
  int64_t dataRows = std::min(f.inRowsPerTile, layer.height), outputs = tiling.blocks * f.outRegion;
  double loads = double(tiling.blocks) * cost.dma(dataRows, layer.width * config.entryBytes(Buffer::acc8),
                                                  f.inRegion - dataRows * layer.width);
  double rowPass = layer.kernelW > 1 ? cost.alu(tiling.blocks * f.inRowsPerTile * layer.outWidth * (layer.kernelW - 1), false) : 0.0;
  double window = rowPass + double(layer.kernelH) * cost.alu(outputs, /*immediate=*/false);
  double fills = layer.op == PoolOp::max ? cost.alu(tiling.blocks * f.inRowsPerTile * (f.paddedWidth - layer.width), true) : 0.0;
  double compute = loads + fills + window + cost.epilogue(layer.epilogue, outputs);
  double store = double(tiling.blocks) * cost.dma(1, f.outRegion * config.entryBytes(Buffer::out));
  return cost.total(tiles, compute, store, tiling.virtualThreads, tiling.virtualThreads * f.uopsPerThread, f.constRows);
}

Status checkGlobalPoolTiling(const GlobalPoolLayer &layer, const GlobalPoolTiling &tiling,
                             const isa::HardwareConfig &config) {
  TS_RETURN_IF_ERROR(checkThreads(tiling.virtualThreads));
  TS_RETURN_IF_ERROR(checkFolded(layer.name, layer.batch));
  TS_RETURN_IF_ERROR(checkPositive(layer.name, {layer.channels, layer.height, layer.width}));
  int64_t plane = layer.height * layer.width;
  if (tiling.blocks < 1 || tiling.blocks > ceilDiv(layer.channels, config.block_out))
    return invalidInput("tile of %d blocks does not fit the layer", tiling.blocks);
  if (plane > kMaxIterations || tiling.blocks * plane > kMaxDmaSize)
    return absl::UnimplementedError(absl::StrFormat("a plane of %d positions exceeds the loop and DMA fields", plane));
  int64_t need = tiling.virtualThreads * tiling.blocks * (plane + 1) + constRowsOf(layer.epilogue);
  return checkAccAndUops(need, 2 * tiling.virtualThreads, config);
}

double estimateGlobalPoolCycles(const GlobalPoolLayer &layer, const GlobalPoolTiling &tiling,
                                const isa::HardwareConfig &config) {
  CostModel cost{config};
  int64_t plane = layer.height * layer.width, tiles = ceilDiv(ceilDiv(layer.channels, config.block_out), tiling.blocks);
  double compute = cost.dma(1, tiling.blocks * plane * config.entryBytes(Buffer::acc8)) + cost.alu(tiling.blocks, true) +
                   cost.alu(tiling.blocks * plane, /*immediate=*/false) + cost.epilogue(layer.epilogue, tiling.blocks);
  double store = cost.dma(1, tiling.blocks * config.entryBytes(Buffer::out));
  return cost.total(tiles, compute, store, tiling.virtualThreads, 2 * tiling.virtualThreads, constRowsOf(layer.epilogue));
}

} // namespace tessera::accel
