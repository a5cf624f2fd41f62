//===- op_compute_resize.cpp - Resize and Upsample as separable stages -----------------===//
//
// Interpolation is separable: one stage per resized dimension, each a sum of at most
// four taps (nearest: 1, linear: 2, cubic: 4) along that dimension, reading the
// previous stage. Coordinates are computed in f64 at run time from the scales (a run-
// time input, an attribute, or the static sizes ratio) and the roi, with the
// coordinate transformation and nearest rounding modes of the ONNX reference. A
// dimension is skipped only where the scale is known to be 1 and nothing crops it.
//
//===----------------------------------------------------------------------===//
#include "compiler/graph/dtype_dispatch.h"
#include "compiler/lower/op_compute_builder.h"

namespace tessera::lower::detail {
namespace {

using loop::BinOp;
using loop::MathFn;

Expr d64(double v) { return constant(v, DType::F64); }
Expr eq(Expr a, Expr b) { return loop::binary(BinOp::Eq, a, b); }

struct ResizeOptions {
  std::string mode, transform, nearestMode;
  double cubicA = -0.75, extrapolation = 0;
  bool excludeOutside = false;
  /// Per dimension: the scale (f64 expression) and whether it is known to be 1.
  std::vector<Expr> scales;
  std::vector<bool> unitScale;
  /// tf_crop_and_resize: roi start and end per dimension (f64 expressions).
  std::vector<Expr> roiStart, roiEnd;
};

/// The source coordinate of output index `x` (f64) along a dimension of `in` elements.
Expr sourceCoordinate(const ResizeOptions &o, size_t d, Expr x, int64_t in) {
  Expr scale = o.scales[d];
  if (o.transform == "asymmetric") return x / scale;
  Expr resized = d64(static_cast<double>(in)) * scale;
  Expr half = (x + d64(0.5)) / scale;
  if (o.transform == "align_corners")
    return loop::select(eq(resized, d64(1)), d64(0), x * d64(static_cast<double>(in - 1)) / (resized - d64(1)));
  if (o.transform == "pytorch_half_pixel") return loop::select(loop::ltExpr(d64(1), resized), half - d64(0.5), d64(0));
  if (o.transform == "tf_half_pixel_for_nn") return half;
  if (o.transform == "tf_crop_and_resize") {
    Expr span = d64(static_cast<double>(in - 1));
    Expr start = o.roiStart[d], end = o.roiEnd[d];
    Expr inside = start * span + x * (end - start) * span / (resized - d64(1));
    return loop::select(loop::ltExpr(d64(1), resized), inside, d64(0.5) * (start + end) * span);
  }
  return half - d64(0.5);
}

Expr nearestIndex(const std::string &mode, Expr x) {
  Expr fl = loop::math(MathFn::Floor, x), ce = loop::math(MathFn::Ceil, x);
  if (mode == "floor") return fl;
  if (mode == "ceil") return ce;
  Expr isHalf = eq(x - fl, d64(0.5));
  return loop::select(isHalf, mode == "round_prefer_ceil" ? ce : fl, loop::math(MathFn::Round, x));
}

Expr cubicWeight(Expr t, double a) {
  t = loop::math(MathFn::Abs, t);
  Expr near = ((d64(a + 2) * t - d64(a + 3)) * t) * t + d64(1);
  Expr far = ((d64(a) * t - d64(5 * a)) * t + d64(8 * a)) * t - d64(4 * a);
  return loop::select(loop::ltExpr(d64(1), t), loop::select(loop::ltExpr(t, d64(2)), far, d64(0)), near);
}

/// (index, weight) taps of coordinate `x` along a dimension of `in` elements.
std::vector<std::pair<Expr, Expr>> tapsFor(const ResizeOptions &o, Expr x, int64_t in) {
  auto index = [&](Expr v) { return loop::cast(DType::I64, v); };
  if (o.mode == "nearest") return {{clampIndex(index(nearestIndex(o.nearestMode, x)), in), d64(1)}};
  Expr base = loop::math(MathFn::Floor, x), frac = x - base;
  std::vector<std::pair<Expr, Expr>> taps;
  if (o.mode == "linear") {
    taps = {{index(base), d64(1) - frac}, {index(base) + i(1), frac}};
  } else {
    for (int64_t k = -1; k <= 2; ++k) taps.push_back({index(base) + i(k), cubicWeight(frac - d64(static_cast<double>(k)), o.cubicA)});
  }
  Expr total;
  for (auto &[idx, w] : taps) {
    if (o.excludeOutside) w = loop::select(loop::andExpr(loop::geExpr(idx, i(0)), loop::ltExpr(idx, i(in))), w, d64(0));
    total = total ? total + w : w;
    idx = clampIndex(idx, in);
  }
  if (o.excludeOutside)
    for (auto &tap : taps) tap.second = tap.second / loop::select(eq(total, d64(0)), d64(1), total);
  return taps;
}

/// One stage resizing dimension `d` of `src` into `dst`.
loop::Stage resizeStage(const ResizeOptions &o, size_t d, const loop::Buffer &src, const loop::Buffer &dst) {
  loop::Stage s;
  s.output = dst;
  s.axes = axisNames(dst.shape.size(), strCat("d", d, "_"));
  int64_t in = src.shape[d];
  Expr x = sourceCoordinate(o, d, loop::cast(DType::F64, loop::var(s.axes[d])), in);
  Expr sum;
  for (const auto &[idx, w] : tapsFor(o, x, in)) {
    std::vector<Expr> index = axisVars(s.axes);
    index[d] = idx;
    Expr term = w * loop::cast(DType::F64, loop::load(src.name, src.dtype, index));
    sum = sum ? sum + term : term;
  }
  if (o.transform == "tf_crop_and_resize") {
    Expr outside = loop::binary(BinOp::Or, loop::ltExpr(x, d64(0)), loop::ltExpr(d64(static_cast<double>(in - 1)), x));
    sum = loop::select(outside, d64(o.extrapolation), sum);
  }
  s.body = loop::cast(dst.dtype, sum);
  return s;
}

/// Scales from the sizes ratio, a run-time or constant input, or Upsample's attribute.
Status resizeScales(Builder &b, const Node &node, const Shape &in, const Shape &out, ResizeOptions &o) {
  bool upsample = node.op == "Upsample";
  size_t rank = in.size();
  std::string scaleInput = upsample ? node.input(1) : node.input(2);
  o.scales.assign(rank, d64(1));
  o.unitScale.assign(rank, false);
  if (!upsample && node.hasInput(3)) {
    for (size_t d = 0; d < rank; ++d) {
      o.scales[d] = d64(static_cast<double>(out[d]) / static_cast<double>(in[d]));
      o.unitScale[d] = out[d] == in[d];
    }
    return absl::OkStatus();
  }
  if (scaleInput.empty() && upsample) {
    graph::Floats f = node.attrs.getFloats("scales");
    if (f.size() != rank) return unimplemented(node, "scales of another rank");
    for (size_t d = 0; d < rank; ++d) {
      o.scales[d] = d64(f[d]);
      o.unitScale[d] = f[d] == 1.0f;
    }
    return absl::OkStatus();
  }
  if (scaleInput.empty()) return unimplemented(node, "neither scales nor sizes");
  TS_ASSIGN_OR_RETURN(loop::Buffer s, b.param(scaleInput));
  if (s.elementCount() != static_cast<int64_t>(rank) || !loop::isFloat(s.dtype)) return unimplemented(node, "scales of another rank");
  const Tensor *c = b.graph_.constantOf(scaleInput);
  for (size_t d = 0; d < rank; ++d) {
    o.scales[d] = loop::cast(DType::F64, loop::load(s.name, s.dtype, {i(static_cast<int64_t>(d))}));
    o.unitScale[d] = c && graph::loadAsDouble(c->dtype(), c->bytes(), static_cast<int64_t>(d)) == 1.0;
  }
  return absl::OkStatus();
}

Status resizeRoi(Builder &b, const Node &node, size_t rank, ResizeOptions &o) {
  if (o.transform != "tf_crop_and_resize") return absl::OkStatus();
  if (!node.hasInput(1)) return unimplemented(node, "tf_crop_and_resize without roi");
  TS_ASSIGN_OR_RETURN(loop::Buffer roi, b.param(node.input(1)));
  if (roi.elementCount() != static_cast<int64_t>(2 * rank) || !loop::isFloat(roi.dtype)) return unimplemented(node, "roi of another rank");
  for (size_t d = 0; d < rank; ++d) {
    o.roiStart.push_back(loop::cast(DType::F64, loop::load(roi.name, roi.dtype, {i(static_cast<int64_t>(d))})));
    o.roiEnd.push_back(loop::cast(DType::F64, loop::load(roi.name, roi.dtype, {i(static_cast<int64_t>(rank + d))})));
  }
  return absl::OkStatus();
}

} // namespace

StatusOr<loop::Stage> describeResize(Builder &b, const Node &node) {
  TS_ASSIGN_OR_RETURN(loop::Buffer x, b.param(node.input(0)));
  const Shape &in = x.shape, &out = b.output_.shape;
  bool upsample = node.op == "Upsample";
  if (!loop::isFloat(x.dtype) || in.size() != out.size() || node.attrs.has("axes") ||
      node.attrs.getInt("antialias", 0) || node.attrs.getString("keep_aspect_ratio_policy", "stretch") != "stretch")
    return unimplemented(node, "only float inputs without axes, antialias or aspect-ratio policies");
  ResizeOptions o;
  o.mode = node.attrs.getString("mode", "nearest");
  if (o.mode == "bilinear" || o.mode == "trilinear") o.mode = "linear";
  o.transform = upsample ? "asymmetric" : node.attrs.getString("coordinate_transformation_mode", "half_pixel");
  o.nearestMode = upsample ? "floor" : node.attrs.getString("nearest_mode", "round_prefer_floor");
  o.cubicA = node.attrs.getFloat("cubic_coeff_a", -0.75f);
  o.excludeOutside = node.attrs.getInt("exclude_outside", 0) != 0;
  o.extrapolation = node.attrs.getFloat("extrapolation_value", 0.0f);
  if (o.mode != "nearest" && o.mode != "linear" && o.mode != "cubic") return unimplemented(node, strCat("mode ", o.mode));
  TS_RETURN_IF_ERROR(resizeScales(b, node, in, out, o));
  TS_RETURN_IF_ERROR(resizeRoi(b, node, in.size(), o));
  std::vector<size_t> dims;
  for (size_t d = 0; d < in.size(); ++d)
    if (!(o.unitScale[d] && in[d] == out[d]) || o.transform == "tf_crop_and_resize") dims.push_back(d);
  loop::Buffer src = x;
  Shape shape = in;
  for (size_t k = 0; k < dims.size(); ++k) {
    shape[dims[k]] = out[dims[k]];
    loop::Buffer dst = k + 1 == dims.size() ? b.output_ : b.temp(strCat("r", k), shape, x.dtype);
    loop::Stage s = resizeStage(o, dims[k], src, dst);
    if (k + 1 == dims.size()) return s;
    b.func_.stages.push_back(s);
    src = dst;
  }
  loop::Stage copy = b.stageFor(b.output_);
  copy.body = loop::load(x.name, x.dtype, axisVars(copy.axes));
  return copy;
}

} // namespace tessera::lower::detail

