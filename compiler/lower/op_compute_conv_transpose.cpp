//===- op_compute_conv_transpose.cpp - ConvTranspose as a gathering reduction -----------===//
//
// Each output element gathers the input elements that scatter into it:
//
//   out[n, oc, o..] = B[oc] + sum_{ic, k..} x[n, g*I + ic, (o + pad - k*dil) / s ..] * w[g*I + ic, oc % M, k..]
//
// where the division must be exact and land inside the input (g = oc / M, I input
// channels and M output channels per group). 1-D to 3-D; geometry (pads from
// output_shape, auto_pad, output_padding) from graph::computeTransposedGeometry.
//
//===----------------------------------------------------------------------===//
#include <algorithm>

#include "compiler/graph/conv_geometry.h"
#include "compiler/lower/op_compute_builder.h"

namespace tessera::lower::detail {

StatusOr<loop::Stage> describeConvTranspose(Builder &b, const Node &node) {
  TS_ASSIGN_OR_RETURN(loop::Buffer x, b.param(node.input(0)));
  TS_ASSIGN_OR_RETURN(loop::Buffer w, b.param(node.input(1)));
  const Shape &xs = x.shape, &ws = w.shape;
  int64_t group = node.attrs.getInt("group", 1);
  if (xs.size() < 3 || xs.size() > 5 || ws.size() != xs.size() || group <= 0 || xs[1] != ws[0] || xs[1] % group ||
      x.dtype != DType::F32 || w.dtype != DType::F32)
    return unimplemented(node, "f32 input and weights of a 1-D to 3-D transposed convolution expected");
  size_t rank = xs.size() - 2;
  Shape spatial(xs.begin() + 2, xs.end()), kernel(ws.begin() + 2, ws.end());
  TS_ASSIGN_OR_RETURN(graph::WindowGeometry geo, graph::computeTransposedGeometry(node.attrs, spatial, kernel));
  int64_t groupIn = xs[1] / group, groupOut = ws[1];
  const Shape &out = b.output_.shape;
  if (out.size() != xs.size() || out[1] != groupOut * group || !std::equal(geo.output.begin(), geo.output.end(), out.begin() + 2))
    return unimplemented(node, "the result shape does not match the geometry");
  loop::Stage s = b.stageFor(b.output_, "t");
  Expr oc = loop::var(s.axes[1]);
  s.reduceAxes = {{"tc", groupIn}};
  Expr channel = (oc / i(groupOut)) * i(groupIn) + loop::var("tc");
  std::vector<Expr> xIndex = {loop::var(s.axes[0]), channel}, wIndex = {channel, oc % i(groupOut)};
  Expr inside;
  for (size_t d = 0; d < rank; ++d) {
    std::string k = strCat("tk", d);
    s.reduceAxes.push_back({k, kernel[d]});
    Expr p = loop::var(s.axes[2 + d]) + i(geo.padBegin[d]) - loop::var(k) * i(geo.dilations[d]);
    Expr at = p / i(geo.strides[d]);
    Expr ok = loop::andExpr(loop::geExpr(p, i(0)), loop::ltExpr(at, i(spatial[d])));
    if (geo.strides[d] > 1) ok = loop::andExpr(ok, loop::binary(loop::BinOp::Eq, p % i(geo.strides[d]), i(0)));
    inside = inside ? loop::andExpr(inside, ok) : ok;
    xIndex.push_back(clampIndex(at, spatial[d]));
    wIndex.push_back(loop::var(k));
  }
  s.combiner = loop::Combiner::Sum;
  s.init = f(0);
  if (node.hasInput(2)) {
    TS_ASSIGN_OR_RETURN(loop::Buffer bias, b.param(node.input(2)));
    s.init = loop::load(bias.name, DType::F32, {oc});
  }
  Expr product = loop::load(x.name, DType::F32, xIndex) * loop::load(w.name, DType::F32, wIndex);
  s.body = loop::select(inside, product, f(0));
  return s;
}

} // namespace tessera::lower::detail
