//===- op_compute_matmul.cpp - Gemm and MatMul as compute stages ---------------===//
//
// Gemm (alpha * A' B' + beta * C on matrices) and MatMul with numpy semantics: the
// last two axes multiply, the leading (batch) axes broadcast, a 1-D first operand
// is a row and a 1-D second operand a column (their axis absent from the result).
//
// A MatMul of an N-D operand and a matrix -- a linear layer over a sequence -- is
// one matrix product over the rows of every batch: the kernel binds the operand,
// the result and any fused operand with their leading axes merged
// (Builder::mergeLeadingAxes), so the schedule blocks rows across batches (a
// [32, 1, 128] x [128, 384] product has 32 rows, not 32 products of one row).
//
//===----------------------------------------------------------------------===//
#include "compiler/lower/op_compute_builder.h"

namespace tessera::lower::detail {
namespace {

/// [N][K] -> [N / t][K][t]: column tiles of t, each contiguous.
Tensor packColumnTiles(const Tensor &m, int64_t t) {
  int64_t rows = m.shape()[0], cols = m.shape()[1];
  Tensor packed(DType::F32, {rows / t, cols, t});
  const float *src = m.data<float>();
  float *dst = packed.data<float>();
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) dst[((r / t) * cols + c) * t + r % t] = src[r * cols + c];
  return packed;
}

/// [N][K] -> [K][N].
Tensor transposeMatrix(const Tensor &m) {
  int64_t rows = m.shape()[0], cols = m.shape()[1];
  Tensor t(DType::F32, {cols, rows});
  const float *src = m.data<float>();
  float *dst = t.data<float>();
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) dst[c * rows + r] = src[r * cols + c];
  return t;
}

/// The matrix product as a reduction over "k" of A[batch..., i, k] * B[batch..., k, j]
/// (without transposes): each operand's batch axes read the output's batch axes
/// under numpy broadcasting; a 1-D operand has no row (A) or column (B) axis.
struct MatMulAxes {
  std::vector<std::string> axes;  // the output's
  std::vector<Expr> a, b;         // the operands' indices
};

std::vector<Expr> batchIndex(const Shape &operand, size_t matrixAxes, const Shape &outBatch,
                             const std::vector<std::string> &batchAxes) {
  std::vector<Expr> index;
  size_t batch = operand.size() - matrixAxes, offset = outBatch.size() - batch;
  for (size_t d = 0; d < batch; ++d)
    index.push_back(operand[d] == 1 && outBatch[d + offset] != 1 ? i(0) : loop::var(batchAxes[d + offset]));
  return index;
}

MatMulAxes broadcastMatMulAxes(const Shape &as, const Shape &bs, const Shape &out) {
  bool rowA = as.size() == 1, columnB = bs.size() == 1;
  size_t batchRank = out.size() - (rowA ? 0 : 1) - (columnB ? 0 : 1);
  Shape outBatch(out.begin(), out.begin() + static_cast<long>(batchRank));
  MatMulAxes m;
  m.axes = axisNames(batchRank, "m");
  m.a = batchIndex(as, rowA ? 1 : 2, outBatch, m.axes);
  m.b = batchIndex(bs, columnB ? 1 : 2, outBatch, m.axes);
  if (!rowA) m.axes.push_back("i");
  if (!columnB) m.axes.push_back("j");
  if (!rowA) m.a.push_back(loop::var("i"));
  m.a.push_back(loop::var("k"));
  m.b.push_back(loop::var("k"));
  if (!columnB) m.b.push_back(loop::var("j"));
  return m;
}

/// A MatMul of an operand of rank 3 or more and a matrix: one product over the
/// rows of all its batches.
bool mergesRows(const Node &node, const Shape &as, const Shape &bs, const Shape &out) {
  return node.op == "MatMul" && as.size() >= 3 && bs.size() == 2 && out.size() == as.size();
}

loop::Stage productStage(std::vector<std::string> axes, int64_t k, Expr body) {
  loop::Stage s;
  s.axes = std::move(axes);
  s.reduceAxes = {{"k", k}};
  s.combiner = loop::Combiner::Sum;
  s.body = std::move(body);
  s.init = f(0);
  // Products with both a row and a column axis take the matrix register tile.
  size_t rank = s.axes.size();
  if (rank >= 2 && s.axes[rank - 2] == "i" && s.axes[rank - 1] == "j") s.role = "matmul";
  return s;
}