namespace tessera::lower::detail {
namespace {

/// GridSample's sampling of one [H, W] plane, as expressions (the interpreter's
/// grid_sampler_2d semantics): unnormalize, pad, interpolate.
struct GridSampler {
  loop::Buffer x;
  Expr n, c;
  int64_t height, width;
  bool alignCorners;
  std::string padding;

  Expr unnormalize(Expr coord, int64_t size) const {
    double s = static_cast<double>(size);
    return alignCorners ? (coord + d64(1)) / d64(2) * d64(s - 1) : ((coord + d64(1)) * d64(s) - d64(1)) / d64(2);
  }

  static Expr reflect(Expr in, double twiceLow, double twiceHigh) {
    if (twiceLow == twiceHigh) return d64(0);
    double low = twiceLow / 2, span = (twiceHigh - twiceLow) / 2;
    in = loop::math(MathFn::Abs, in - d64(low));
    Expr extra = loop::binary(BinOp::Mod, in, d64(span));
    Expr flips = loop::cast(DType::I64, loop::math(MathFn::Floor, in / d64(span)));
    return loop::select(eq(flips % i(2), i(0)), extra + d64(low), d64(span) - extra + d64(low));
  }

  Expr clampCoord(Expr v, int64_t size) const { return loop::minExpr(loop::maxExpr(v, d64(0)), d64(static_cast<double>(size - 1))); }

