//===- op_compute.h - Graph ops described once as compute stages ----------------------===//
//
// Each supported graph op is described here, once, as loop IR compute stages
// (compute.h): conv2d (strides, dilations, padding, groups incl. depthwise),
// Gemm/MatMul, pooling, global pooling, concat and the elementwise ops. A kernel is
// an anchor node plus the elementwise nodes fused into its epilogue; the LLVM CPU path
// (cpu_schedule.h) and NVPTX (gpu_schedule.h) schedule the same description. The
// accelerator does not lower through here: compiler/accel maps graph nodes to its ISA.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <map>
#include <string>
#include <vector>

#include "compiler/graph/graph.h"
#include "compiler/loop/compute.h"
#include "support/status.h"

namespace tessera::lower {

/// Graph nodes compiled as one kernel: an anchor followed by fused elementwise nodes,
/// each reading the previous one's (single-use) result.
struct KernelGroup {
  std::vector<size_t> nodes;
};

struct KernelDescription {
  loop::ComputeFunc func;
  /// The graph value bound to each parameter of `func`, in order.
  std::vector<std::string> params;
  /// Constants derived at compile time (repacked weights), by the value name used in
  /// `params`; the caller adds them to the graph it runs.
  std::map<std::string, Tensor> constants;
};

/// Target-dependent layout choices, explicit for the tuner.
struct DescribeOptions {
  /// Repack constant conv weights OIHW -> [O/b][H][W][I][b] for this b (0: keep OIHW),
  /// so a register tile's b output channels read adjacent weights.
  int64_t convWeightBlock = 0;
  /// Convolutions with constant weights whose tile of output channels reads few input
  /// channels -- grouped ones (several channels per group), and ungrouped ones with
  /// at most `rowTileMaxInputChannels` input channels: a tile of this many output
  /// channels of one group (rowTileBlock picks the divisor of the group's width) x a
  /// vector of columns, weights packed by it, the stage's role "conv.rows" (0: as
  /// other convolutions, a grouped one's channel block a divisor of its group's width).
  int64_t rowTileChannelBlock = 0;
  int64_t rowTileMaxInputChannels = 0;
  /// Store a constant Gemm B read with transB=1 as [K][N], so a row of outputs reads
  /// adjacent weights instead of gathering them.
  bool transposeGemmWeights = false;
  /// ... and, when A has fewer than 4 rows, pack them [N / t][K][t] for the column
  /// tile t = gemmColumnTile(N, gemmColumnBlock, vectorWidth), so each tile streams
  /// contiguous weights (0: [K][N]).
  int64_t gemmColumnBlock = 0;
  int64_t vectorWidth = 8;
  /// Compute eligible 3x3 convolutions (stride 1, dilation 1, one group, constant
  /// weights, at least `winogradMinChannels` input and output channels) with
  /// Winograd's F(m x m, 3 x 3) for this m (0: never; 2 is supported).
  int64_t winogradOutputTile = 0;
  int64_t winogradMinChannels = 16;
  /// ... and outputs of at least this many pixels.
  int64_t winogradMinPixels = 0;
  /// Output channels per block of the transformed Winograd weights (the product
  /// tile's channel block; convChannelBlock picks the divisor used).
  int64_t winogradWeightBlock = 8;
  /// Columns (tiles) of the Winograd products are padded to a multiple of this.
  int64_t winogradColumnAlign = 8;
  /// Compute 1x1, stride-1, unpadded, ungrouped convolutions with constant weights as
  /// matrix products over the flattened image, weights packed [O/b][I][b] for this
  /// b (0: as other convolutions).
  int64_t pointwiseWeightBlock = 0;
  /// ... for images of at least this many pixels (smaller ones reuse the input less
  /// than the direct convolution's tile does).
  int64_t pointwiseMinPixels = 256;
  /// Compute stride-1 convolutions whose output keeps the input's height and width, with
  /// kernels of at most this size (K x K, K > 1) and the conditions above, as matrix
  /// products over the flattened image too: each tap reads the input shifted by its
  /// offset, the zero padding through masked loads (0: none).
  int64_t windowMatrixMaxKernel = 0;
  /// Depthwise convolutions read their input through a bounds select (a masked load
  /// on the CPU) instead of a zero-padded copy.
  bool inlineDepthwisePadding = false;
};

/// The column tile of a matrix product with too few rows to block (batch-1 Gemm):
/// the most whole vectors, up to `maxColumns` columns, that divide `columns` -- else
/// the most half vectors of at least 8 lanes (0: none).
int64_t gemmColumnTile(int64_t columns, int64_t maxColumns, int64_t vectorWidth);

/// The weight block used for `outChannels`: the largest of maxBlock, maxBlock / 2, ...
/// that divides it (1 when none above 1 does). Schedules tile output channels by it.
int64_t convChannelBlock(int64_t outChannels, int64_t maxBlock);

/// The output channels per tile of a grouped convolution whose groups have
/// `groupWidth` output channels: the largest divisor of it not above maxBlock (so a
/// tile's channels read the same input channels).
int64_t rowTileBlock(int64_t groupWidth, int64_t maxBlock);

/// Describes a kernel; Unimplemented when an op or type has no description yet.
StatusOr<KernelDescription> describeKernel(const graph::Graph &graph, const KernelGroup &group,
                                           const std::string &name, const DescribeOptions &options = {});
/// True for the elementwise ops that can be fused into a preceding kernel's epilogue.
bool isFusableElementwise(const graph::Node &node);

} // namespace tessera::lower