/// MatMul with broadcast batch axes or 1-D operands, and N-D x matrix products.
StatusOr<loop::Stage> describeBroadcastMatMul(Builder &b, const Node &node) {
  const Shape &as = b.shapeOf(node.input(0)), &bs = b.shapeOf(node.input(1)), &out = b.shapeOf(node.outputs[0]);
  int64_t k = as.back();
  if (bs.size() >= 2 ? bs[bs.size() - 2] != k : bs[0] != k)
    return unimplemented(node, "operands whose inner extents differ");
  // The matrix operand is bound before the merge: it does not line up with the
  // output's leading axes.
  TS_ASSIGN_OR_RETURN(loop::Buffer bb, b.param(node.input(1)));
  if (mergesRows(node, as, bs, out)) b.mergeLeadingAxes(out.size() - 1);
  TS_ASSIGN_OR_RETURN(loop::Buffer a, b.param(node.input(0)));
  MatMulAxes m = broadcastMatMulAxes(a.shape, bb.shape, b.output_.shape);
  if (m.axes.size() != b.output_.shape.size()) return unimplemented(node, "a result rank the operands do not give");
  return productStage(m.axes, k, loop::load(a.name, DType::F32, m.a) * loop::load(bb.name, DType::F32, m.b));
}

/// MatMul with equal batch axes, or Gemm with its transposes and packed constant B.
StatusOr<loop::Stage> describeMatrixProduct(Builder &b, const Node &node) {
  const Shape &as = b.shapeOf(node.input(0)), &bs = b.shapeOf(node.input(1));
  bool gemm = node.op == "Gemm";
  bool ta = gemm && node.attrs.getInt("transA", 0), tb = gemm && node.attrs.getInt("transB", 0);
  size_t rank = as.size();
  int64_t k = ta ? as[rank - 2] : as[rank - 1];
  TS_ASSIGN_OR_RETURN(loop::Buffer a, b.param(node.input(0)));
  loop::Buffer bb;
  const Tensor *constantB = b.graph_.constantOf(node.input(1));
  int64_t rows = ta ? as[rank - 1] : as[rank - 2], tile = 0;
  if (tb && constantB && b.options_.transposeGemmWeights && rows < 4 && rank == 2)
    tile = gemmColumnTile(bs[0], b.options_.gemmColumnBlock, b.options_.vectorWidth);
  if (tile) {
    bb = b.constantParam(strCat(node.input(1), ".kn", tile), packColumnTiles(*constantB, tile));
    tb = false;
  } else if (tb && constantB && b.options_.transposeGemmWeights) {
    bb = b.constantParam(strCat(node.input(1), ".kn"), transposeMatrix(*constantB));
    tb = false;
  } else {
    TS_ASSIGN_OR_RETURN(bb, b.param(node.input(1)));
  }
  std::vector<std::string> axes = axisNames(rank, "m");
  axes[rank - 2] = "i";
  axes[rank - 1] = "j";
  std::vector<Expr> ai, bi;
  for (size_t d = 0; d + 2 < rank; ++d) {
    ai.push_back(loop::var(axes[d]));
    bi.push_back(loop::var(axes[d]));
  }
  Expr iv = loop::var("i"), jv = loop::var("j"), kv = loop::var("k");
  ai.push_back(ta ? kv : iv);
  ai.push_back(ta ? iv : kv);
  if (tile) {
    bi = {jv / i(tile), kv, jv % i(tile)};
  } else {
    bi.push_back(tb ? jv : kv);
    bi.push_back(tb ? kv : jv);
  }
  loop::Stage s = productStage(axes, k, loop::load(a.name, DType::F32, ai) * loop::load(bb.name, DType::F32, bi));
  float alpha = gemm ? node.attrs.getFloat("alpha", 1.0f) : 1.0f, beta = gemm ? node.attrs.getFloat("beta", 1.0f) : 0.0f;
  if (gemm && node.hasInput(2) && beta != 0.0f) {
    TS_ASSIGN_OR_RETURN(Expr c, b.broadcastLoad(node.input(2), s.axes));
    s.init = beta == 1.0f ? c : f(beta) * c;
  }
  if (alpha == 1.0f) return s;
  // alpha scales the product only: accumulate from 0, add beta * C afterwards.
  s.output = b.output_;
  s.epilogue = f(alpha) * s.accumulated() + s.init;
  s.init = f(0);
  return s;
}

} // namespace

StatusOr<loop::Stage> describeMatMul(Builder &b, const Node &node) {
  const Shape &as = b.shapeOf(node.input(0)), &bs = b.shapeOf(node.input(1));
  if (node.op == "Gemm") {
    if (as.size() != 2 || bs.size() != 2) return unimplemented(node, "only matrix operands are lowered");
    return describeMatrixProduct(b, node);
  }
  if (as.empty() || bs.empty()) return unimplemented(node, "scalar operands");
  bool sameBatch = as.size() >= 2 && as.size() == bs.size() && std::equal(as.begin(), as.end() - 2, bs.begin());
  if (sameBatch) return describeMatrixProduct(b, node);
  return describeBroadcastMatMul(b, node);
}

} // namespace tessera::lower::detail