  Expr pad(Expr coord, int64_t size) const {
    if (padding == "border") return clampCoord(coord, size);
    if (padding != "reflection") return coord;
    double s = static_cast<double>(size);
    return clampCoord(alignCorners ? reflect(coord, 0, 2 * (s - 1)) : reflect(coord, -1, 2 * s - 1), size);
  }

  /// The pixel at integer (y, x), 0 outside the plane.
  Expr pixel(Expr y, Expr xi) const {
    Expr inside = loop::andExpr(loop::andExpr(loop::geExpr(y, i(0)), loop::ltExpr(y, i(height))),
                                loop::andExpr(loop::geExpr(xi, i(0)), loop::ltExpr(xi, i(width))));
    Expr v = loop::cast(DType::F64, loop::load(x.name, x.dtype, {n, c, clampIndex(y, height), clampIndex(xi, width)}));
    return loop::select(inside, v, d64(0));
  }

  Expr paddedPixel(Expr y, Expr xi) const {
    auto along = [&](Expr v, int64_t size) { return loop::cast(DType::I64, pad(loop::cast(DType::F64, v), size)); };
    return pixel(along(y, height), along(xi, width));
  }

  static Expr cubic(Expr t, int which) {
    constexpr double a = -0.75;
    Expr v = which == 0 ? t + d64(1) : which == 1 ? t : which == 2 ? d64(1) - t : d64(2) - t;
    if (which == 1 || which == 2) return ((d64(a + 2) * v - d64(a + 3)) * v) * v + d64(1);
    return ((d64(a) * v - d64(5 * a)) * v + d64(8 * a)) * v - d64(4 * a);
  }

