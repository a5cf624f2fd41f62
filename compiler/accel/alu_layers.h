//===- alu_layers.h - The int8 layers the accelerator runs on its vector ALU ------------===//
//
// The int8 ops without a GEMM (docs/quantization.md "The int8 ops"): the elementwise
// QAdd, QMul, QMax, QMin, QClip and QLut (a table lookup) (QMul also with a per-channel
// [N][C][1][1] operand), the window pools QMaxPool and QAveragePool, and
// QGlobalAveragePool. Each is read from its graph node into a struct holding only what
// the emitters need; the readers reject, naming the node and the attribute, what the
// accelerator lowering does not handle (other broadcasting, exclusive-pad averages,
// MaxPool's indices output, ...).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "compiler/graph/graph.h"

namespace tessera::accel {

/// The requant and clip an int8 ALU layer ends with (both optional).
struct Int8Epilogue {
  bool requant = false;
  uint32_t multiplier = 0, shift = 0;
  int32_t clipLo = -128, clipHi = 127;

  bool clips() const { return clipLo != -128 || clipHi != 127; }
  /// The ALU `requant` immediate (m = 1, s = imm) equal to (multiplier, shift), when the
  /// multiplier is a power of two 2^k with k <= shift: x * 2^k / 2^s = x / 2^(s-k).
  std::optional<int32_t> requantImmediate() const;
  /// A requant that needs its operand in an acc row (register operand).
  bool needsRequantRow() const { return requant && !requantImmediate(); }
  /// The ALU `clip` operand: lo in bits 15:8, hi in bits 7:0 (a 16-bit immediate).
  int32_t clipOperand() const;
};

enum class EltwiseOp { add, mul, max, min, clip, lut };

/// QAdd / QMul / QMax / QMin (two operands of one shape) or QClip / QLut (one), NCHW.
struct EltwiseLayer {
  std::string name;
  EltwiseOp op = EltwiseOp::add;
  int64_t channels = 0, height = 0, width = 0;
  int32_t mulA = 1, mulB = 1; ///< QAdd's 16-bit operand multipliers
  Int8Epilogue epilogue;
  /// QMul only: operand b is [N][C][1][1], one value per channel multiplying every pixel of
  /// that channel (a squeeze-and-excitation scale); in DRAM one entry per channel block.
  bool channelScale = false;
  int64_t batch = 1; ///< images (foldBatch makes them channels before mapping)
  std::vector<int8_t> table{}; ///< QLut's 256 entries (entry i for the input i - 128)

  int64_t operands() const { return op == EltwiseOp::clip || op == EltwiseOp::lut ? 1 : 2; }
  int64_t plane() const { return height * width; }
  /// Rows of operand b a tile of `entries` rows reads: `entries` (same shape), or for a
  /// channel scale one per channel block the tile covers (tiles hold whole planes or
  /// divide one: checkEltwiseTiling).
  int64_t operandBRows(int64_t entries) const {
    if (operands() == 1) return 0;
    if (!channelScale) return entries;
    return entries >= plane() ? entries / plane() : 1;
  }
};

enum class PoolOp { max, average };

/// QMaxPool / QAveragePool over 2-D windows.
struct PoolLayer {
  std::string name;
  PoolOp op = PoolOp::max;
  int64_t channels = 0, height = 0, width = 0, outHeight = 0, outWidth = 0;
  int64_t kernelH = 1, kernelW = 1, strideH = 1, strideW = 1, dilationH = 1, dilationW = 1;
  int64_t padTop = 0, padLeft = 0;
  Int8Epilogue epilogue;
  int64_t batch = 1; ///< images (foldBatch makes them channels before mapping)
  std::vector<int8_t> table{}; ///< QLut's 256 entries (entry i for the input i - 128)
};

/// QGlobalAveragePool: the sum over H x W, requantized; output [1][C][1][1].
struct GlobalPoolLayer {
  std::string name;
  int64_t channels = 0, height = 0, width = 0;
  Int8Epilogue epilogue;
  int64_t batch = 1; ///< images (foldBatch makes them channels before mapping)
  std::vector<int8_t> table{}; ///< QLut's 256 entries (entry i for the input i - 128)
};

/// The layer over a batch as one image: a batch's images lie one after another in DRAM
/// ([N*CB][H][W][B]) and these layers treat every channel alike (per-tensor requant and
/// clip), so N images of C channels are one image of N*ceil(C/B)*B channels (the padding
/// lanes of each image's last block included). Batch 1 is returned as is.
template <class Layer> Layer foldBatch(const Layer &layer, int64_t block) {
  Layer folded = layer;
  if (layer.batch <= 1) return folded;
  folded.channels = layer.batch * ((layer.channels + block - 1) / block) * block;
  folded.batch = 1;
  return folded;
}

/// Segment op names ("add", "mul", "max", "min", "clip", "lut", "maxpool", "avgpool", "global_avgpool").
const char *segmentOpOf(EltwiseOp op);
const char *segmentOpOf(PoolOp op);

/// Readers: the error names the node and what the accelerator lowering does not support.
StatusOr<EltwiseLayer> eltwiseLayerFromNode(const graph::Graph &graph, const graph::Node &node);
StatusOr<PoolLayer> poolLayerFromNode(const graph::Graph &graph, const graph::Node &node);
StatusOr<GlobalPoolLayer> globalPoolLayerFromNode(const graph::Graph &graph, const graph::Node &node);

} // namespace tessera::accel
