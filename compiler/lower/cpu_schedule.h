//===- cpu_schedule.h - Schedules for the LLVM CPU back end ---------------------------===//
//
// Chooses, per stage, the schedule the CPU code uses, from parameters that are all
// explicit (CpuScheduleParams) so an auto-tuner can search them:
//
//  * reductions with an output tile (conv2d, Gemm/MatMul, pooling): register blocking:
//    split the output channel (or column) by `channelBlock` and the innermost spatial
//    axis by `vectorWidth`, put the reduction loops outside the tile, accumulate the
//    tile in a local buffer (cache_write), unroll the channel block, vectorize the
//    width block, and run the outermost loops in parallel;
//  * convolutions with more than one input channel per group: vectorize over a block
//    of output channels (weights repacked to make it contiguous), unroll a block of
//    output columns, broadcast each input element: no gathers at any stride;
//  * Winograd convolutions (op_compute_winograd.cpp): the input and output
//    transforms with their point loops unrolled and a row of tiles vectorized, the
//    batched products register-blocked like pointwise convolutions;
//  * elementwise stages: the innermost axis split by the vector width and vectorized,
//    the outermost axes fused and parallel.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/loop/schedule.h"
#include "compiler/lower/op_compute.h"

namespace tessera::lower {

struct CpuScheduleParams {
  /// Output channels (columns) accumulated together: rows of the register tile.
  int64_t channelBlock = 8;
  /// Convolutions (not depthwise): output channels per register tile, the vector
  /// axis (8 = one AVX2 register; weights are repacked by the same block).
  int64_t convChannelBlock = 8;
  /// Convolutions: at most this many outputs (rows x columns dividing the output,
  /// unrolled) per register tile: 14 accumulators, one weight register and one
  /// broadcast input fill the 16 AVX2 registers without spills, and 14 independent
  /// FMA chains cover the FMA latency.
  int64_t convWidthBlock = 14;
  /// Lanes of the register tile's vectorized axis (8 floats in an AVX2 register).
  int64_t vectorWidth = 8;
  /// Convolutions with fewer input channels than a vector: at most this many outputs
  /// per register tile (LLVM unrolls the short channel loop and loads its weights
  /// together, so fewer accumulators fit).
  int64_t convShortReductionTile = 8;
  /// Pointwise (1x1, unit stride) convs with a width of whole vectors: output
  /// channels x rows per register tile, each a vector of columns (6 x 2 = 12
  /// accumulators, one broadcast weight, two input vectors).
  int64_t pointwiseChannelBlock = 6;
  int64_t pointwiseRowBlock = 2;
  /// Gemm/MatMul: output columns per register tile when there are too few rows to
  /// block (a batch-1 fully connected layer): up to 6 vectors, independent FMA chains.
  int64_t gemmColumnBlock = 48;
  /// Repack constant transposed Gemm weights to [K][N] (contiguous vector loads).
  bool transposeGemmWeights = true;
  /// Winograd products (batched over the transform's points): output channels x
  /// tile columns per register tile (4 x 16: 8 accumulators, 4 broadcast weights,
  /// two vectors of transformed input per input channel).
  /// Winograd F(m x m, 3 x 3) for eligible 3x3 convolutions with at least
  /// winogradMinChannels input and output channels and winogradMinPixels output
  /// pixels (tile 0: direct convolution only). Measured on ResNet-18 and SqueezeNet
  /// (docs/performance.md): with fewer channels or pixels the direct tile wins.
  int64_t winogradOutputTile = 2;
  int64_t winogradMinChannels = 64;
  int64_t winogradMinPixels = 196;
  int64_t winogradChannelBlock = 4;
  int64_t winogradColumnBlock = 16;
  /// The products' columns (tiles) are padded to a multiple of this (1: none; the
  /// last column tile is then masked).
  int64_t winogradColumnAlign = 16;
  /// 1x1 convolutions of images of at least pointwiseMatrixMinPixels pixels as matrix
  /// products over the flattened image (channel block 0: off): output
  /// channels (weights packed by the same block) x columns per register tile; the
  /// last column tile of an image that is not a whole number of them is masked.
  int64_t pointwiseMatrixChannelBlock = 4;
  int64_t pointwiseMatrixColumns = 16;
  int64_t pointwiseMatrixMinPixels = 256;
  /// With fewer output channel blocks than this, the column tiles are the outer
  /// (parallel) loop, else the channel blocks.
  int64_t pointwiseMatrixMinChannelBlocks = 8;
  /// Depthwise convolutions read the unpadded input through masked loads (no
  /// zero-padded copy).
  bool inlineDepthwisePadding = true;
  /// Depthwise convolutions and 2-D max/min pools: channels x rows per register tile
  /// (each a vector of columns; all the rows when there are at most twice
  /// depthwiseRowBlock), the window's taps unrolled so the rows' shared input loads
  /// are loaded once; the channels are the parallel work, the rows a serial loop that
  /// partition-loops splits at the padding (channel block 0: the generic window
  /// tile). Measured on MobileNetV2 and SqueezeNet (docs/performance.md).
  int64_t depthwiseChannelBlock = 1;
  int64_t depthwiseRowBlock = 4;
  /// 2-D max/min pools take the same tile with this many rows (one by default:
  /// SqueezeNet's first pool, 111 x 111 -> 55 x 55 of stride 2, runs twice as long in
  /// tiles of 4 rows; its later pools are faster in them, which the tuner finds).
  int64_t poolRowBlock = 1;
  /// Loops of at least this many iterations (after fusion) run in parallel.
  int64_t minParallelIterations = 2;
};

/// The defaults for a target with `vectorRegisters` vector registers: with 32
/// (AVX-512) vectors of 16 lanes (one zmm register: half the instructions, and the
/// broadcasts and loads, of two 8-lane ones for the same multiply-adds; measured
/// 7-18% faster on the three CNNs in docs/performance.md), the direct convolutions
/// vectorize 16 output channels (a 14 x 16 tile fits) and the Winograd and 1x1
/// products block 8 output channels.
CpuScheduleParams scheduleParamsFor(int vectorRegisters);

/// A schedule an auto-tuner tries for a kernel: what it changes, and the parameters.
struct ScheduleCandidate {
  std::string label;
  CpuScheduleParams params;
};

/// The schedules `tessera compile --tune` times for each kernel, `base` first: each
/// changes one decision the defaults take by shape alone (1x1 convolutions as matrix
/// products or direct tiles, 3x3 ones through Winograd or direct, the depthwise
/// tile). Most kernels lower the same under several of them; only distinct ones need
/// timing.
std::vector<ScheduleCandidate> tuningCandidates(const CpuScheduleParams &base);

/// Sets one parameter from `name=value` text (the field names above, e.g.
/// "winogradOutputTile=0"): how `tessera compile --schedule` and tuners override them.
Status setScheduleParam(CpuScheduleParams &params, const std::string &assignment);

/// The description choices (weight packing, Winograd and matrix-product eligibility,
/// inline padding) that go with `params`' schedules.
DescribeOptions describeOptionsFor(const CpuScheduleParams &params);

/// Applies the CPU schedule to every stage of `schedule`.
Status scheduleForCpu(loop::Schedule &schedule, const CpuScheduleParams &params = {});

} // namespace tessera::lower