  Expr sample(const std::string &mode, Expr gx, Expr gy) const {
    Expr xc = unnormalize(gx, width), yc = unnormalize(gy, height);
    auto index = [](Expr v) { return loop::cast(DType::I64, v); };
    if (mode == "bicubic" || mode == "cubic") {
      Expr x0 = loop::math(MathFn::Floor, xc), y0 = loop::math(MathFn::Floor, yc), sum;
      for (int j = 0; j < 4; ++j)
        for (int k = 0; k < 4; ++k) {
          Expr term = cubic(yc - y0, j) * cubic(xc - x0, k) * paddedPixel(index(y0) + i(j - 1), index(x0) + i(k - 1));
          sum = sum ? sum + term : term;
        }
      return sum;
    }
    xc = pad(xc, width);
    yc = pad(yc, height);
    if (mode == "nearest") return pixel(index(loop::math(MathFn::Round, yc)), index(loop::math(MathFn::Round, xc)));
    Expr x0 = loop::math(MathFn::Floor, xc), y0 = loop::math(MathFn::Floor, yc), tx = xc - x0, ty = yc - y0;
    Expr ix = index(x0), iy = index(y0), one = d64(1);
    return pixel(iy, ix) * (one - tx) * (one - ty) + pixel(iy, ix + i(1)) * tx * (one - ty) +
           pixel(iy + i(1), ix) * (one - tx) * ty + pixel(iy + i(1), ix + i(1)) * tx * ty;
  }
};

} // namespace

StatusOr<loop::Stage> describeGridSample(Builder &b, const Node &node) {
  TS_ASSIGN_OR_RETURN(loop::Buffer x, b.param(node.input(0)));
  TS_ASSIGN_OR_RETURN(loop::Buffer grid, b.param(node.input(1)));
  const Shape &xs = x.shape, &gs = grid.shape;
  std::string mode = node.attrs.getString("mode", "bilinear");
  if (xs.size() != 4 || gs.size() != 4 || gs[3] != 2 || gs[0] != xs[0] || !loop::isFloat(x.dtype) || !loop::isFloat(grid.dtype))
    return unimplemented(node, "float X [N,C,H,W] and grid [N,H_out,W_out,2] expected");
  if (mode == "linear") mode = "bilinear";
  if (mode != "bilinear" && mode != "nearest" && mode != "bicubic" && mode != "cubic") return unimplemented(node, strCat("mode ", mode));
  loop::Stage s = b.stageFor(b.output_);
  GridSampler sampler{x, loop::var(s.axes[0]), loop::var(s.axes[1]), xs[2], xs[3],
                      node.attrs.getInt("align_corners", 0) != 0, node.attrs.getString("padding_mode", "zeros")};
  auto coord = [&](int64_t k) {
    return loop::cast(DType::F64, loop::load(grid.name, grid.dtype, {loop::var(s.axes[0]), loop::var(s.axes[2]), loop::var(s.axes[3]), i(k)}));
  };
  s.body = loop::cast(b.output_.dtype, sampler.sample(mode, coord(0), coord(1)));
  return s;
}

} // namespace tessera::lower::detail

