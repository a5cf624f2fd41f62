//===- alu_layers.h - The int8 layers the accelerator runs on its vector ALU ------------===//
//
// The int8 ops without a GEMM (docs/quantization.md "The int8 ops"): the elementwise
// QAdd, QMax, QMin, QClip and QLut (a table lookup), the window pools QMaxPool and QAveragePool, and
// QGlobalAveragePool. Each is read from its graph node into a struct holding only what
// the emitters need; the readers reject, naming the node and the attribute, what the
// accelerator lowering does not handle (batch > 1, broadcasting, exclusive-pad
// averages, MaxPool's indices output, ...).
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

enum class EltwiseOp { add, max, min, clip, lut };

/// QAdd / QMax / QMin (two operands of one shape) or QClip / QLut (one), batch 1, NCHW.
struct EltwiseLayer {
  std::string name;
  EltwiseOp op = EltwiseOp::add;
  int64_t channels = 0, height = 0, width = 0;
  int32_t mulA = 1, mulB = 1; ///< QAdd's 16-bit operand multipliers
  std::vector<int8_t> table;  ///< QLut's 256 entries (entry i for the input i - 128)
  Int8Epilogue epilogue;

  int64_t operands() const { return op == EltwiseOp::clip || op == EltwiseOp::lut ? 1 : 2; }
};

enum class PoolOp { max, average };

/// QMaxPool / QAveragePool over 2-D windows, batch 1.
struct PoolLayer {
  std::string name;
  PoolOp op = PoolOp::max;
  int64_t channels = 0, height = 0, width = 0, outHeight = 0, outWidth = 0;
  int64_t kernelH = 1, kernelW = 1, strideH = 1, strideW = 1, dilationH = 1, dilationW = 1;
  int64_t padTop = 0, padLeft = 0;
  Int8Epilogue epilogue;
};

/// QGlobalAveragePool: the sum over H x W, requantized; output [1][C][1][1].
struct GlobalPoolLayer {
  std::string name;
  int64_t channels = 0, height = 0, width = 0;
  Int8Epilogue epilogue;
};

/// Segment op names ("add", "max", "min", "clip", "lut", "maxpool", "avgpool", "global_avgpool").
const char *segmentOpOf(EltwiseOp op);
const char *segmentOpOf(PoolOp op);

/// Readers: the error names the node and what the accelerator lowering does not support.
StatusOr<EltwiseLayer> eltwiseLayerFromNode(const graph::Graph &graph, const graph::Node &node);
StatusOr<PoolLayer> poolLayerFromNode(const graph::Graph &graph, const graph::Node &node);
StatusOr<GlobalPoolLayer> globalPoolLayerFromNode(const graph::Graph &graph, const graph::Node &node);

} // namespace tessera::accel
