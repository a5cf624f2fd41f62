//===- op_compute_winograd.cpp - 3x3 convolutions as Winograd F(m x m, 3 x 3) ---------===//
//
// Lavin and Gray's minimal filtering for stride-1 3x3 convolutions, m = 2 or 4. The
// output is cut into m x m tiles; each reads an a x a input tile (a = m + 2),
// transformed as V = Bt d B; the weights are transformed once, here, as U = G g Gt;
// each of the a*a points is then a matrix product over input channels,
// M[p] = U[p] V[p] (the bulk of the work: a*a / (9 m*m) of the direct convolution's
// MACs, 1/2.25 for m = 2 and 1/4 for m = 4, whose transforms cost more and round
// more), and each tile is transformed back as Y = At M A. Four stages in one kernel:
//
//   wpad   [n][c][Hp][Wp]   the zero-padded input, tall enough for every tile row
//   wino_v [n][p][c][Tv]    input transform; tile t = row * TW + column
//   wino_m [n][p][oc][Tc]   the products (U packed [p][oc / b][c][b]); Tc, the tiles padded to a multiple of
//                           winogradColumnAlign, so the schedule's column tile
//                           needs no guard (the padding tiles transform zeros)
//   out    [n][oc][oh][ow]  output transform plus the bias, where fused epilogues go
//
// When m does not divide the output, the transform writes whole tiles to wino_y and
// a fifth stage crops it to `out` (the epilogue then goes there).
//
// The transforms are written out per point with their constant coefficients (zero
// terms dropped), selected by the point index; the schedules unroll the point loops,
// so each select folds to one formula.
//
//===----------------------------------------------------------------------===//
#include <cmath>
#include <functional>

#include "compiler/graph/conv_geometry.h"
#include "compiler/lower/op_compute_builder.h"

