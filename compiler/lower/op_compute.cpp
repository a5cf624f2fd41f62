//===- op_compute.cpp - Compute descriptions of graph ops -------------------------------===//
//
// The Builder, the dense ops (Conv, pooling, Concat) and describeKernel,
// which dispatches each anchor op to its family (op_compute_*.cpp).
//
//===----------------------------------------------------------------------===//
#include "compiler/lower/op_compute.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "compiler/graph/conv_geometry.h"
#include "compiler/graph/dtype_dispatch.h"
#include "compiler/lower/op_compute_builder.h"

namespace tessera::lower {
namespace detail {

Status unimplemented(const Node &node, const std::string &why) {
  return absl::UnimplementedError(strCat(node.describe(), ": ", why));
}

Expr constant(double v, DType type) {
  if (loop::isFloat(type)) return loop::floatImm(v, type);
  if (type == DType::Bool) return loop::binary(loop::BinOp::Ne, i(v != 0 ? 1 : 0), i(0));
  return loop::cast(type, i(static_cast<int64_t>(v)));
}

Expr clampIndex(Expr e, int64_t dim) { return loop::minExpr(loop::maxExpr(e, i(0)), i(dim - 1)); }

WindowRead windowRead(loop::Stage &stage, const graph::WindowGeometry &geometry, const Shape &inputSpatial) {
  WindowRead read;
  for (size_t d = 0; d < inputSpatial.size(); ++d) {
    std::string k = strCat("qk", d);
    stage.reduceAxes.push_back({k, geometry.kernel[d]});
    Expr p = loop::var(stage.axes[2 + d]) * i(geometry.strides[d]) + loop::var(k) * i(geometry.dilations[d]) -
             i(geometry.padBegin[d]);
    Expr ok = loop::andExpr(loop::geExpr(p, i(0)), loop::ltExpr(p, i(inputSpatial[d])));
    read.inside = read.inside ? loop::andExpr(read.inside, ok) : ok;
    read.spatial.push_back(clampIndex(p, inputSpatial[d]));
  }
  return read;
}

Expr zeroPaddedLoad(const loop::Buffer &x, Expr n, Expr c, Expr h, Expr w) {
  const Shape &xs = x.shape;
  Expr inside = loop::andExpr(loop::andExpr(loop::geExpr(h, i(0)), loop::ltExpr(h, i(xs[2]))),
                              loop::andExpr(loop::geExpr(w, i(0)), loop::ltExpr(w, i(xs[3]))));
  Expr value = loop::load(x.name, x.dtype, {std::move(n), std::move(c), clampIndex(h, xs[2]), clampIndex(w, xs[3])});
  return loop::select(inside, value, f(0));
}

Expr wrapIndex(Expr e, int64_t dim) {
  if (e->type != DType::I64) e = loop::cast(DType::I64, e);
  return clampIndex(loop::select(loop::ltExpr(e, i(0)), e + i(dim), e), dim);
}

std::vector<std::string> axisNames(size_t rank, const std::string &prefix) {
  std::vector<std::string> names;
  for (size_t d = 0; d < rank; ++d) names.push_back(strCat(prefix, d));
  return names;
}

std::vector<Expr> axisVars(const std::vector<std::string> &axes) {
  std::vector<Expr> vars;
  for (const std::string &a : axes) vars.push_back(loop::var(a));
  return vars;
}

int64_t normalizeAxis(int64_t axis, size_t rank) { return axis < 0 ? axis + static_cast<int64_t>(rank) : axis; }

std::optional<std::vector<int64_t>> constantInts(const graph::Graph &graph, const std::string &value) {
  const Tensor *t = value.empty() ? nullptr : graph.constantOf(value);
  if (!t) return std::nullopt;
  std::vector<int64_t> out;
  for (int64_t k = 0; k < t->elementCount(); ++k) out.push_back(graph::loadAsInt(t->dtype(), t->bytes(), k));
  return out;
}

loop::Buffer Builder::constantParam(const std::string &value, Tensor data) {
  loop::Buffer b{strCat("p", func_.params.size()), data.dtype(), data.shape(), loop::MemScope::Global};
  func_.params.push_back(b);
  bound_.push_back(value);
  constants_[value] = std::move(data);
  return b;
}

StatusOr<loop::Buffer> Builder::param(const std::string &value) {
  if (value.empty() || !graph_.findValue(value)) return absl::UnimplementedError("a required input is absent");
  for (size_t k = 0; k < bound_.size(); ++k)
    if (bound_[k] == value) return func_.params[k];
  const graph::TensorType &t = graph_.typeOf(value);
  if (!t.isStatic()) return absl::UnimplementedError(strCat("value ", value, " is not a static tensor"));
  std::optional<Shape> shape = boundShape(t.shape.empty() ? Shape{1} : t.shape);
  if (!shape) return absl::UnimplementedError(strCat(value, " broadcasts along part of a kernel's merged axes"));
  loop::Buffer b{strCat("p", func_.params.size()), t.dtype, *shape, loop::MemScope::Global};
  func_.params.push_back(b);
  bound_.push_back(value);
  return b;
}

namespace {

/// `shape` with the axes that line up with the first `count` axes of `out` merged
/// into one: their product when they equal those of `out` (and `out`'s axes before
/// them are 1), 1 when they are all 1; nullopt when neither.
std::optional<Shape> mergeLeading(const Shape &shape, const Shape &out, size_t count) {
  size_t offset = out.size() - shape.size();
  if (shape.size() > out.size() || offset >= count) return shape;
  size_t covered = count - offset;
  bool ones = std::all_of(shape.begin(), shape.begin() + covered, [](int64_t d) { return d == 1; });
  bool equal = std::equal(shape.begin(), shape.begin() + covered, out.begin() + offset) &&
               std::all_of(out.begin(), out.begin() + offset, [](int64_t d) { return d == 1; });
  if (!ones && !equal) return std::nullopt;
  Shape merged = {ones ? 1 : shapeElementCount(Shape(shape.begin(), shape.begin() + covered))};
  merged.insert(merged.end(), shape.begin() + covered, shape.end());
  return merged;
}

} // namespace

std::optional<Shape> Builder::boundShape(const Shape &shape) const {
  if (mergedLeading_) return mergeLeading(shape, mergedLeading_->first, mergedLeading_->second);
  if (!mergedSpatial_ || shape.size() < 2) return shape;
  auto [h, w] = *mergedSpatial_;
  size_t r = shape.size();
  bool spatial = shape[r - 2] == h && shape[r - 1] == w, ones = shape[r - 2] == 1 && shape[r - 1] == 1;
  if (!spatial && !ones) return shape;
  Shape merged(shape.begin(), shape.end() - 1);
  merged.back() = spatial ? h * w : 1;
  return merged;
}

void Builder::mergeSpatialAxes(int64_t h, int64_t w) {
  mergedSpatial_ = {h, w};
  for (loop::Buffer &p : func_.params) {
    if (p.shape.size() < 2) continue;
    p.shape = *boundShape(p.shape);
    if (p.name == output_.name) output_ = p;
  }
}

void Builder::mergeLeadingAxes(size_t count) {
  mergedLeading_ = {output_.shape, count};
  for (loop::Buffer &p : func_.params) {
    if (p.name != output_.name) continue;
    p.shape = *boundShape(p.shape);
    output_ = p;
  }
}

StatusOr<Expr> Builder::broadcastLoad(const std::string &value, const std::vector<std::string> &axes) {
  if (const Tensor *c = graph_.constantOf(value); c && c->elementCount() == 1 && c->dtype() == DType::F32)
    return f(c->data<float>()[0]);
  if (mergedSpatial_) {
    // Broadcasting into the merged (h*w) axis needs both spatial extents or neither.
    Shape s = graph_.typeOf(value).shape;
    bool scalar = std::all_of(s.begin(), s.end(), [](int64_t d) { return d == 1; });
    if (!scalar && (s.size() < 2 || boundShape(s)->size() == s.size()))
      return absl::UnimplementedError(strCat(value, " broadcasts along one spatial axis of a flattened kernel"));
  }
  TS_ASSIGN_OR_RETURN(loop::Buffer b, param(value));
  const Shape &shape = b.shape;
  std::vector<Expr> index;
  size_t offset = axes.size() - shape.size();
  for (size_t d = 0; d < shape.size(); ++d) index.push_back(shape[d] == 1 ? i(0) : loop::var(axes[d + offset]));
  if (index.empty()) index.push_back(i(0));
  Expr load = loop::load(b.name, b.dtype, index);
  return promoteHalf_ && b.dtype == DType::F16 ? loop::cast(DType::F32, load) : load;
}

StatusOr<Expr> Builder::scalarLoad(const std::string &value) {
  TS_ASSIGN_OR_RETURN(loop::Buffer b, param(value));
  Expr load = loop::load(b.name, b.dtype, std::vector<Expr>(b.shape.size(), i(0)));
  return promoteHalf_ && b.dtype == DType::F16 ? loop::cast(DType::F32, load) : load;
}

Status Builder::addOutput(const std::string &value) {
  TS_ASSIGN_OR_RETURN(output_, param(value));
  return absl::OkStatus();
}

loop::Buffer Builder::temp(const std::string &name, Shape shape, DType dtype) {
  if (shape.empty()) shape = {1};
  loop::Buffer b{name, dtype, std::move(shape), loop::MemScope::Global};
  func_.temps.push_back(b);
  return b;
}

loop::Stage Builder::stageFor(const loop::Buffer &out, const std::string &prefix) const {
  loop::Stage s;
  s.output = out;
  s.axes = axisNames(out.shape.size(), prefix);
  return s;
}

} // namespace detail

namespace {

using namespace detail;

} // namespace

namespace detail {

/// OIHW -> [O/block][H][W][I][block]: the reduction walks input channels innermost,
/// so a register tile reads its weights contiguously.
Tensor packConvWeights(const Tensor &w, int64_t block) {
  const Shape &s = w.shape();
  int64_t taps = s[2] * s[3], inner = s[1] * taps;
  Tensor packed(DType::F32, {s[0] / block, s[2], s[3], s[1], block});
  const float *src = w.data<float>();
  float *dst = packed.data<float>();
  for (int64_t o = 0; o < s[0]; ++o)
    for (int64_t c = 0; c < s[1]; ++c)
      for (int64_t t = 0; t < taps; ++t)
        dst[(((o / block) * taps + t) * s[1] + c) * block + o % block] = src[o * inner + c * taps + t];
  return packed;
}

} // namespace detail

namespace {

/// Conv (2-D): a zero-padding stage when padded, then the reduction over
/// input channels of the group and the kernel window.
StatusOr<loop::Stage> describeConv(Builder &b, const Node &node) {
  const Shape &xs = b.graph_.typeOf(node.input(0)).shape, &ws = b.graph_.typeOf(node.input(1)).shape;
  if (xs.size() != 4) return unimplemented(node, "only 2-D convolution is lowered");
  if (isWinogradConv(b, node)) return describeWinogradConv(b, node);
  if (isPointwiseMatrixConv(b, node)) return describePointwiseMatrixConv(b, node);
  TS_ASSIGN_OR_RETURN(graph::WindowGeometry geo,
                      graph::computeWindowGeometry(node.attrs, {xs[2], xs[3]}, {ws[2], ws[3]}, false));
  int64_t groups = node.attrs.getInt("group", 1), cg = ws[1], mg = ws[0] / groups;
  TS_ASSIGN_OR_RETURN(loop::Buffer x, b.param(node.input(0)));
  const Tensor *constantWeights = b.graph_.constantOf(node.input(1));
  // A tile's output channels stay in one group (they share input channels).
  bool rowTile = constantWeights && b.options_.rowTileChannelBlock > 0 &&
                 (groups > 1 ? cg > 1 && mg > 1 : cg <= b.options_.rowTileMaxInputChannels);
  int64_t block = rowTile      ? rowTileBlock(mg, b.options_.rowTileChannelBlock)
                  : groups > 1 ? convChannelBlock(mg, b.options_.convWeightBlock)
                               : convChannelBlock(ws[0], b.options_.convWeightBlock);
  bool packed = block > 1 && constantWeights;
  loop::Buffer w;
  if (packed) {
    w = b.constantParam(strCat(node.input(1), ".ohwi", block, "o"), packConvWeights(*constantWeights, block));
  } else {
    TS_ASSIGN_OR_RETURN(w, b.param(node.input(1)));
  }
  std::string src = x.name;
  Shape padded = {xs[0], xs[1], xs[2] + geo.padBegin[0] + geo.padEnd[0], xs[3] + geo.padBegin[1] + geo.padEnd[1]};
  // A depthwise window does one multiply per load: reading the input through a
  // bounds select beats writing and re-reading a padded copy.
  bool inlinePadding = b.options_.inlineDepthwisePadding && groups > 1 && cg == 1 && padded != xs;
  if (padded != xs && !inlinePadding) {
    loop::Stage pad;
    pad.output = b.temp("pad", padded);
    pad.axes = {"pn", "pc", "ph", "pw"};
    pad.body = zeroPaddedLoad(x, loop::var("pn"), loop::var("pc"), loop::var("ph") - i(geo.padBegin[0]),
                              loop::var("pw") - i(geo.padBegin[1]));
    pad.role = "pad";
    b.func_.stages.push_back(pad);
    src = "pad";
  }
  loop::Stage s;
  s.axes = {"n", "oc", "oh", "ow"};
  s.reduceAxes = {{"ic", cg}, {"kh", ws[2]}, {"kw", ws[3]}};
  s.combiner = loop::Combiner::Sum;
  Expr oc = loop::var("oc");
  Expr channel = groups == 1 ? loop::var("ic") : (mg == 1 ? oc * i(cg) : (oc / i(mg)) * i(cg)) + loop::var("ic");
  Expr ih = loop::var("oh") * i(geo.strides[0]) + loop::var("kh") * i(geo.dilations[0]);
  Expr iw = loop::var("ow") * i(geo.strides[1]) + loop::var("kw") * i(geo.dilations[1]);
  std::vector<Expr> wIndex = {oc, loop::var("ic"), loop::var("kh"), loop::var("kw")};
  if (packed) wIndex = {oc / i(block), loop::var("kh"), loop::var("kw"), loop::var("ic"), oc % i(block)};
  Expr input = inlinePadding ? zeroPaddedLoad(x, loop::var("n"), channel, ih - i(geo.padBegin[0]), iw - i(geo.padBegin[1]))
                             : loop::load(src, DType::F32, {loop::var("n"), channel, ih, iw});
  s.body = input * loop::load(w.name, DType::F32, wIndex);
  s.init = f(0);
  if (rowTile) s.role = "conv.rows";
  if (node.hasInput(2)) {
    TS_ASSIGN_OR_RETURN(loop::Buffer bias, b.param(node.input(2)));
    s.init = loop::load(bias.name, DType::F32, {oc});
  }
  return s;
}

/// MaxPool's Indices result: the first window position holding the maximum (pushed as
/// the values stage's successor), flattened row-major (storage_order 0) or with the
/// spatial axes column-major (1).
StatusOr<loop::Stage> describePoolIndices(Builder &b, const Node &node, const loop::Stage &values, Expr inside,
                                          const loop::Buffer &x, const std::vector<Expr> &index) {
  const Shape &xs = x.shape;
  TS_ASSIGN_OR_RETURN(loop::Buffer out, b.param(node.outputs[1]));
  if (out.dtype != DType::I64) return unimplemented(node, "int64 indices expected");
  b.func_.stages.push_back(values);
  loop::Stage s = values;
  s.output = out;
  s.combiner = loop::Combiner::Min;
  s.init = i(std::numeric_limits<int64_t>::max());
  Expr flat = index[0] * i(xs[1]) + index[1];
  bool columns = node.attrs.getInt("storage_order", 0) != 0;
  for (size_t k = 0; k + 2 < xs.size(); ++k) {
    size_t d = columns ? xs.size() - 1 - k : 2 + k;
    flat = flat * i(xs[d]) + index[d];
  }
  Expr hit = loop::binary(loop::BinOp::Eq, loop::load(values.output.name, values.output.dtype, axisVars(values.axes)),
                          loop::load(x.name, x.dtype, index));
  hit = inside ? loop::andExpr(inside, hit) : hit;
  s.body = loop::select(hit, flat, s.init);
  s.epilogue = nullptr;
  return s;
}

/// The number of window elements inside the input at the output point `outAxes`.
Expr windowCount(const graph::WindowGeometry &geo, const std::vector<std::string> &outAxes, const Shape &spatial) {
  auto count = [&](size_t d) {
    Expr start = loop::var(outAxes[d]) * i(geo.strides[d]) - i(geo.padBegin[d]);
    Expr end = loop::minExpr(start + i((geo.kernel[d] - 1) * geo.dilations[d] + 1), i(spatial[d]));
    Expr first = loop::maxExpr(start, i(0));
    // Elements on the dilation grid in [first, end).
    Expr skip = (first - start + i(geo.dilations[d] - 1)) / i(geo.dilations[d]);
    return (end - start + i(geo.dilations[d] - 1)) / i(geo.dilations[d]) - skip;
  };
  Expr n = count(0);
  for (size_t d = 1; d < outAxes.size(); ++d) n = n * count(d);
  return n;
}

/// GlobalAveragePool over a 2-D image of at least two vectors of pixels, in two stages
/// (TVM's rfactor): partial sums of the flattened image in `lanes` interleaved
/// columns -- a vector of independent sums per channel, the last column block
/// guarded and its loads clamped -- then the `lanes` sums added and divided. One
/// chain of scalar adds per channel otherwise.
bool isLaneSummedGlobalPool(Builder &b, const Node &node) {
  const Shape &xs = b.shapeOf(node.input(0));
  int64_t lanes = b.options_.vectorWidth;
  return node.op == "GlobalAveragePool" && xs.size() == 4 && lanes > 1 && xs[2] * xs[3] >= 2 * lanes;
}

StatusOr<loop::Stage> describeLaneSummedGlobalPool(Builder &b, const Node &node) {
  const Shape &xs = b.shapeOf(node.input(0));
  int64_t lanes = b.options_.vectorWidth, pixels = xs[2] * xs[3], blocks = (pixels + lanes - 1) / lanes;
  b.mergeSpatialAxes(xs[2], xs[3]);
  TS_ASSIGN_OR_RETURN(loop::Buffer x, b.param(node.input(0)));
  loop::Stage partial;
  partial.output = b.temp("lane_sums", {xs[0], xs[1], lanes});
  partial.axes = {"n", "c", "l"};
  partial.reduceAxes = {{"j", blocks}};
  partial.combiner = loop::Combiner::Sum;
  partial.init = f(0);
  Expr p = loop::var("j") * i(lanes) + loop::var("l");
  Expr value = loop::load(x.name, DType::F32, {loop::var("n"), loop::var("c"), loop::minExpr(p, i(pixels - 1))});
  partial.body = pixels % lanes == 0 ? value : loop::select(loop::ltExpr(p, i(pixels)), value, f(0));
  b.func_.stages.push_back(partial);
  loop::Stage s;
  s.output = b.output_;
  s.axes = {"n", "c", "o"};
  s.reduceAxes = {{"l", lanes}};
  s.combiner = loop::Combiner::Sum;
  s.init = f(0);
  s.body = loop::load(partial.output.name, DType::F32, {loop::var("n"), loop::var("c"), loop::var("l")});
  s.epilogue = s.accumulated() / f(static_cast<double>(pixels));
  return s;
}

/// MaxPool/AveragePool (1-D to 3-D) and the global pools, as window reductions.
StatusOr<loop::Stage> describePool(Builder &b, const Node &node, const Shape &outShape) {
  if (isLaneSummedGlobalPool(b, node)) return describeLaneSummedGlobalPool(b, node);
  const Shape &xs = b.graph_.typeOf(node.input(0)).shape;
  if (xs.size() < 3 || xs.size() > 5) return unimplemented(node, "only 1-D to 3-D pooling is lowered");
  size_t rank = xs.size() - 2;
  bool global = node.op.rfind("Global", 0) == 0, isMax = node.op.find("Max") != std::string::npos;
  if (node.op == "GlobalLpPool") return unimplemented(node, "Lp pooling");
  bool withIndices = !global && node.outputs.size() > 1 && !node.outputs[1].empty();
  Shape spatial(xs.begin() + 2, xs.end());
  graph::WindowGeometry geo;
  if (global) {
    geo = {spatial, std::vector<int64_t>(rank, 1), std::vector<int64_t>(rank, 1), std::vector<int64_t>(rank, 0),
           std::vector<int64_t>(rank, 0), Shape(rank, 1)};
  } else {
    Shape kernel = node.attrs.getInts("kernel_shape");
    if (kernel.size() != rank) return unimplemented(node, "kernel_shape does not match the input rank");
    TS_ASSIGN_OR_RETURN(geo, graph::computeWindowGeometry(node.attrs, spatial, kernel, node.attrs.getInt("ceil_mode", 0)));
  }
  TS_ASSIGN_OR_RETURN(loop::Buffer x, b.param(node.input(0)));
  std::vector<std::string> outAxes = rank == 2 ? std::vector<std::string>{"oh", "ow"} : axisNames(rank, "o");
  std::vector<std::string> kernelAxes = rank == 2 ? std::vector<std::string>{"kh", "kw"} : axisNames(rank, "k");
  loop::Stage s;
  s.output = b.output_;
  s.axes = {"n", "c"};
  s.axes.insert(s.axes.end(), outAxes.begin(), outAxes.end());
  for (size_t d = 0; d < rank; ++d) s.reduceAxes.push_back({kernelAxes[d], geo.kernel[d]});
  s.combiner = isMax ? loop::Combiner::Max : loop::Combiner::Sum;
  std::vector<Expr> index = {loop::var("n"), loop::var("c")};
  Expr inside;
  bool overhangs = false;
  for (size_t d = 0; d < rank; ++d) {
    Expr p = loop::var(outAxes[d]) * i(geo.strides[d]) + loop::var(kernelAxes[d]) * i(geo.dilations[d]) - i(geo.padBegin[d]);
    Expr in = loop::andExpr(loop::geExpr(p, i(0)), loop::ltExpr(p, i(spatial[d])));
    inside = inside ? loop::andExpr(inside, in) : in;
    index.push_back(clampIndex(p, spatial[d]));
    // Windows reach outside the input with padding, or past its end in ceil mode.
    overhangs = overhangs || geo.padBegin[d] > 0 ||
                (outShape[2 + d] - 1) * geo.strides[d] + (geo.kernel[d] - 1) * geo.dilations[d] - geo.padBegin[d] >= spatial[d];
  }
  Expr value = loop::load(x.name, x.dtype, index);
  s.init = reduceInit(s.combiner, x.dtype);
  s.body = overhangs ? loop::select(inside, value, s.init) : value;
  if (isMax && withIndices) return describePoolIndices(b, node, s, inside, x, index);
  if (isMax) return s;
  bool countPad = node.attrs.getInt("count_include_pad", 0) != 0;
  if (countPad && !global) {
    // Padding counts, but a ceil-mode window that runs past the end padding counts
    // only the cells of the padded input (as ONNX's reference and PyTorch do).
    graph::WindowGeometry padded = geo;
    Shape paddedSpatial = spatial;
    bool past = false;
    for (size_t d = 0; d < rank; ++d) {
      paddedSpatial[d] += geo.padBegin[d] + geo.padEnd[d];
      padded.padBegin[d] = 0;
      past = past || (outShape[2 + d] - 1) * geo.strides[d] + (geo.kernel[d] - 1) * geo.dilations[d] >= paddedSpatial[d];
    }
    if (past) {
      s.epilogue = s.accumulated() / loop::cast(DType::F32, windowCount(padded, outAxes, paddedSpatial));
      return s;
    }
  }
  if (global || countPad) {
    s.epilogue = s.accumulated() / f(static_cast<double>(shapeElementCount(geo.kernel)));
    return s;
  }
  s.epilogue = s.accumulated() / loop::cast(DType::F32, windowCount(geo, outAxes, spatial));
  return s;
}

/// Concat: each output element selects its source; loads are clamped in bounds.
StatusOr<loop::Stage> describeConcat(Builder &b, const Node &node) {
  const Shape &outShape = b.output_.shape;
  int64_t axis = node.attrs.getInt("axis", 0);
  if (axis < 0) axis += static_cast<int64_t>(outShape.size());
  loop::Stage s;
  s.axes = axisNames(outShape.size(), "a");
  Expr a = loop::var(s.axes[axis]);
  Expr value;
  int64_t offset = 0;
  std::vector<std::pair<Expr, Expr>> arms;
  for (const std::string &input : node.inputs) {
    if (shapeElementCount(b.shapeOf(input)) == 0) continue;
    TS_ASSIGN_OR_RETURN(loop::Buffer in, b.param(input));
    std::vector<Expr> index;
    for (size_t d = 0; d < outShape.size(); ++d)
      index.push_back(static_cast<int64_t>(d) == axis ? clampIndex(a - i(offset), in.shape[d]) : loop::var(s.axes[d]));
    offset += in.shape[axis];
    arms.push_back({loop::ltExpr(a, i(offset)), loop::load(in.name, in.dtype, index)});
  }
  if (arms.empty()) return unimplemented(node, "every input is empty");
  value = arms.back().second;
  for (size_t k = arms.size() - 1; k-- > 0;) value = loop::select(arms[k].first, arms[k].second, value);
  s.body = value;
  return s;
}

bool allInputsF32(const graph::Graph &graph, const Node &node) {
  for (const std::string &in : node.inputs)
    if (!in.empty() && graph.typeOf(in).dtype != DType::F32) return false;
  return true;
}

StatusOr<loop::Stage> describeDense(Builder &b, const Node &node) {
  // MaxPool also takes integers (its window maximum needs no arithmetic).
  bool integerMax = node.op == "MaxPool" && !loop::isFloat(b.dtypeOf(node.input(0))) && b.dtypeOf(node.input(0)) != DType::Bool &&
                    b.dtypeOf(node.input(0)) == b.output_.dtype;
  if (!integerMax && (!allInputsF32(b.graph_, node) || b.output_.dtype != DType::F32))
    return unimplemented(node, "only f32 tensors are lowered");
  if (node.op == "Conv") return describeConv(b, node);
  if (node.op == "Gemm" || node.op == "MatMul") return describeMatMul(b, node);
  return describePool(b, node, b.output_.shape);
}

/// Elementwise anchors: one expression of the (broadcast) operands. f16 operands are
/// computed in f32 (there are no f16 math calls) and rounded back.
StatusOr<loop::Stage> describeElementwise(Builder &b, const Node &node) {
  loop::Stage s = b.stageFor(b.output_);
  b.promoteHalf_ = true;
  StatusOr<Expr> body = b.elementwise(node, {}, s.axes);
  b.promoteHalf_ = false;
  TS_RETURN_IF_ERROR(body.status());
  s.body = *body;
  if (s.body->type != b.output_.dtype && s.body->type == DType::F32) s.body = loop::cast(b.output_.dtype, s.body);
  return s;
}

using Describe = StatusOr<loop::Stage> (*)(Builder &, const Node &);

/// Every op with a description, by name, with the family function that describes it
/// (the reductions and the layout ops keep their own tables).
const std::map<std::string, Describe> &describers() {
  static const std::map<std::string, Describe> table = [] {
    std::map<std::string, Describe> t;
    auto add = [&](std::initializer_list<const char *> ops, Describe d) {
      for (const char *op : ops) t[op] = d;
    };
    add({"Conv", "Gemm", "MatMul", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool"}, describeDense);
    add({"Concat"}, describeConcat);
    add({"ArgMax", "ArgMin"}, describeArgReduce);
    add({"Softmax", "LogSoftmax", "Hardmax"}, describeSoftmax);
    add({"NegativeLogLikelihoodLoss", "SoftmaxCrossEntropyLoss"}, describeLoss);
    add({"LayerNormalization"}, describeLayerNorm);
    add({"InstanceNormalization"}, describeInstanceNorm);
    add({"LRN"}, describeLrn);
    add({"MeanVarianceNormalization"}, describeMeanVarianceNorm);
    add({"Resize", "Upsample"}, describeResize);
    add({"GridSample"}, describeGridSample);
    add({"RoiAlign"}, describeRoiAlign);
    add({"RNN", "GRU", "LSTM"}, describeRecurrent);
    add({"ConvInteger", "QLinearConv"}, describeIntegerConv);
    add({"MatMulInteger", "QLinearMatMul"}, describeIntegerMatMul);
    add({"QAdd"}, describeQAdd);
    add({"QConv"}, describeQConv);
    add({"QGemm"}, describeQGemm);
    add({"QMaxPool", "QAveragePool"}, describeQPool);
    add({"QMatMul"}, describeQMatMul);
    add({"QMul"}, describeQMul);
    add({"QMax", "QMin"}, describeQMinMax);
    add({"QClip"}, describeQClip);
    add({"QLut"}, describeQLut);
    add({"QGlobalAveragePool"}, describeQGlobalAveragePool);
    add({"ConvTranspose"}, describeConvTranspose);
    add({"ScatterElements", "Scatter", "ScatterND"}, describeScatter);
    add({"GatherND"}, describeGatherNd);
    add({"MaxUnpool"}, describeMaxUnpool);
    add({"QuantizeLinear", "DequantizeLinear"}, describeQuantize);
    add({"DynamicQuantizeLinear"}, describeDynamicQuantize);
    add({"Einsum"}, describeEinsum);
    add({"TopK"}, describeTopK);
    return t;
  }();
  return table;
}

StatusOr<loop::Stage> describeAnchor(Builder &b, const Node &node) {
  if (isReduceOp(node.op)) return describeReduce(b, node);
  if (isLayoutOp(node.op)) return describeLayout(b, node);
  if (auto it = describers().find(node.op); it != describers().end()) return it->second(b, node);
  if (isElementwiseOp(node.op)) return describeElementwise(b, node);
  return unimplemented(node, "no compute description");
}

/// Ops with several results are described only where each result has a stage.
Status checkResults(const Node &node) {
  size_t results = 0;
  for (const std::string &out : node.outputs) results += !out.empty();
  static const std::set<std::string> kSeveral = {"Split", "Dropout", "SoftmaxCrossEntropyLoss", "LayerNormalization",
                                                 "TopK", "MaxPool", "BatchNormalization", "DynamicQuantizeLinear",
                                                 "RNN", "GRU", "LSTM"};
  if (results <= 1 || kSeveral.count(node.op)) return absl::OkStatus();
  return unimplemented(node, "several results");
}

/// Dropout's mask (inference: every element kept), a stage of its own.
Status describeDropoutMask(Builder &b, const Node &node) {
  if (node.op != "Dropout" || node.outputs.size() < 2 || node.outputs[1].empty()) return absl::OkStatus();
  TS_ASSIGN_OR_RETURN(loop::Buffer mask, b.param(node.outputs[1]));
  loop::Stage s = b.stageFor(mask, "m");
  s.body = constant(1, mask.dtype);
  b.func_.stages.push_back(s);
  return absl::OkStatus();
}

/// f16 tensors are converted (Cast) and moved (layout ops), not computed on: the back
/// end has no f16 math library calls.
Status checkHalfPrecision(const Builder &b, const Node &anchor, const KernelGroup &group) {
  bool moves = anchor.op == "Cast" || anchor.op == "CastLike" || isLayoutOp(anchor.op) || isElementwiseOp(anchor.op);
  if (moves && group.nodes.size() == 1) return absl::OkStatus();
  for (const loop::Buffer &buffer : b.func_.params)
    if (buffer.dtype == DType::F16) return unimplemented(anchor, "arithmetic on f16 tensors");
  return absl::OkStatus();
}

} // namespace

int64_t gemmColumnTile(int64_t columns, int64_t maxColumns, int64_t vectorWidth) {
  for (int64_t lanes = vectorWidth; lanes >= 8 || (lanes == vectorWidth && lanes > 0); lanes /= 2)
    for (int64_t b = maxColumns / lanes * lanes; b >= lanes; b -= lanes)
      if (columns % b == 0) return b;
  return 0;
}

int64_t convChannelBlock(int64_t outChannels, int64_t maxBlock) {
  for (int64_t b = maxBlock; b > 1; b /= 2)
    if (outChannels % b == 0) return b;
  return 1;
}

int64_t rowTileBlock(int64_t groupWidth, int64_t maxBlock) {
  for (int64_t b = std::min(groupWidth, maxBlock); b > 1; --b)
    if (groupWidth % b == 0) return b;
  return 1;
}

bool isFusableElementwise(const Node &node) {
  return isElementwiseOp(node.op) && node.op != "Cast" && node.op != "CastLike" && node.outputs.size() >= 1 &&
         (node.outputs.size() == 1 || node.op == "Dropout");
}

StatusOr<KernelDescription> describeKernel(const graph::Graph &graph, const KernelGroup &group,
                                          const std::string &name, const DescribeOptions &options) {
  Builder b(graph, name, options);
  const Node &anchor = graph.nodes[group.nodes[0]];
  TS_RETURN_IF_ERROR(checkResults(anchor));
  // The kernel's main result: the first one the graph uses (an RNN's Y may be absent).
  const std::vector<std::string> &results = graph.nodes[group.nodes.back()].outputs;
  auto used = std::find_if(results.begin(), results.end(), [](const std::string &r) { return !r.empty(); });
  if (used == results.end() || (used != results.begin() && group.nodes.size() > 1))
    return unimplemented(anchor, "the first result is not used");
  const std::string &outValue = *used;
  const graph::TensorType &outType = graph.typeOf(outValue);
  if (!outType.isStatic()) return unimplemented(anchor, "output is not a static tensor");
  if (group.nodes.size() > 1 && graph.typeOf(anchor.outputs[0]).dtype != DType::F32)
    return unimplemented(anchor, "only f32 kernels fuse epilogues");
  TS_RETURN_IF_ERROR(b.addOutput(outValue));
  TS_ASSIGN_OR_RETURN(loop::Stage stage, describeAnchor(b, anchor));
  if (stage.output.name.empty()) stage.output = b.output_;
  if (stage.axes.empty()) stage.axes = axisNames(stage.output.shape.size(), "i");
  Expr epilogue = stage.epilogue ? stage.epilogue : (stage.combiner == loop::Combiner::None ? stage.body : stage.accumulated());
  // Each fused node reads the values computed before it in the group (a chain, or a
  // diamond such as x * sigmoid(x)) as expressions, not from memory.
  std::map<std::string, Expr> known = {{anchor.outputs[0], epilogue}};
  for (size_t k = 1; k < group.nodes.size(); ++k) {
    const Node &node = graph.nodes[group.nodes[k]];
    TS_ASSIGN_OR_RETURN(epilogue, b.elementwise(node, known, stage.axes));
    known[node.outputs[0]] = epilogue;
  }
  if (stage.combiner == loop::Combiner::None)
    stage.body = epilogue;
  else if (group.nodes.size() > 1 || stage.epilogue)
    stage.epilogue = epilogue;
  b.func_.stages.push_back(stage);
  TS_RETURN_IF_ERROR(describeDropoutMask(b, anchor));
  TS_RETURN_IF_ERROR(checkHalfPrecision(b, anchor, group));
  return KernelDescription{b.func_, b.bound_, b.constants_};
}

} // namespace tessera::lower