namespace tessera::lower::detail {
namespace {

/// RoiAlign's bilinear sample of plane (n, c) at (y, x) with its border rules: zero
/// beyond one pixel outside, clamped to the last row/column at the far edges.
Expr roiBilinear(const loop::Buffer &x, Expr n, Expr c, Expr y, Expr xc) {
  int64_t height = x.shape[2], width = x.shape[3];
  auto axis = [](Expr v, int64_t size, Expr &lo, Expr &hi, Expr &frac) {
    Expr clamped = loop::maxExpr(v, d64(0));
    Expr first = loop::cast(DType::I64, clamped);
    Expr edge = loop::geExpr(first, i(size - 1));
    lo = loop::select(edge, i(size - 1), first);
    hi = loop::select(edge, i(size - 1), first + i(1));
    frac = loop::select(edge, d64(0), clamped - loop::cast(DType::F64, first));
  };
  Expr y0, y1, ly, x0, x1, lx;
  axis(y, height, y0, y1, ly);
  axis(xc, width, x0, x1, lx);
  auto at = [&](Expr row, Expr col) { return loop::cast(DType::F64, loop::load(x.name, x.dtype, {n, c, row, col})); };
  Expr hy = d64(1) - ly, hx = d64(1) - lx;
  Expr value = hy * hx * at(y0, x0) + hy * lx * at(y0, x1) + ly * hx * at(y1, x0) + ly * lx * at(y1, x1);
  Expr outside = loop::binary(BinOp::Or, loop::binary(BinOp::Or, loop::ltExpr(y, d64(-1)), loop::ltExpr(d64(static_cast<double>(height)), y)),
                              loop::binary(BinOp::Or, loop::ltExpr(xc, d64(-1)), loop::ltExpr(d64(static_cast<double>(width)), xc)));
  return loop::select(outside, d64(0), value);
}

} // namespace

/// RoiAlign with a fixed sampling_ratio: each output bin averages (or takes the
/// maximum of) ratio x ratio bilinear samples of its roi's batch plane.
StatusOr<loop::Stage> describeRoiAlign(Builder &b, const Node &node) {
  TS_ASSIGN_OR_RETURN(loop::Buffer x, b.param(node.input(0)));
  TS_ASSIGN_OR_RETURN(loop::Buffer rois, b.param(node.input(1)));
  TS_ASSIGN_OR_RETURN(loop::Buffer batch, b.param(node.input(2)));
  int64_t ratio = node.attrs.getInt("sampling_ratio", 0);
  if (x.shape.size() != 4 || rois.shape.size() != 2 || rois.shape[1] != 4 || ratio <= 0 || x.dtype != b.output_.dtype ||
      !loop::isFloat(x.dtype) || !loop::isFloat(rois.dtype))
    return unimplemented(node, "float X [N,C,H,W], rois [R,4] and a fixed sampling_ratio expected");
  bool maxMode = node.attrs.getString("mode", "avg") == "max";
  bool halfPixel = node.attrs.getString("coordinate_transformation_mode", "half_pixel") == "half_pixel";
  double scale = node.attrs.getFloat("spatial_scale", 1.0f), offset = halfPixel ? 0.5 : 0.0;
  const Shape &out = b.output_.shape;
  loop::Stage s = b.stageFor(b.output_, "a");
  Expr r = loop::var(s.axes[0]);
  auto corner = [&](int64_t k) { return loop::cast(DType::F64, loop::load(rois.name, rois.dtype, {r, i(k)})) * d64(scale) - d64(offset); };
  Expr x1 = corner(0), y1 = corner(1), roiW = corner(2) - x1, roiH = corner(3) - y1;
  if (!halfPixel) {
    roiW = loop::maxExpr(roiW, d64(1));
    roiH = loop::maxExpr(roiH, d64(1));
  }
  Expr binH = roiH / d64(static_cast<double>(out[2])), binW = roiW / d64(static_cast<double>(out[3]));
  auto position = [&](Expr start, Expr bin, const std::string &p, const std::string &k) {
    Expr step = loop::cast(DType::F64, loop::var(k)) + d64(0.5);
    return start + loop::cast(DType::F64, loop::var(p)) * bin + step * bin / d64(static_cast<double>(ratio));
  };
  Expr n = clampIndex(loop::cast(DType::I64, loop::load(batch.name, batch.dtype, {r})), x.shape[0]);
  s.reduceAxes = {{"ry", ratio}, {"rx", ratio}};
  s.combiner = maxMode ? loop::Combiner::Max : loop::Combiner::Sum;
  s.init = maxMode ? loop::combinerIdentity(loop::Combiner::Max, x.dtype) : constant(0, x.dtype);
  Expr sample = roiBilinear(x, n, loop::var(s.axes[1]), position(y1, binH, s.axes[2], "ry"), position(x1, binW, s.axes[3], "rx"));
  s.body = loop::cast(x.dtype, sample);
  if (!maxMode) s.epilogue = s.accumulated() / constant(static_cast<double>(ratio * ratio), x.dtype);
  return s;
}

} // namespace tessera::lower::detail