namespace tessera::lower::detail {
namespace {

/// The transform matrices of F(m, 3), row-major: Bt (a x a), G (a x 3), At (m x a).
struct WinogradMatrices {
  int64_t m, a;
  std::vector<double> bt, g, at;
};

/// F(2, 3) or F(4, 3) (isWinogradConv admits no other m).
WinogradMatrices matricesFor(int64_t m) {
  if (m == 4)  // interpolation points 0, 1, -1, 2, -2 and infinity
    return {4, 6,
            {4, 0, -5, 0, 1, 0, /**/ 0, -4, -4, 1, 1, 0, /**/ 0, 4, -4, -1, 1, 0,
             /**/ 0, -2, -1, 2, 1, 0, /**/ 0, 2, -1, -2, 1, 0, /**/ 0, 4, 0, -5, 0, 1},
            {1.0 / 4, 0, 0, /**/ -1.0 / 6, -1.0 / 6, -1.0 / 6, /**/ -1.0 / 6, 1.0 / 6, -1.0 / 6,
             /**/ 1.0 / 24, 1.0 / 12, 1.0 / 6, /**/ 1.0 / 24, -1.0 / 12, 1.0 / 6, /**/ 0, 0, 1},
            {1, 1, 1, 1, 1, 0, /**/ 0, 1, -1, 2, -2, 0, /**/ 0, 1, 1, 4, 4, 0, /**/ 0, 1, -1, 8, -8, 1}};
  // F(2, 3), interpolation points 0, 1, -1 and infinity.
  return {2, 4,
          {1, 0, -1, 0, /**/ 0, 1, 1, 0, /**/ 0, -1, 1, 0, /**/ 0, 1, 0, -1},
          {1, 0, 0, /**/ 0.5, 0.5, 0.5, /**/ 0.5, -0.5, 0.5, /**/ 0, 0, 1},
          {1, 1, 1, 0, /**/ 0, 1, -1, -1}};
}

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// sum_k coeff(k) * term(k) over the non-zero coefficients, without multiplying by +-1.
Expr linearCombination(const std::vector<std::pair<double, Expr>> &terms) {
  Expr sum;
  for (const auto &[c, e] : terms) {
    if (c == 0) continue;
    Expr term = std::fabs(c) == 1 ? e : f(std::fabs(c)) * e;
    if (!sum) sum = c < 0 ? f(0) - term : term;
    else sum = c < 0 ? sum - term : sum + term;
  }
  return sum ? sum : f(0);
}

/// (T d Tt)[i][j] for every i, j < rows, written out: T is rows x cols (row-major),
/// d(r, q) the tile's element; zero terms are dropped.
std::vector<Expr> transformTile(const std::vector<double> &t, int64_t rows, int64_t cols,
                                const std::function<Expr(int64_t, int64_t)> &d) {
  std::vector<Expr> out;
  for (int64_t ti = 0; ti < rows; ++ti)
    for (int64_t tj = 0; tj < rows; ++tj) {
      std::vector<std::pair<double, Expr>> terms;
      for (int64_t r = 0; r < cols; ++r)
        for (int64_t q = 0; q < cols; ++q)
          if (double c = t[ti * cols + r] * t[tj * cols + q]; c != 0) terms.emplace_back(c, d(r, q));
      out.push_back(linearCombination(terms));
    }
  return out;
}

/// select(index == 0, values[0], select(index == 1, values[1], ...)).
Expr selectByIndex(const Expr &index, const std::vector<Expr> &values) {
  Expr result = values.back();
  for (size_t k = values.size() - 1; k-- > 0;)
    result = loop::select(loop::binary(loop::BinOp::Eq, index, i(static_cast<int64_t>(k))), values[k], result);
  return result;
}

/// U[p][oc / b][c][oc % b] = (G g Gt)[i][j] for p = i * a + j, from OIHW weights: a
/// register tile's b output channels read adjacent weights, one stream per point.
Tensor transformWeights(const Tensor &w, const WinogradMatrices &mx, int64_t block) {
  const Shape &s = w.shape();
  int64_t oc = s[0], ic = s[1], a = mx.a;
  Tensor u(DType::F32, {a * a, oc / block, ic, block});
  const float *src = w.data<float>();
  float *dst = u.data<float>();
  for (int64_t o = 0; o < oc; ++o)
    for (int64_t c = 0; c < ic; ++c) {
      const float *g = src + (o * ic + c) * 9;
      for (int64_t i = 0; i < a; ++i)
        for (int64_t j = 0; j < a; ++j) {
          double sum = 0;
          for (int64_t r = 0; r < 3; ++r)
            for (int64_t q = 0; q < 3; ++q) sum += mx.g[i * 3 + r] * g[r * 3 + q] * mx.g[j * 3 + q];
          dst[(((i * a + j) * (oc / block) + o / block) * ic + c) * block + o % block] = static_cast<float>(sum);
        }
    }
  return u;
}

struct WinogradGeometry {
  WinogradMatrices mx;
  int64_t n, c, oc, oh, ow;
  int64_t tileRows = 0, tileColumns = 0;  ///< TH, TW: output tiles per column and row
  int64_t columns = 0;                    ///< Tc: tiles padded to the column alignment
  int64_t vRows = 0;                      ///< tile rows the input transform covers (>= Tc / TW)
  int64_t padTop = 0, padLeft = 0;
};

loop::Stage padStage(Builder &b, const loop::Buffer &x, const WinogradGeometry &g) {
  loop::Stage pad;
  pad.output = b.temp("wpad", {g.n, g.c, g.mx.m * g.vRows + 2, g.mx.m * g.tileColumns + 2});
  pad.axes = {"pn", "pc", "ph", "pw"};
  pad.body = zeroPaddedLoad(x, loop::var("pn"), loop::var("pc"), loop::var("ph") - i(g.padTop),
                            loop::var("pw") - i(g.padLeft));
  pad.role = "pad";
  return pad;
}

/// V[n][p][c][t] = (Bt d B)[i][j], d the input tile of tile t.
loop::Stage inputTransform(Builder &b, const loop::Buffer &padded, const WinogradGeometry &g) {
  const WinogradMatrices &mx = g.mx;
  loop::Stage s;
  s.output = b.temp("wino_v", {g.n, mx.a * mx.a, g.c, g.vRows * g.tileColumns});
  s.axes = {"vn", "vp", "vc", "vt"};
  Expr row = loop::var("vt") / i(g.tileColumns) * i(mx.m), column = loop::var("vt") % i(g.tileColumns) * i(mx.m);
  auto d = [&](int64_t r, int64_t q) {
    return loop::load(padded.name, DType::F32, {loop::var("vn"), loop::var("vc"), row + i(r), column + i(q)});
  };
  std::vector<Expr> points = transformTile(mx.bt, mx.a, mx.a, d);
  s.body = selectByIndex(loop::var("vp"), points);
  s.role = "winograd.input";
  return s;
}

/// M[n][p][oc][t] = sum_c U[p][oc][c] * V[n][p][c][t].
loop::Stage product(Builder &b, const loop::Buffer &u, const loop::Buffer &v, const WinogradGeometry &g) {
  int64_t block = u.shape[3];
  loop::Stage s;
  s.output = b.temp("wino_m", {g.n, g.mx.a * g.mx.a, g.oc, g.columns});
  s.axes = {"mn", "mp", "moc", "mt"};
  s.reduceAxes = {{"mc", g.c}};
  s.combiner = loop::Combiner::Sum;
  s.init = f(0);
  Expr p = loop::var("mp");
  Expr oc = loop::var("moc");
  s.body = loop::load(u.name, DType::F32, {p, oc / i(block), loop::var("mc"), oc % i(block)}) *
           loop::load(v.name, DType::F32, {loop::var("mn"), p, loop::var("mc"), loop::var("mt")});
  s.role = "winograd.product";
  return s;
}

/// out[n][oc][oh][ow] = (At M A)[oh % m][ow % m] of tile (oh / m, ow / m), plus bias.
loop::Stage outputTransform(const loop::Buffer &mBuf, const WinogradGeometry &g, Expr bias) {
  const WinogradMatrices &mx = g.mx;
  loop::Stage s;
  s.axes = {"n", "oc", "oh", "ow"};
  Expr oh = loop::var("oh"), ow = loop::var("ow");
  Expr tile = oh / i(mx.m) * i(g.tileColumns) + ow / i(mx.m);
  std::vector<Expr> outputs = transformTile(mx.at, mx.m, mx.a, [&](int64_t pi, int64_t pj) {
    return loop::load(mBuf.name, DType::F32, {loop::var("n"), i(pi * mx.a + pj), loop::var("oc"), tile});
  });
  Expr position = oh % i(mx.m) * i(mx.m) + ow % i(mx.m);
  Expr value = selectByIndex(position, outputs);
  s.body = bias ? value + bias : value;
  s.role = "winograd.output";
  return s;
}

/// With a partial last tile row or column, the transform writes whole tiles to a
/// temporary (no guard in its vector loops) and a copy crops it to the output, where
/// the fused epilogue goes.
loop::Stage croppedOutput(Builder &b, loop::Stage transform, const WinogradGeometry &g) {
  transform.output = b.temp("wino_y", {g.n, g.oc, g.tileRows * g.mx.m, g.tileColumns * g.mx.m});
  b.func_.stages.push_back(transform);
  loop::Stage crop;
  crop.axes = {"n", "oc", "oh", "ow"};
  crop.body = loop::load(transform.output.name, DType::F32, axisVars(crop.axes));
  crop.role = "winograd.crop";
  return crop;
}

} // namespace

bool isWinogradConv(const Builder &b, const Node &node) {
  int64_t m = b.options_.winogradOutputTile;
  if ((m != 2 && m != 4) || node.op != "Conv" || node.attrs.getInt("group", 1) != 1) return false;
  const Shape &xs = b.shapeOf(node.input(0)), &ws = b.shapeOf(node.input(1));
  if (xs.size() != 4 || ws.size() != 4 || ws[2] != 3 || ws[3] != 3 || !b.graph_.constantOf(node.input(1))) return false;
  if (ws[0] < b.options_.winogradMinChannels || ws[1] < b.options_.winogradMinChannels) return false;
  if (b.shapeOf(node.outputs[0]).size() == 4 &&
      b.shapeOf(node.outputs[0])[2] * b.shapeOf(node.outputs[0])[3] < b.options_.winogradMinPixels)
    return false;
  auto geo = graph::computeWindowGeometry(node.attrs, {xs[2], xs[3]}, {3, 3}, false);
  if (!geo.ok()) return false;
  for (size_t d = 0; d < 2; ++d)
    if (geo->strides[d] != 1 || geo->dilations[d] != 1) return false;
  return true;
}

StatusOr<loop::Stage> describeWinogradConv(Builder &b, const Node &node) {
  const Shape &xs = b.shapeOf(node.input(0)), &ws = b.shapeOf(node.input(1));
  TS_ASSIGN_OR_RETURN(graph::WindowGeometry geo, graph::computeWindowGeometry(node.attrs, {xs[2], xs[3]}, {3, 3}, false));
  const Shape &os = b.shapeOf(node.outputs[0]);
  WinogradGeometry g{matricesFor(b.options_.winogradOutputTile), xs[0], xs[1], ws[0], os[2], os[3]};
  g.tileRows = ceilDiv(g.oh, g.mx.m);
  g.tileColumns = ceilDiv(g.ow, g.mx.m);
  int64_t align = std::max<int64_t>(1, b.options_.winogradColumnAlign);
  g.columns = ceilDiv(g.tileRows * g.tileColumns, align) * align;
  g.vRows = ceilDiv(g.columns, g.tileColumns);
  g.padTop = geo.padBegin[0];
  g.padLeft = geo.padBegin[1];
  TS_ASSIGN_OR_RETURN(loop::Buffer x, b.param(node.input(0)));
  int64_t block = convChannelBlock(g.oc, b.options_.winogradWeightBlock);
  loop::Buffer u = b.constantParam(strCat(node.input(1), ".winograd", g.mx.m, "o", block),
                                   transformWeights(*b.graph_.constantOf(node.input(1)), g.mx, block));
  loop::Stage pad = padStage(b, x, g);
  loop::Stage v = inputTransform(b, pad.output, g);
  loop::Stage m = product(b, u, v.output, g);
  b.func_.stages.push_back(pad);
  b.func_.stages.push_back(v);
  b.func_.stages.push_back(m);
  Expr bias;
  if (node.hasInput(2)) {
    TS_ASSIGN_OR_RETURN(loop::Buffer biasBuf, b.param(node.input(2)));
    bias = loop::load(biasBuf.name, DType::F32, {loop::var("oc")});
  }
  loop::Stage out = outputTransform(m.output, g, bias);
  if (g.oh % g.mx.m == 0 && g.ow % g.mx.m == 0) return out;
  return croppedOutput(b, out, g);
}

} // namespace tessera::lower::detail
