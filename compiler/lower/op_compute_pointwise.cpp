//===- op_compute_pointwise.cpp - Convolutions as matrix products over the image ----===//
//
// A 1x1, stride-1, unpadded convolution is the matrix product
//
//   out[n][oc][p] = bias[oc] + sum_ic W[oc][ic] * x[n][ic][p],   p = h * W + w
//
// over the flattened image: the kernel binds x, the output and any fused operand
// with their spatial axes merged (Builder::mergeSpatialAxes), so a row of outputs is
// the whole image whatever its width (7, 13, 14, 55, ...), and a register tile reads
// contiguous input instead of one broadcast per column. Weights are packed
// [O/b][I][b] ([O/b][KH][KW][I][b] for a window below) so a tile's b output channels
// read adjacent weights.
//
// A K x K convolution of stride 1 whose output keeps the input's size (padding
// (K - 1) * dilation in all) is a sum of such products, one per tap (kh, kw):
//
//   out[n][oc][p] += W[oc][ic][kh][kw] * x[n][ic][p + dy * W + dx]
//
// with dy = kh * dilation - padTop and dx = kw * dilation - padLeft, where the tap's
// input row and column lie inside the image and 0 elsewhere. The bounds select over a
// clamped index is what the CPU code generator turns into a masked vector load, so no
// padded copy is written and the output is stored as whole vectors.
//
//===----------------------------------------------------------------------===//
#include <algorithm>

#include "compiler/graph/conv_geometry.h"
#include "compiler/lower/op_compute_builder.h"

namespace tessera::lower::detail {
namespace {

/// The window geometry when `node` is a stride-1 convolution whose output has the
/// input's height and width (zero padding of (K - 1) * dilation per axis).
std::optional<graph::WindowGeometry> sizeKeepingGeometry(const Node &node, const Shape &xs, const Shape &ws) {
  auto geo = graph::computeWindowGeometry(node.attrs, {xs[2], xs[3]}, {ws[2], ws[3]}, false);
  if (!geo.ok()) return std::nullopt;
  for (size_t d = 0; d < 2; ++d)
    if (geo->strides[d] != 1 || geo->padBegin[d] + geo->padEnd[d] != (ws[2 + d] - 1) * geo->dilations[d])
      return std::nullopt;
  return *geo;
}

} // namespace

bool isPointwiseMatrixConv(const Builder &b, const Node &node) {
  if (b.options_.pointwiseWeightBlock <= 0 || node.op != "Conv" || node.attrs.getInt("group", 1) != 1) return false;
  const Shape &xs = b.shapeOf(node.input(0)), &ws = b.shapeOf(node.input(1));
  if (xs.size() != 4 || ws.size() != 4 || !b.graph_.constantOf(node.input(1))) return false;
  bool pointwise = ws[2] == 1 && ws[3] == 1;
  if (!pointwise && std::max(ws[2], ws[3]) > b.options_.windowMatrixMaxKernel) return false;
  if (xs[2] * xs[3] < b.options_.pointwiseMinPixels) return false;
  return sizeKeepingGeometry(node, xs, ws).has_value();
}

StatusOr<loop::Stage> describePointwiseMatrixConv(Builder &b, const Node &node) {
  const Shape &xs = b.shapeOf(node.input(0)), &ws = b.shapeOf(node.input(1));
  std::optional<graph::WindowGeometry> geo = sizeKeepingGeometry(node, xs, ws);
  // isPointwiseMatrixConv admitted the node: reaching here without the geometry is a bug.
  if (!geo)
    return absl::InternalError(
        strCat(node.op, " defining ", node.outputs[0], ": not a stride-1 convolution that keeps the image size"));
  b.mergeSpatialAxes(xs[2], xs[3]);
  TS_ASSIGN_OR_RETURN(loop::Buffer x, b.param(node.input(0)));
  int64_t block = convChannelBlock(ws[0], b.options_.pointwiseWeightBlock);
  bool window = ws[2] > 1 || ws[3] > 1;
  Tensor packed = packConvWeights(*b.graph_.constantOf(node.input(1)), block);
  if (!window) {  // [O/b][1][1][I][b] holds the same bytes as [O/b][I][b]
    Tensor matrix(DType::F32, {ws[0] / block, ws[1], block});
    std::copy(packed.data<float>(), packed.data<float>() + packed.elementCount(), matrix.data<float>());
    packed = std::move(matrix);
  }
  loop::Buffer w = b.constantParam(strCat(node.input(1), window ? ".ohwi" : ".oi", block, "o"), std::move(packed));
  loop::Stage s;
  s.axes = {"n", "oc", "p"};
  s.combiner = loop::Combiner::Sum;
  Expr oc = loop::var("oc"), ic = loop::var("ic"), p = loop::var("p");
  Expr input = loop::load(x.name, DType::F32, {loop::var("n"), ic, p});
  std::vector<Expr> wIndex = {oc / i(block), ic, oc % i(block)};
  if (window) {
    s.reduceAxes = {{"kh", ws[2]}, {"kw", ws[3]}};
    Expr kh = loop::var("kh"), kw = loop::var("kw");
    int64_t pixels = xs[2] * xs[3];
    Expr dy = kh * i(geo->dilations[0]) - i(geo->padBegin[0]), dx = kw * i(geo->dilations[1]) - i(geo->padBegin[1]);
    Expr shifted = p + dy * i(xs[3]) + dx, column = p % i(xs[3]) + dx;
    Expr inside = loop::andExpr(loop::andExpr(loop::geExpr(shifted, i(0)), loop::ltExpr(shifted, i(pixels))),
                                loop::andExpr(loop::geExpr(column, i(0)), loop::ltExpr(column, i(xs[3]))));
    input = loop::select(inside, loop::load(x.name, DType::F32, {loop::var("n"), ic, clampIndex(shifted, pixels)}),
                         f(0));
    wIndex = {oc / i(block), kh, kw, ic, oc % i(block)};
  }
  s.reduceAxes.push_back({"ic", ws[1]});
  s.body = input * loop::load(w.name, DType::F32, wIndex);
  s.init = f(0);
  if (node.hasInput(2)) {
    TS_ASSIGN_OR_RETURN(loop::Buffer bias, b.param(node.input(2)));
    s.init = loop::load(bias.name, DType::F32, {oc});
  }
  s.role = "conv.matrix";
  return s;
}

} // namespace tessera::lower::detail
