//===- op_compute_pointwise.cpp - 1x1 convolutions as matrix products -------------===//
//
// A 1x1, stride-1, unpadded convolution is the matrix product
//
//   out[n][oc][p] = bias[oc] + sum_ic W[oc][ic] * x[n][ic][p],   p = h * W + w
//
// over the flattened image: the kernel binds x, the output and any fused operand
// with their spatial axes merged (Builder::mergeSpatialAxes), so a row of outputs is
// the whole image whatever its width (7, 13, 14, 55, ...), and a register tile reads
// contiguous input instead of one broadcast per column. Weights are packed
// [O/b][I][b] so a tile's b output channels read adjacent weights.
//
//===----------------------------------------------------------------------===//
#include <algorithm>

#include "compiler/graph/conv_geometry.h"
#include "compiler/lower/op_compute_builder.h"

namespace tessera::lower::detail {

bool isPointwiseMatrixConv(const Builder &b, const Node &node) {
  if (b.options_.pointwiseWeightBlock <= 0 || node.op != "Conv" || node.attrs.getInt("group", 1) != 1) return false;
  const Shape &xs = b.shapeOf(node.input(0)), &ws = b.shapeOf(node.input(1));
  if (xs.size() != 4 || ws.size() != 4 || ws[2] != 1 || ws[3] != 1 || !b.graph_.constantOf(node.input(1))) return false;
  if (xs[2] * xs[3] < b.options_.pointwiseMinPixels) return false;
  auto geo = graph::computeWindowGeometry(node.attrs, {xs[2], xs[3]}, {1, 1}, false);
  if (!geo.ok()) return false;
  for (size_t d = 0; d < 2; ++d)
    if (geo->strides[d] != 1 || geo->padBegin[d] != 0 || geo->padEnd[d] != 0) return false;
  return true;
}

StatusOr<loop::Stage> describePointwiseMatrixConv(Builder &b, const Node &node) {
  const Shape &xs = b.shapeOf(node.input(0)), &ws = b.shapeOf(node.input(1));
  b.mergeSpatialAxes(xs[2], xs[3]);
  TS_ASSIGN_OR_RETURN(loop::Buffer x, b.param(node.input(0)));
  int64_t block = convChannelBlock(ws[0], b.options_.pointwiseWeightBlock);
  // [O/b][1][1][I][b] holds the same bytes as [O/b][I][b].
  Tensor packed = packConvWeights(*b.graph_.constantOf(node.input(1)), block);
  Tensor matrix(DType::F32, {ws[0] / block, ws[1], block});
  std::copy(packed.data<float>(), packed.data<float>() + packed.elementCount(), matrix.data<float>());
  loop::Buffer w = b.constantParam(strCat(node.input(1), ".oi", block, "o"), std::move(matrix));
  loop::Stage s;
  s.axes = {"n", "oc", "p"};
  s.reduceAxes = {{"ic", ws[1]}};
  s.combiner = loop::Combiner::Sum;
  Expr oc = loop::var("oc"), ic = loop::var("ic");
  s.body = loop::load(x.name, DType::F32, {loop::var("n"), ic, loop::var("p")}) *
           loop::load(w.name, DType::F32, {oc / i(block), ic, oc % i(block)});
  s.init = f(0);
  if (node.hasInput(2)) {
    TS_ASSIGN_OR_RETURN(loop::Buffer bias, b.param(node.input(2)));
    s.init = loop::load(bias.name, DType::F32, {oc});
  }
  s.role = "conv.pointwise";
  return s;
}

} // namespace tessera::lower::detail
