//===- cpu_schedule.cpp - Register-blocked, vectorized, parallel CPU schedules ----------===//
#include "compiler/lower/cpu_schedule.h"

#include "compiler/loop/affine.h"
#include "compiler/loop/ir_util.h"
#include "compiler/lower/op_compute.h"
#include "support/int_math.h"

#include <absl/strings/numbers.h>

#include <algorithm>
#include <limits>
#include <set>
#include <type_traits>

namespace tessera::lower {
namespace {

using loop::Schedule;

/// The largest divisor of `extent` not above `limit` (at least 1).
int64_t blockFor(int64_t extent, int64_t limit) {
  for (int64_t b = std::min(extent, limit); b > 1; --b)
    if (extent % b == 0) return b;
  return 1;
}

/// Rows per window tile: the whole height when it is at most twice `block` (one
/// tile of 7 rows beats 4 and a guarded 3), else `block` with the last row block
/// guarded. Taller tiles (8 rows of a 56-row image) measured slower: their loads spill.
int64_t windowRows(int64_t height, int64_t block) { return height <= 2 * block ? height : block; }

/// Picks the width block: a divisor of `extent` that fills whole vector registers
/// (one, else two), else one register with a lane or a half to spare.
int64_t widthBlock(int64_t extent, int64_t vector) {
  for (int64_t b : {vector, 2 * vector, vector - 1, vector / 2})
    if (b > 1 && extent % b == 0) return b;
  return blockFor(extent, vector);
}

Status parallelizeOuter(Schedule &s, const std::string &name, size_t maxLoops, const CpuScheduleParams &p);

/// The multiply-adds (or element operations) stage `name` runs: its output elements
/// times its reduction's extent.
int64_t stageWork(const Schedule &s, const std::string &name) {
  for (const loop::Stage &stage : s.func().stages) {
    if (stage.output.name != name) continue;
    int64_t work = 1;
    auto times = [&](int64_t extent) {
      work = extent > 0 && work > std::numeric_limits<int64_t>::max() / extent ? std::numeric_limits<int64_t>::max()
                                                                                : work * extent;
    };
    for (int64_t extent : stage.output.shape) times(extent);
    for (const loop::ReduceAxis &r : stage.reduceAxes) times(r.extent);
    return work;
  }
  return 0;
}

/// A loop of `iterations` (after fusion) of stage `name` is worth running in parallel.
bool worthParallel(const Schedule &s, const std::string &name, int64_t iterations, const CpuScheduleParams &p) {
  return iterations >= p.minParallelIterations && stageWork(s, name) >= p.minParallelWork;
}

/// The column tile of a matrix product with too few rows to block: the most whole
/// vectors, up to `p.gemmColumnBlock` columns, that divide the columns (0: none).
int64_t rowVectorBlock(int64_t columns, const CpuScheduleParams &p) {
  return gemmColumnTile(columns, p.gemmColumnBlock, p.vectorWidth);  // as describeMatMul packs
}

/// A matrix product with one row (or a few): columns split into a tile of whole
/// vectors (unrolled: independent FMA chains), the reduction outside the tile.
Status scheduleRowVector(Schedule &s, const loop::Stage &stage, int64_t block, const CpuScheduleParams &p) {
  const std::string &name = stage.output.name;
  size_t rank = stage.axes.size();
  const std::string &column = stage.axes[rank - 1];
  // A tile of whole vectors, or of half vectors when the columns allow no more
  // (1000 classes: tiles of 40 in 8 lanes, not 16).
  int64_t lanes = p.vectorWidth;
  while (block % lanes != 0 && lanes > 1) lanes /= 2;
  TS_RETURN_IF_ERROR(s.split(name, column, block, "jo", "jt"));
  TS_RETURN_IF_ERROR(s.split(name, "jt", lanes, "ju", "jv"));
  // [batch..., jo, i, k, ju, jv]: the tile is accumulated inside the row loop, and the
  // column tiles (with the batch) are the parallel work.
  std::vector<std::string> order(stage.axes.begin(), stage.axes.end() - 2);
  const std::string &row = stage.axes[rank - 2];
  order.push_back("jo");
  order.push_back(row);
  for (const loop::ReduceAxis &r : stage.reduceAxes) order.push_back(r.name);
  order.push_back("ju");
  order.push_back("jv");
  TS_RETURN_IF_ERROR(s.reorder(name, order));
  TS_RETURN_IF_ERROR(s.cacheWrite(name, row, loop::MemScope::Local));
  if (block > lanes) TS_RETURN_IF_ERROR(s.unroll(name, "ju"));
  TS_RETURN_IF_ERROR(s.vectorize(name, "jv"));
  return parallelizeOuter(s, name, rank - 1, p);
}

/// The rows or columns of a matrix tile: the largest divisor of `extent` up to
/// `limit` that is a multiple of `unit` when it is at least half of `limit`, else
/// `limit` with the last tile guarded (masked or peeled), never more than `extent`
/// rounded up to a whole unit.
int64_t matrixBlock(int64_t extent, int64_t limit, int64_t unit) {
  limit = std::max(unit, limit / unit * unit);
  for (int64_t b = limit; 2 * b >= limit; b -= unit)
    if (extent % b == 0) return b;
  return std::min(limit, (extent + unit - 1) / unit * unit);
}

/// A matrix product (role "matmul": batch axes, then rows i and columns j, reduced
/// over k): a register tile of rows (unrolled; A's element broadcast) x whole vectors
/// of columns (unrolled), the reduction outside the tile so B's rows are read as
/// vectors. Column tiles outside the row tiles: a tile's columns of B stay in cache
/// while every row block reads them. Few rows take the row-vector tile.
Status scheduleMatrixProduct(Schedule &s, const loop::Stage &stage, const CpuScheduleParams &p) {
  const std::string &name = stage.output.name;
  size_t rank = stage.axes.size();
  int64_t rows = stage.output.shape[rank - 2], columns = stage.output.shape[rank - 1];
  if (rows < 4)
    if (int64_t block = rowVectorBlock(columns, p)) return scheduleRowVector(s, stage, block, p);
  int64_t lanes = p.vectorWidth;
  while (lanes > 1 && columns < lanes) lanes /= 2;
  int64_t rowBlock = matrixBlock(rows, p.matrixRowBlock, 1);
  int64_t columnBlock = matrixBlock(columns, p.matrixColumnBlock, lanes);
  TS_RETURN_IF_ERROR(s.split(name, "j", columnBlock, "jo", "jt"));
  TS_RETURN_IF_ERROR(s.split(name, "jt", lanes, "ju", "jv"));
  TS_RETURN_IF_ERROR(s.split(name, "i", rowBlock, "io", "ii"));
  std::vector<std::string> order(stage.axes.begin(), stage.axes.end() - 2);
  for (const char *axis : {"jo", "io"}) order.push_back(axis);
  for (const loop::ReduceAxis &r : stage.reduceAxes) order.push_back(r.name);
  for (const char *axis : {"ii", "ju", "jv"}) order.push_back(axis);
  TS_RETURN_IF_ERROR(s.reorder(name, order));
  TS_RETURN_IF_ERROR(s.cacheWrite(name, "io", loop::MemScope::Local));
  if (rowBlock > 1) TS_RETURN_IF_ERROR(s.unroll(name, "ii"));
  if (columnBlock > lanes) TS_RETURN_IF_ERROR(s.unroll(name, "ju"));
  if (lanes > 1) TS_RETURN_IF_ERROR(s.vectorize(name, "jv"));
  // The batch axes and the column tiles in parallel: the accumulators live inside io.
  return parallelizeOuter(s, name, rank - 1, p);
}

/// Register-blocked reduction over a 4-D (N, C, H, W) or matrix output.
Status scheduleTiledReduction(Schedule &s, const loop::Stage &stage, const CpuScheduleParams &p) {
  const std::string &name = stage.output.name;
  size_t rank = stage.axes.size();
  if (rank != 4 && stage.output.shape[rank - 2] < 4)
    if (int64_t block = rowVectorBlock(stage.output.shape[rank - 1], p)) return scheduleRowVector(s, stage, block, p);
  const std::string &inner = stage.axes[rank - 1];
  // The "channel" axis: C of NCHW, or the row axis of a matrix product.
  const std::string &channel = rank == 4 ? stage.axes[1] : stage.axes[rank - 2];
  int64_t innerExtent = stage.output.shape[rank - 1];
  int64_t channelExtent = rank == 4 ? stage.output.shape[1] : stage.output.shape[rank - 2];
  // Windows (pooling, depthwise convs): one vector per tile, the last tile guarded
  // when the width is not a whole number of vectors (partition-loops peels it off and
  // the codegen masks it) -- not a narrow divisor (13 or 55 columns would run in
  // vectors of 1 or 5 lanes).
  int64_t wb = rank == 4 ? p.vectorWidth : widthBlock(innerExtent, p.vectorWidth);
  int64_t cb = blockFor(channelExtent, rank == 4 ? p.channelBlock : 4);
  TS_RETURN_IF_ERROR(s.split(name, inner, wb, "wo", "wi"));
  TS_RETURN_IF_ERROR(s.split(name, channel, cb, "co", "ci"));
  std::vector<std::string> order;
  for (size_t d = 0; d + 1 < rank; ++d) order.push_back(stage.axes[d] == channel ? "co" : stage.axes[d]);
  order.push_back("wo");
  for (const loop::ReduceAxis &r : stage.reduceAxes) order.push_back(r.name);
  order.push_back("ci");
  order.push_back("wi");
  TS_RETURN_IF_ERROR(s.reorder(name, order));
  TS_RETURN_IF_ERROR(s.cacheWrite(name, "wo", loop::MemScope::Local));
  if (cb > 1) TS_RETURN_IF_ERROR(s.unroll(name, "ci"));
  if (wb > 1) TS_RETURN_IF_ERROR(s.vectorize(name, "wi"));
  // Parallel over the outermost loops: fuse them until there is enough work.
  TS_ASSIGN_OR_RETURN(std::vector<loop::IterVar> loops, s.loops(name));
  std::string outer = loops[0].name;
  int64_t iterations = loops[0].extent;
  for (size_t k = 1; k + 1 < rank && iterations < 64; ++k) {
    std::string fused = strCat("f", k);
    TS_RETURN_IF_ERROR(s.fuse(name, outer, loops[k].name, fused));
    outer = fused;
    iterations *= loops[k].extent;
  }
  if (worthParallel(s, name, iterations, p)) TS_RETURN_IF_ERROR(s.parallel(name, outer));
  return absl::OkStatus();
}

/// Lanes for a padded row of `extent` elements: the largest divisor of it from one
/// vector to kMaxPaddedRowLanes (the whole row when it fits), 0 when there is none.
constexpr int64_t kMaxPaddedRowLanes = 64;
int64_t paddedRowVector(int64_t extent, const CpuScheduleParams &p) {
  for (int64_t lanes = std::min(extent, kMaxPaddedRowLanes); lanes >= p.vectorWidth; --lanes)
    if (extent % lanes == 0) return lanes;
  return 0;
}

/// True when every load in `e` indexes its last dimension by `axis` itself and no
/// other dimension by it, or does not use it (a broadcast): each is one contiguous
/// (or splatted) vector access along `axis`, masked where a row ends mid-vector.
bool readsContiguouslyAlong(const loop::Expr &e, const std::string &axis) {
  bool contiguous = true;
  loop::visitExpr(e, [&](const loop::Expr &node) {
    if (node->kind != loop::ExprKind::Load || node->operands.empty()) return;
    const loop::Expr &last = node->operands.back();
    bool lastIsAxis = last->kind == loop::ExprKind::Var && last->name == axis;
    if (!lastIsAxis && loop::usesVar(last, axis)) contiguous = false;
    for (size_t d = 0; d + 1 < node->operands.size(); ++d)
      if (loop::usesVar(node->operands[d], axis)) contiguous = false;
  });
  return contiguous;
}

bool isDenseConv(const loop::Stage &stage);

/// The bytes of `name`, a parameter or a temporary of the stages (0 when unknown).
int64_t bufferBytes(const Schedule &s, const std::string &name) {
  const loop::Buffer *buffer = s.func().findBuffer(name);
  if (!buffer) return 0;
  int64_t bytes = static_cast<int64_t>(dtypeSize(buffer->dtype));
  for (int64_t extent : buffer->shape) bytes *= extent;
  return bytes;
}

/// Whether weights of `weights` bytes on an input of `input` bytes split rows:
/// convRowSplitWeightPercent and convRowSplitMaxWeightKiB (compared in double: the
/// parameters take any non-negative value).
bool rowSplitPays(int64_t weights, int64_t input, const CpuScheduleParams &p) {
  double w = double(weights);
  return weights > 0 && w * 100 <= double(input) * double(p.convRowSplitWeightPercent) &&
         w <= double(p.convRowSplitMaxWeightKiB) * 1024;
}

/// The buffers a product stage (`a * b`, both loads) reads: {a, b}, or empty names.
std::pair<std::string, std::string> productOperands(const loop::Stage &stage) {
  const loop::Expr &body = stage.body;
  if (body->kind != loop::ExprKind::Binary || body->operands.size() != 2) return {};
  if (body->operands[0]->kind != loop::ExprKind::Load || body->operands[1]->kind != loop::ExprKind::Load) return {};
  return {body->operands[0]->name, body->operands[1]->name};
}

/// Whether a direct convolution splits rows between threads (input, weights). Row
/// tiles of few input channels (a stem) do too; grouped ones split channel blocks
/// (RegNetY-400MF's grouped convs split by rows took its default build from 6.05-6.35
/// to 6.94-7.20 ms on two threads).
bool convSplitsRows(const Schedule &s, const loop::Stage &stage, const CpuScheduleParams &p) {
  if ((!stage.role.empty() && stage.role != "conv.rows") || !isDenseConv(stage)) return false;
  auto [input, weights] = productOperands(stage);
  const loop::Buffer *x = s.func().findBuffer(input);
  bool grouped = !x || x->shape.size() != 4 || x->shape[1] != stage.reduceAxes[0].extent;
  if (stage.role == "conv.rows" && grouped) return false;
  return rowSplitPays(bufferBytes(s, weights), bufferBytes(s, input), p);
}

/// The stage of the function that reads buffer `name` (nullptr when none).
const loop::Stage *readerOf(const Schedule &s, const std::string &name) {
  for (const loop::Stage &stage : s.func().stages) {
    bool reads = false;
    loop::visitExpr(stage.body, [&](const loop::Expr &e) {
      reads = reads || (e->kind == loop::ExprKind::Load && e->name == name);
    });
    if (reads) return &stage;
  }
  return nullptr;
}

/// Whether the function's Winograd stages split tile rows between threads: its
/// transformed weights U against its padded input, as a direct conv's weights.
bool winogradSplitsRows(const Schedule &s, const CpuScheduleParams &p) {
  const loop::Stage *input = nullptr, *product = nullptr;
  for (const loop::Stage &stage : s.func().stages) {
    if (stage.role == "winograd.input") input = &stage;
    if (stage.role == "winograd.product") product = &stage;
  }
  if (!input || !product) return false;
  std::string padded;
  loop::visitExpr(input->body, [&](const loop::Expr &e) {
    if (e->kind == loop::ExprKind::Load && padded.empty()) padded = e->name;
  });
  return rowSplitPays(bufferBytes(s, productOperands(*product).first), bufferBytes(s, padded), p);
}

/// Whether the reader of the padded copy `pad` splits rows between threads.
bool padFeedsRowSplitConv(const Schedule &s, const loop::Stage &pad, const CpuScheduleParams &p) {
  const loop::Stage *reader = readerOf(s, pad.output.name);
  if (!reader) return false;
  return reader->role == "winograd.input" ? winogradSplitsRows(s, p) : convSplitsRows(s, *reader, p);
}

/// Whether the stage that reads `stage`'s output has work enough for threads.
bool readerWorthParallel(const Schedule &s, const loop::Stage &stage, const CpuScheduleParams &p) {
  const loop::Stage *reader = readerOf(s, stage.output.name);
  return reader && stageWork(s, reader->output.name) >= p.minParallelWork;
}

/// Elementwise and small reductions: vectorize the innermost axis, parallel outer.
Status scheduleSimple(Schedule &s, const loop::Stage &stage, const CpuScheduleParams &p) {
  const std::string &name = stage.output.name;
  size_t rank = stage.axes.size();
  bool reduce = stage.combiner != loop::Combiner::None;
  int64_t innerExtent = stage.output.shape[rank - 1];
  int64_t vector = !reduce && innerExtent % p.vectorWidth == 0 && innerExtent >= p.vectorWidth ? p.vectorWidth : 0;
  // A padded (or cropped) row is rarely a whole number of vectors: one vector of a
  // divisor of it (the codegen reads a padded row's interior with one masked load),
  // else whole vectors and a masked last one (partition-loops peels it).
  bool paddedRow = !reduce && (stage.role == "pad" || stage.role == "winograd.crop");
  if (paddedRow && !vector) vector = paddedRowVector(innerExtent, p);
  if (paddedRow && !vector && innerExtent > p.vectorWidth) vector = p.vectorWidth;
  // Rows that end mid-vector (7, 14, 28, 56 columns): whole vectors and a masked
  // last one when every access is contiguous along the row.
  if (!reduce && !vector && innerExtent > 1 && readsContiguouslyAlong(stage.body, stage.axes[rank - 1]))
    vector = p.vectorWidth;
  if (vector) {
    TS_RETURN_IF_ERROR(s.split(name, stage.axes[rank - 1], vector, "vo", "vi"));
    TS_RETURN_IF_ERROR(s.vectorize(name, "vi"));
  }
  TS_ASSIGN_OR_RETURN(std::vector<loop::IterVar> loops, s.loops(name));
  // A convolution that splits rows between threads reads the padded rows its thread
  // wrote: the copy splits rows the same way, in parallel whenever its conv is, at any
  // size of its own (written by one thread, half of it would cross to the other core).
  bool rowSplitPad = stage.role == "pad" && rank == 4 && padFeedsRowSplitConv(s, stage, p);
  if (rowSplitPad) {
    std::vector<std::string> order;
    for (const loop::IterVar &loop : loops) order.push_back(loop.name);
    std::swap(order[1], order[2]);
    TS_RETURN_IF_ERROR(s.reorder(name, order));
    TS_ASSIGN_OR_RETURN(loops, s.loops(name));
  }
  std::string outer = loops[0].name;
  int64_t iterations = loops[0].extent;
  for (size_t k = 1; k < loops.size() && iterations < 64 && !loops[k].reduce && loops[k].kind == loop::ForKind::Serial;
       ++k) {
    std::string fused = strCat("f", k);
    TS_RETURN_IF_ERROR(s.fuse(name, outer, loops[k].name, fused));
    outer = fused;
    iterations *= loops[k].extent;
  }
  bool parallel = rowSplitPad ? iterations >= p.minParallelIterations && readerWorthParallel(s, stage, p)
                              : worthParallel(s, name, iterations, p);
  if (parallel && !loops[0].reduce) TS_RETURN_IF_ERROR(s.parallel(name, outer));
  return absl::OkStatus();
}

/// Fuses the leading loops of `name` until there is enough parallel work, and marks
/// the fused loop parallel.
Status parallelizeOuter(Schedule &s, const std::string &name, size_t maxLoops, const CpuScheduleParams &p) {
  TS_ASSIGN_OR_RETURN(std::vector<loop::IterVar> loops, s.loops(name));
  std::string outer = loops[0].name;
  int64_t iterations = loops[0].extent;
  for (size_t k = 1; k < maxLoops && iterations < 64; ++k) {
    std::string fused = strCat("f", k);
    TS_RETURN_IF_ERROR(s.fuse(name, outer, loops[k].name, fused));
    outer = fused;
    iterations *= loops[k].extent;
  }
  if (worthParallel(s, name, iterations, p)) TS_RETURN_IF_ERROR(s.parallel(name, outer));
  return absl::OkStatus();
}

/// The conv tile's rows x columns of outputs (at most `limit` accumulators): columns
/// and rows that divide the output, the most outputs, ties to the wider tile; with
/// `guardRows`, whole rows of a narrow image with the last row block guarded when
/// that holds more. When no divisor tile fills half of it, `limit` columns with a
/// guard on the last tile.
struct ConvTile {
  int64_t rows = 1, columns = 1;
};
ConvTile convTile(int64_t height, int64_t width, int64_t limit, bool guardRows) {
  ConvTile best;
  for (int64_t w = std::min(width, limit); w >= 1; --w) {
    if (width % w != 0) continue;
    ConvTile t{blockFor(height, limit / w), w};
    if (t.rows * t.columns > best.rows * best.columns) best = t;
  }
  // A narrow image whose height has no fitting divisor (7 rows of 7: only 1 x 7 divides
  // 14): whole rows, the last row block guarded (partition-loops peels it).
  if (guardRows && width <= limit / 2 && height > 1) {
    ConvTile rows{std::min(height, limit / width), width};
    if (rows.rows * rows.columns > best.rows * best.columns) return rows;
  }
  if (2 * best.rows * best.columns >= std::min(height * width, limit)) return best;
  return {1, std::min(width, limit)};
}

/// The output channels a conv's packed weights [O/b][H][W][I][b] hold together: b,
/// the last extent of the body's 5-D weight load (0 when the weights are not packed).
int64_t packedWeightBlock(const Schedule &s, const loop::Stage &stage) {
  const loop::Expr &body = stage.body;
  if (body->kind != loop::ExprKind::Binary || body->operands.size() != 2) return 0;
  const loop::Expr &weights = body->operands[1];
  if (weights->kind != loop::ExprKind::Load || weights->operands.size() != 5) return 0;
  for (const loop::Buffer &buffer : s.func().params)
    if (buffer.name == weights->name) return buffer.shape.back();
  return 0;
}

/// Whether a conv of `tiles` register tiles per channel block prefetches the next
/// block's weights (weightPrefetch, weightPrefetchMaxTiles).
bool prefetchesWeights(int64_t tiles, const CpuScheduleParams &p) {
  return p.weightPrefetch > 0 && tiles <= p.weightPrefetchMaxTiles;
}

/// Conv: [n, co, ho, wo] outside, the reduction, then hi x wi (unrolled) x ci (vector).
Status scheduleConv(Schedule &s, const loop::Stage &stage, const CpuScheduleParams &p) {
  const std::string &name = stage.output.name;
  int64_t packedBlock = packedWeightBlock(s, stage);
  int64_t cb = packedBlock > 0 ? packedBlock : convChannelBlock(stage.output.shape[1], p.convChannelBlock);
  // A short reduction per tap (the first conv's 3 channels) is unrolled by LLVM, its
  // weights loaded together: leave registers for them.
  bool shortReduction = stage.reduceAxes[0].extent < p.vectorWidth;
  // 1x1 kernels reuse a loaded input only across the tile's channels: they take the
  // larger guarded tiles (MobileNetV2's 7x7 layers 8% faster; ResNet-18's 3x3 ones
  // on 7x7 were not).
  bool pointwise = stage.reduceAxes[1].extent == 1 && stage.reduceAxes[2].extent == 1;
  ConvTile tile = convTile(stage.output.shape[2], stage.output.shape[3],
                           shortReduction ? p.convShortReductionTile : p.convWidthBlock, pointwise);
  TS_RETURN_IF_ERROR(s.split(name, "oc", cb, "co", "ci"));
  TS_RETURN_IF_ERROR(s.split(name, "oh", tile.rows, "ho", "hi"));
  TS_RETURN_IF_ERROR(s.split(name, "ow", tile.columns, "wo", "wi"));
  if (convSplitsRows(s, stage, p))
    TS_RETURN_IF_ERROR(s.reorder(name, {"n", "ho", "co", "wo", "kh", "kw", "ic", "hi", "wi", "ci"}));
  else
    TS_RETURN_IF_ERROR(s.reorder(name, {"n", "co", "ho", "wo", "kh", "kw", "ic", "hi", "wi", "ci"}));
  TS_RETURN_IF_ERROR(s.cacheWrite(name, "wo", loop::MemScope::Local));
  if (tile.rows > 1) TS_RETURN_IF_ERROR(s.unroll(name, "hi"));
  if (tile.columns > 1) TS_RETURN_IF_ERROR(s.unroll(name, "wi"));
  if (cb > 1) TS_RETURN_IF_ERROR(s.vectorize(name, "ci"));
  int64_t tiles = ceilDiv(stage.output.shape[2], tile.rows) * ceilDiv(stage.output.shape[3], tile.columns);
  if (prefetchesWeights(tiles, p) && packedBlock > 0)
    TS_RETURN_IF_ERROR(s.prefetch(name, stage.body->operands[1]->name, "ic", "oc", cb * p.weightPrefetch));
  return parallelizeOuter(s, name, 3, p);
}

/// Row-tile conv ("conv.rows": grouped, or few input channels): [n, co, ho, wo]
/// outside, the reduction over the window and the group's input channels, then a
/// tile of ci (output channels of one group, unrolled; broadcast weights) x hi (rows,
/// unrolled) x wv (a vector of columns), stored as contiguous vectors. The tile's
/// channels share each input vector load; a strided conv's
/// loads are contiguous loads and a shuffle. The last row and column blocks are
/// guarded (partition-loops peels them, the codegen masks the columns).
Status scheduleRowTileConv(Schedule &s, const loop::Stage &stage, const CpuScheduleParams &p) {
  const std::string &name = stage.output.name;
  int64_t cb = std::max<int64_t>(1, packedWeightBlock(s, stage));
  int64_t rows = windowRows(stage.output.shape[2], p.rowTileRowBlock);
  TS_RETURN_IF_ERROR(s.split(name, "oc", cb, "co", "ci"));
  TS_RETURN_IF_ERROR(s.split(name, "oh", rows, "ho", "hi"));
  TS_RETURN_IF_ERROR(s.split(name, "ow", p.vectorWidth, "wo", "wv"));
  if (convSplitsRows(s, stage, p))
    TS_RETURN_IF_ERROR(s.reorder(name, {"n", "ho", "co", "wo", "kh", "kw", "ic", "ci", "hi", "wv"}));
  else
    TS_RETURN_IF_ERROR(s.reorder(name, {"n", "co", "ho", "wo", "kh", "kw", "ic", "ci", "hi", "wv"}));
  TS_RETURN_IF_ERROR(s.cacheWrite(name, "wo", loop::MemScope::Local));
  if (cb > 1) TS_RETURN_IF_ERROR(s.unroll(name, "ci"));
  if (rows > 1) TS_RETURN_IF_ERROR(s.unroll(name, "hi"));
  TS_RETURN_IF_ERROR(s.vectorize(name, "wv"));
  return parallelizeOuter(s, name, 3, p);
}

/// True when the conv's input column is `ow + kw * d` (unit stride along the width):
/// a vector of adjacent outputs then reads adjacent inputs.
bool unitStrideWidth(const loop::Stage &stage) {
  const loop::Expr &body = stage.body;
  if (body->kind != loop::ExprKind::Binary || body->operands[0]->kind != loop::ExprKind::Load) return false;
  const std::vector<loop::Expr> &index = body->operands[0]->operands;
  std::optional<loop::Affine> column = index.size() == 4 ? loop::toAffine(index[3]) : std::nullopt;
  if (!column) return false;
  auto it = column->coeffs.find("ow");
  return it != column->coeffs.end() && it->second == 1;
}

/// Pointwise (1x1, unit stride) convs whose width fills whole vectors: vectorize
/// over the width (contiguous input loads and output stores) instead of channels.
bool isPointwiseRowConv(const loop::Stage &stage, const CpuScheduleParams &p) {
  const Shape &out = stage.output.shape;
  return stage.reduceAxes[1].extent == 1 && stage.reduceAxes[2].extent == 1 && out[3] % p.vectorWidth == 0 &&
         out[2] % p.pointwiseRowBlock == 0 && unitStrideWidth(stage);
}

/// Pointwise conv: [n, co, ho, wo] outside, the input channels, then a tile of
/// ci (unrolled output channels; broadcast weights) x hi (unrolled rows) x wv (a
/// vector of columns) accumulated in registers.
Status schedulePointwiseConv(Schedule &s, const loop::Stage &stage, const CpuScheduleParams &p) {
  const std::string &name = stage.output.name;
  int64_t cb = blockFor(stage.output.shape[1], p.pointwiseChannelBlock);
  TS_RETURN_IF_ERROR(s.split(name, "oc", cb, "co", "ci"));
  TS_RETURN_IF_ERROR(s.split(name, "oh", p.pointwiseRowBlock, "ho", "hi"));
  TS_RETURN_IF_ERROR(s.split(name, "ow", p.vectorWidth, "wo", "wv"));
  TS_RETURN_IF_ERROR(s.reorder(name, {"n", "co", "ho", "wo", "kh", "kw", "ic", "ci", "hi", "wv"}));
  TS_RETURN_IF_ERROR(s.cacheWrite(name, "wo", loop::MemScope::Local));
  if (cb > 1) TS_RETURN_IF_ERROR(s.unroll(name, "ci"));
  if (p.pointwiseRowBlock > 1) TS_RETURN_IF_ERROR(s.unroll(name, "hi"));
  TS_RETURN_IF_ERROR(s.vectorize(name, "wv"));
  return parallelizeOuter(s, name, 3, p);
}

/// The constant c of the first `var / c` or `var % c` in `e` (0 when there is none).
int64_t constantDivisor(const loop::Expr &e, const std::string &var) {
  if (e->kind == loop::ExprKind::Binary && (e->op == loop::BinOp::Div || e->op == loop::BinOp::Mod) &&
      e->operands[0]->kind == loop::ExprKind::Var && e->operands[0]->name == var)
    if (auto c = loop::asConstInt(e->operands[1])) return *c;
  for (const loop::Expr &operand : e->operands)
    if (int64_t c = constantDivisor(operand, var)) return c;
  return 0;
}

/// Winograd input transform [n][p][c][t]: the tiles split into rows of `t / TW`
/// (affine indices), the points unrolled (each select folds to its formula and the
/// points share the tile's loads), a row of tiles vectorized.
Status scheduleWinogradInput(Schedule &s, const loop::Stage &stage, const CpuScheduleParams &p) {
  const std::string &name = stage.output.name;
  int64_t tileColumns = constantDivisor(stage.body, "vt");
  if (tileColumns <= 0) return absl::InternalError(strCat(name, ": no tile row in the Winograd input transform"));
  TS_RETURN_IF_ERROR(s.split(name, "vt", tileColumns, "vth", "vtw"));
  bool rows = winogradSplitsRows(s, p);
  if (rows)
    TS_RETURN_IF_ERROR(s.reorder(name, {"vn", "vth", "vc", "vp", "vtw"}));
  else
    TS_RETURN_IF_ERROR(s.reorder(name, {"vn", "vc", "vth", "vp", "vtw"}));
  TS_RETURN_IF_ERROR(s.unroll(name, "vp"));
  TS_RETURN_IF_ERROR(s.vectorize(name, "vtw"));
  return parallelizeOuter(s, name, rows ? 3 : 2, p);
}

/// Winograd products [n][p][oc][t] over c: a tile of output channels (unrolled,
/// broadcast weights) x columns (whole vectors), the reduction outside the tile.
Status scheduleWinogradProduct(Schedule &s, const loop::Stage &stage, const CpuScheduleParams &p) {
  const std::string &name = stage.output.name;
  int64_t cb = convChannelBlock(stage.output.shape[2], p.winogradChannelBlock);  // as the weights are packed
  // Columns not a whole number of tiles: the last tile is guarded (masked). A tile
  // spans at most the columns' whole vectors (a small image's 16 tiles take one).
  int64_t columnVectors = (stage.output.shape[3] + p.vectorWidth - 1) / p.vectorWidth;
  int64_t wb = std::clamp(p.winogradColumnBlock / p.vectorWidth, int64_t(1), columnVectors) * p.vectorWidth;
  TS_RETURN_IF_ERROR(s.split(name, "moc", cb, "mco", "mci"));
  TS_RETURN_IF_ERROR(s.split(name, "mt", wb, "mto", "mti"));
  TS_RETURN_IF_ERROR(s.split(name, "mti", p.vectorWidth, "mtu", "mtv"));
  // Split by tile rows: each thread multiplies the tiles it transformed, all points
  // and channel blocks of a column tile together.
  size_t parallelLoops = 3;
  if (winogradSplitsRows(s, p)) {
    TS_RETURN_IF_ERROR(s.reorder(name, {"mn", "mto", "mp", "mco", "mc", "mci", "mtu", "mtv"}));
    TS_RETURN_IF_ERROR(s.cacheWrite(name, "mco", loop::MemScope::Local));
    // A masked last column tile: the column tiles alone are the parallel loop, so
    // partition-loops peels the masked one (fused with the points, every iteration
    // would keep the guard), when the unmasked ones are enough parallel iterations.
    int64_t wholeTiles = stage.output.shape[3] / wb;
    if (stage.output.shape[3] % wb != 0 && wholeTiles >= p.minParallelIterations) parallelLoops = 2;
  } else {
    TS_RETURN_IF_ERROR(s.reorder(name, {"mn", "mp", "mco", "mto", "mc", "mci", "mtu", "mtv"}));
    TS_RETURN_IF_ERROR(s.cacheWrite(name, "mto", loop::MemScope::Local));
  }
  if (cb > 1) TS_RETURN_IF_ERROR(s.unroll(name, "mci"));
  if (wb > p.vectorWidth) TS_RETURN_IF_ERROR(s.unroll(name, "mtu"));
  if (p.vectorWidth > 1) TS_RETURN_IF_ERROR(s.vectorize(name, "mtv"));
  return parallelizeOuter(s, name, parallelLoops, p);
}

/// Winograd output transform [n][oc][oh][ow]: rows and columns split by the tile
/// size m, the positions in the tile unrolled (each select folds to its formula), a
/// row of tiles vectorized.
Status scheduleWinogradOutput(Schedule &s, const loop::Stage &stage, const CpuScheduleParams &p) {
  const std::string &name = stage.output.name;
  int64_t m = constantDivisor(stage.body, "oh");
  if (m <= 0) return absl::InternalError(strCat(name, ": no tile size in the Winograd output transform"));
  TS_RETURN_IF_ERROR(s.split(name, "oh", m, "oho", "ohi"));
  TS_RETURN_IF_ERROR(s.split(name, "ow", m, "owo", "owi"));
  bool rows = winogradSplitsRows(s, p);
  if (rows)
    TS_RETURN_IF_ERROR(s.reorder(name, {"n", "oho", "oc", "ohi", "owi", "owo"}));
  else
    TS_RETURN_IF_ERROR(s.reorder(name, {"n", "oc", "oho", "ohi", "owi", "owo"}));
  TS_RETURN_IF_ERROR(s.unroll(name, "ohi"));
  TS_RETURN_IF_ERROR(s.unroll(name, "owi"));
  TS_RETURN_IF_ERROR(s.vectorize(name, "owo"));
  return parallelizeOuter(s, name, rows ? 3 : 2, p);
}

/// A convolution as a matrix product [n][oc][p] over ic (and the taps kh, kw of a K x K
/// window, outermost in the reduction): a tile of output channels (unrolled, broadcast
/// weights) x columns (whole vectors; the image's last tile masked), the reduction
/// outside the tile, channel blocks or column tiles in parallel.
Status schedulePointwiseMatrix(Schedule &s, const loop::Stage &stage, const CpuScheduleParams &p) {
  const std::string &name = stage.output.name;
  int64_t cb = convChannelBlock(stage.output.shape[1], p.pointwiseMatrixChannelBlock);
  int64_t columns = std::max(p.vectorWidth, p.pointwiseMatrixColumns / p.vectorWidth * p.vectorWidth);
  TS_RETURN_IF_ERROR(s.split(name, "oc", cb, "co", "ci"));
  TS_RETURN_IF_ERROR(s.split(name, "p", columns, "po", "pi"));
  TS_RETURN_IF_ERROR(s.split(name, "pi", p.vectorWidth, "pu", "pv"));
  // Many channel blocks: each streams its output rows, channel blocks in parallel.
  // Few (a squeeze to 16-32 channels): column tiles outside, so a tile's input
  // columns stay in L1 while every block reads them and the image's many tiles are
  // the parallel work.
  bool columnsOuter = stage.output.shape[1] / cb < p.pointwiseMatrixMinChannelBlocks;
  std::string outer = columnsOuter ? "po" : "co", inner = columnsOuter ? "co" : "po";
  std::vector<std::string> order = {"n", outer, inner};
  for (const loop::ReduceAxis &axis : stage.reduceAxes) order.push_back(axis.name);
  order.insert(order.end(), {"ci", "pu", "pv"});
  TS_RETURN_IF_ERROR(s.reorder(name, order));
  TS_RETURN_IF_ERROR(s.cacheWrite(name, inner, loop::MemScope::Local));
  if (cb > 1) TS_RETURN_IF_ERROR(s.unroll(name, "ci"));
  if (columns > p.vectorWidth) TS_RETURN_IF_ERROR(s.unroll(name, "pu"));
  TS_RETURN_IF_ERROR(s.vectorize(name, "pv"));
  if (prefetchesWeights(ceilDiv(stage.output.shape[2], columns), p))
    TS_RETURN_IF_ERROR(s.prefetch(name, stage.body->operands[1]->name, stage.reduceAxes.back().name, "oc",
                                  cb * p.weightPrefetch));
  // Only (n, outer) may fuse: the tile's accumulators live inside `inner`.
  return parallelizeOuter(s, name, 2, p);
}

/// A convolution with one input channel per group -- depthwise convs, and convs of a
/// one-channel image -- and a window of at most 25 taps, all unrolled in the tile.
bool isDepthwiseConv(const loop::Stage &stage) {
  const std::vector<loop::ReduceAxis> &r = stage.reduceAxes;
  return stage.combiner == loop::Combiner::Sum && stage.axes.size() == 4 && r.size() == 3 && r[0].name == "ic" &&
         r[0].extent == 1 && r[1].extent * r[2].extent <= 25;
}

/// A 2-D max (or min) pool over NCHW of at most 25 taps: per channel, the same
/// window as a depthwise conv.
bool isWindowPool(const loop::Stage &stage) {
  const std::vector<loop::ReduceAxis> &r = stage.reduceAxes;
  bool maxOrMin = stage.combiner == loop::Combiner::Max || stage.combiner == loop::Combiner::Min;
  return maxOrMin && stage.axes.size() == 4 && r.size() == 2 && r[0].extent * r[1].extent <= 25 &&
         stage.output.shape[3] >= 4;
}

constexpr int64_t kMaxWindowTileTaps = 96;

/// Depthwise convs and 2-D pools: [n, co] in parallel, then rows (ho) and columns
/// (wo) of tiles of ci channels x hi rows x wi lanes, the taps unrolled around them:
/// a tile's rows share input rows, loaded once for all the taps that read them (a
/// stride-2 window's rows share one in three). One channel per tile by default: the
/// tile reads a few rows of one channel, where the generic tile of 8 channels reads
/// 24 rows at once (SqueezeNet's max pools: 0.35 -> 0.28 ms in the model).
/// The borders of ho and wo are what partition-loops peels off, the middle tiles
/// load without masks; a row of at most windowUnrollColumnTiles tiles (all borders)
/// has them unrolled, so each tile's masks are constants.
Status scheduleWindowTile(Schedule &s, const loop::Stage &stage, const CpuScheduleParams &p) {
  const std::string &name = stage.output.name;
  const std::string &channel = stage.axes[1], &row = stage.axes[2], &column = stage.axes[3];
  int64_t cb = blockFor(stage.output.shape[1], p.depthwiseChannelBlock);
  // At most kMaxWindowTileTaps taps unrolled per tile (5x5 windows get fewer rows):
  // code size and compile time stay bounded.
  size_t first = stage.reduceAxes.size() - 2;  // a depthwise conv's ic (extent 1) comes first
  const loop::ReduceAxis &kh = stage.reduceAxes[first], &kw = stage.reduceAxes[first + 1];
  int64_t taps = kh.extent * kw.extent;
  int64_t rowBlock = stage.combiner == loop::Combiner::Sum ? p.depthwiseRowBlock : p.poolRowBlock;
  int64_t rows = std::min(windowRows(stage.output.shape[2], rowBlock),
                          std::max<int64_t>(1, kMaxWindowTileTaps / (taps * cb)));
  TS_RETURN_IF_ERROR(s.split(name, channel, cb, "co", "ci"));
  TS_RETURN_IF_ERROR(s.split(name, row, rows, "ho", "hi"));
  TS_RETURN_IF_ERROR(s.split(name, column, p.vectorWidth, "wo", "wi"));
  std::vector<std::string> order = {stage.axes[0], "co", "ho", "wo"};
  for (const loop::ReduceAxis &r : stage.reduceAxes) order.push_back(r.name);
  for (const char *axis : {"ci", "hi", "wi"}) order.push_back(axis);
  TS_RETURN_IF_ERROR(s.reorder(name, order));
  TS_RETURN_IF_ERROR(s.cacheWrite(name, "wo", loop::MemScope::Local));
  for (const std::string &axis : {kh.name, kw.name, std::string("ci"), std::string("hi")})
    TS_RETURN_IF_ERROR(s.unroll(name, axis));
  int64_t columnTiles = (stage.output.shape[3] + p.vectorWidth - 1) / p.vectorWidth;
  if (columnTiles > 1 && columnTiles <= p.windowUnrollColumnTiles) TS_RETURN_IF_ERROR(s.unroll(name, "wo"));
  TS_RETURN_IF_ERROR(s.vectorize(name, "wi"));
  return parallelizeOuter(s, name, 2, p);
}

bool isDenseConv(const loop::Stage &stage) {
  return stage.combiner == loop::Combiner::Sum && stage.reduceAxes.size() == 3 && stage.reduceAxes[0].name == "ic" &&
         stage.reduceAxes[0].extent > 1 && stage.axes.size() == 4;
}

bool isTiledReduction(const loop::Stage &stage) {
  size_t rank = stage.axes.size();
  // Max/min windows over NCHW (pooling) tile like convolutions.
  bool pooling = (stage.combiner == loop::Combiner::Max || stage.combiner == loop::Combiner::Min) && rank == 4;
  if (stage.combiner != loop::Combiner::Sum && !pooling) return false;
  return rank >= 2 && stage.output.shape[rank - 1] >= 4;
}

} // namespace

CpuScheduleParams scheduleParamsFor(int vectorRegisters) {
  CpuScheduleParams params;
  if (vectorRegisters < 32) return params;
#define TESSERA_SCHEDULE_PARAM(name, type, value, wideValue, min, description) params.name = wideValue;
#include "compiler/lower/schedule_params.def"
  return params;
}

namespace {

/// 1x1 convolutions of every image size as matrix products with this many columns per
/// register tile (8 output channels per tile where the parameters had them off).
void asPointwiseMatrix(CpuScheduleParams &p, int64_t columns) {
  p.pointwiseMatrixMinPixels = 0;
  if (p.pointwiseMatrixChannelBlock == 0) p.pointwiseMatrixChannelBlock = 8;
  p.pointwiseMatrixColumns = columns;
}

} // namespace

std::vector<ScheduleCandidate> tuningCandidates(const CpuScheduleParams &base) {
  std::vector<ScheduleCandidate> candidates = {{"default", base}};
  std::set<std::string> printed = {printScheduleParams(base)};  // no candidate twice
#define TESSERA_SCHEDULE_CANDIDATE(label, applies, ...)                                                                \
  if (applies) {                                                                                                       \
    CpuScheduleParams p = base;                                                                                        \
    __VA_ARGS__                                                                                                        \
    if (printed.insert(printScheduleParams(p)).second) candidates.push_back({label, p});                               \
  }
#include "compiler/lower/schedule_params.def"
  return candidates;
}

namespace {

/// Sets `field` to `value` after checking it against the parameter's least value (a
/// bool takes any integer: 0 is false).
template <typename T>
Status setChecked(T &field, const std::string &name, int64_t value, int64_t min) {
  if constexpr (std::is_same_v<T, bool>) {
    field = value != 0;
    return absl::OkStatus();
  }
  if (value < 0) return invalidInput("schedule parameter '%s' must not be negative", name);
  if (value < min) return invalidInput("schedule parameter '%s' must be at least %d", name, min);
  if (name == "winogradOutputTile" && value != 0 && value != 2 && value != 4)
    return invalidInput(
        "schedule parameter 'winogradOutputTile' must be 0 (off), 2 (F(2x2, 3x3)) or 4 (F(4x4, 3x3)), not %d", value);
  field = static_cast<T>(value);
  return absl::OkStatus();
}

} // namespace

Status setScheduleParam(CpuScheduleParams &params, const std::string &assignment) {
  size_t eq = assignment.find('=');
  std::string name = assignment.substr(0, eq), text = eq == std::string::npos ? "" : assignment.substr(eq + 1);
  int64_t value = 0;
  if (eq == std::string::npos || !absl::SimpleAtoi(text, &value))
    return invalidInput("schedule parameter '%s': expected NAME=INTEGER", assignment);
#define TESSERA_SCHEDULE_PARAM(field, type, value_, wideValue, min, description)                                      \
  if (name == #field) return setChecked(params.field, name, value, min);
#include "compiler/lower/schedule_params.def"
  // The switches first, then the sizes (the order the message has always had).
  std::vector<std::string> known;
#define TESSERA_SCHEDULE_PARAM(field, type, value_, wideValue, min, description)                                      \
  if (std::is_same_v<type, bool>) known.push_back(#field);
#include "compiler/lower/schedule_params.def"
#define TESSERA_SCHEDULE_PARAM(field, type, value_, wideValue, min, description)                                      \
  if (!std::is_same_v<type, bool>) known.push_back(#field);
#include "compiler/lower/schedule_params.def"
  return invalidInput("unknown schedule parameter '%s' (known: %s)", name, joinStrings(known, ", "));
}

std::string printScheduleParams(const CpuScheduleParams &params) {
  std::string text;
#define TESSERA_SCHEDULE_PARAM(name, type, value, wideValue, min, description)                                         \
  text += strCat(#name "=", int64_t(params.name), "\n");
#include "compiler/lower/schedule_params.def"
  return text;
}

std::string scheduleParamsHelp() {
  std::string text;
#define TESSERA_SCHEDULE_PARAM(name, type, value, wideValue, min, description)                                         \
  text += int64_t(value) == int64_t(wideValue)                                                                         \
              ? absl::StrFormat("%s=%d: %s\n", #name, int64_t(value), description)                                   \
              : absl::StrFormat("%s=%d (%d with AVX-512): %s\n", #name, int64_t(value), int64_t(wideValue),          \
                                description);
#include "compiler/lower/schedule_params.def"
  return text;
}

DescribeOptions describeOptionsFor(const CpuScheduleParams &params) {
  DescribeOptions describe;
  describe.convWeightBlock = params.convChannelBlock;
  describe.rowTileChannelBlock = params.rowTileChannelBlock;
  describe.rowTileMaxInputChannels = params.rowTileMaxInputChannels;
  describe.winogradOutputTile = params.winogradOutputTile;
  describe.winogradMinChannels = params.winogradMinChannels;
  describe.winogradMinPixels = params.winogradMinPixels;
  describe.winogradWeightBlock = params.winogradChannelBlock;
  describe.winogradColumnAlign = params.winogradColumnAlign;
  describe.pointwiseWeightBlock = params.pointwiseMatrixChannelBlock;
  describe.pointwiseMinPixels = params.pointwiseMatrixMinPixels;
  describe.windowMatrixMaxKernel = params.windowMatrixMaxKernel;
  describe.inlineDepthwisePadding = params.inlineDepthwisePadding;
  describe.gemmColumnBlock = params.gemmColumnBlock;
  describe.vectorWidth = params.vectorWidth;
  describe.transposeGemmWeights = params.transposeGemmWeights;
  return describe;
}

Status scheduleForCpu(Schedule &schedule, const CpuScheduleParams &params) {
  for (const loop::Stage &stage : schedule.func().stages) {
    if (stage.role == "winograd.input")
      TS_RETURN_IF_ERROR(scheduleWinogradInput(schedule, stage, params));
    else if (stage.role == "winograd.product")
      TS_RETURN_IF_ERROR(scheduleWinogradProduct(schedule, stage, params));
    else if (stage.role == "conv.matrix")
      TS_RETURN_IF_ERROR(schedulePointwiseMatrix(schedule, stage, params));
    else if (stage.role == "winograd.output")
      TS_RETURN_IF_ERROR(scheduleWinogradOutput(schedule, stage, params));
    else if (stage.role == "conv.rows")
      TS_RETURN_IF_ERROR(scheduleRowTileConv(schedule, stage, params));
    else if (isDenseConv(stage) && isPointwiseRowConv(stage, params))
      TS_RETURN_IF_ERROR(schedulePointwiseConv(schedule, stage, params));
    else if (isDenseConv(stage))
      TS_RETURN_IF_ERROR(scheduleConv(schedule, stage, params));
    else if ((isDepthwiseConv(stage) || isWindowPool(stage)) && params.depthwiseChannelBlock > 0)
      TS_RETURN_IF_ERROR(scheduleWindowTile(schedule, stage, params));
    else if (stage.role == "matmul")
      TS_RETURN_IF_ERROR(scheduleMatrixProduct(schedule, stage, params));
    else if (isTiledReduction(stage))
      TS_RETURN_IF_ERROR(scheduleTiledReduction(schedule, stage, params));
    else
      TS_RETURN_IF_ERROR(scheduleSimple(schedule, stage, params));
  }
  return absl::OkStatus();
}

} // namespace tessera::lower
