//===- op_compute_int8.cpp - The accelerator's int8 ops as compute stages ----------===//
//
// Host-side code for the quantized ops (QConv, QGemm, QAdd, QMatMul, QMul, QMax, QMin,
// QClip, QLut, QMaxPool, QAveragePool, QGlobalAveragePool; compiler/graph/int8_ops.h)
// bit-identical to the interpreter's kernels (compiler/interp/kernels_int8*.cpp),
// which follow the ALU lanes of isa/alu_ops.h:
//   requant(x) = saturate_int8(floor(x * m / 2^s + 1/2)), s capped at 63,
//   clip(x)    = min(max(x, lo), hi),
// with int32 accumulators. A per-tensor requant operand makes m and s constants of the
// kernel; a per-channel one (QConv, QGemm) is read from tables indexed by the channel.
// The rounding shift is an int64 division by 2^s of a dividend made non-negative by
// adding a multiple of 2^s (the loop IR's integer division truncates; floor and
// truncation agree on non-negative values).
//
//===----------------------------------------------------------------------===//
#include "compiler/graph/int8_ops.h"
#include "compiler/lower/op_compute_builder.h"

namespace tessera::lower::detail {
namespace {

/// |x * m| < 2^55 for an int32 x and a 24-bit m: shifts of 56 or more give 0.
constexpr uint32_t kZeroShift = 56;
/// A multiple of every 2^s (s < 56) that makes x * m + 2^(s-1) non-negative.
constexpr int64_t kOffset = int64_t(1) << 57;

/// floor(x * m / 2^s + 1/2) = (x * multiplier + addend) / divisor - subtrahend for an
/// int32 x, in int64 (isa::requantize before saturation).
struct RoundingShift {
  int64_t multiplier, addend, divisor, subtrahend;
};
RoundingShift roundingShiftOf(uint32_t multiplier, uint32_t shift) {
  shift = std::min<uint32_t>(shift, 63);
  if (shift >= kZeroShift) return {0, 0, 1, 0};
  int64_t divisor = int64_t(1) << shift;
  return {multiplier, divisor / 2 + kOffset, divisor, kOffset / divisor};
}

/// The rounding shift of the int32 `acc` by a per-tensor operand (constants of the kernel).
Expr roundingShift(Expr acc, uint32_t multiplier, uint32_t shift) {
  RoundingShift r = roundingShiftOf(multiplier, shift);
  if (r.multiplier == 0) return i(0);
  Expr product = loop::cast(DType::I64, std::move(acc)) * i(r.multiplier);
  if (r.divisor == 1) return product;
  return (product + i(r.addend)) / i(r.divisor) - i(r.subtrahend);
}

/// The rounding shift by the operand of output channel `channel`: its terms as int64
/// tables of the kernel indexed by `channel`.
Expr roundingShiftPerChannel(Builder &b, const Node &node, Expr acc, const graph::Int8OpAttrs &attrs, Expr channel) {
  int64_t channels = static_cast<int64_t>(attrs.multipliers.size());
  Tensor multiplier(DType::I64, {channels}), addend(DType::I64, {channels}), divisor(DType::I64, {channels}),
      subtrahend(DType::I64, {channels});
  for (int64_t c = 0; c < channels; ++c) {
    RoundingShift r = roundingShiftOf(attrs.multipliers[c], attrs.shifts[c]);
    multiplier.data<int64_t>()[c] = r.multiplier;
    addend.data<int64_t>()[c] = r.addend;
    divisor.data<int64_t>()[c] = r.divisor;
    subtrahend.data<int64_t>()[c] = r.subtrahend;
  }
  auto table = [&](const char *suffix, Tensor values) {
    loop::Buffer buffer = b.constantParam(strCat(node.outputs[0], suffix), std::move(values));
    return loop::load(buffer.name, DType::I64, {channel});
  };
  Expr product = loop::cast(DType::I64, std::move(acc)) * table(".requant_m", std::move(multiplier));
  return (product + table(".requant_add", std::move(addend))) / table(".requant_div", std::move(divisor)) -
         table(".requant_sub", std::move(subtrahend));
}

/// The int8 epilogue of the interpreter's `finish`: requant (per tensor, or per output
/// channel `channel` of `channels`), saturate, clip to [clipLo, clipHi].
StatusOr<Expr> finishInt8(Builder &b, const Node &node, Expr acc, bool needsRequant, int64_t channels = 1,
                          Expr channel = nullptr) {
  auto attrs = graph::readInt8OpAttrs(node.attrs, channels, needsRequant);
  if (!attrs.ok()) return unimplemented(node, std::string(attrs.status().message()));
  Expr value;
  if (attrs->multipliers.empty()) value = loop::cast(DType::I64, std::move(acc));
  else if (attrs->multipliers.size() == 1) value = roundingShift(std::move(acc), attrs->multipliers[0], attrs->shifts[0]);
  else value = roundingShiftPerChannel(b, node, std::move(acc), *attrs, std::move(channel));
  int64_t lo = attrs->clipLo, hi = attrs->clipHi;
  if (!attrs->multipliers.empty()) {
    lo = std::max<int64_t>(lo, -128);
    hi = std::min<int64_t>(hi, 127);
  }
  return loop::cast(DType::I8, loop::minExpr(loop::maxExpr(value, i(lo)), i(hi)));
}

/// An int8 input read at the output point, widened to int32.
StatusOr<Expr> int8Operand(Builder &b, const Node &node, size_t input, const std::vector<std::string> &axes) {
  if (b.dtypeOf(node.input(input)) != DType::I8) return unimplemented(node, "int8 operands expected");
  TS_ASSIGN_OR_RETURN(Expr load, b.broadcastLoad(node.input(input), axes));
  return loop::cast(DType::I32, load);
}

} // namespace

/// QAdd: requant(a * mul_a + b * mul_b) on int32 lanes, then clip.
StatusOr<loop::Stage> describeQAdd(Builder &b, const Node &node) {
  if (b.shapeOf(node.input(0)) != b.shapeOf(node.input(1))) return unimplemented(node, "operands of one shape expected");
  loop::Stage s = b.stageFor(b.output_);
  TS_ASSIGN_OR_RETURN(Expr x, int8Operand(b, node, 0, s.axes));
  TS_ASSIGN_OR_RETURN(Expr y, int8Operand(b, node, 1, s.axes));
  Expr mulA = constant(double(node.attrs.getInt("mul_a", 1)), DType::I32);
  Expr mulB = constant(double(node.attrs.getInt("mul_b", 1)), DType::I32);
  TS_ASSIGN_OR_RETURN(s.body, finishInt8(b, node, x * mulA + y * mulB, /*needsRequant=*/true));
  return s;
}

/// QMatMul: int32 sums of int8 products over K (batch axes broadcast from the right),
/// then requant and clip in a second stage.
StatusOr<loop::Stage> describeQMatMul(Builder &b, const Node &node) {
  TS_ASSIGN_OR_RETURN(loop::Buffer a, b.param(node.input(0)));
  TS_ASSIGN_OR_RETURN(loop::Buffer m, b.param(node.input(1)));
  const Shape &as = a.shape, &bs = m.shape;
  if (as.size() < 2 || bs.size() < 2 || a.dtype != DType::I8 || m.dtype != DType::I8)
    return unimplemented(node, "int8 operands of rank 2 or more expected");
  loop::Buffer acc = b.temp("acc", b.output_.shape, DType::I32);
  loop::Stage s = b.stageFor(acc, "q");
  size_t rank = s.axes.size();
  Expr row = loop::var(s.axes[rank - 2]), col = loop::var(s.axes[rank - 1]), k = loop::var("qk");
  s.reduceAxes = {{"qk", as.back()}};
  auto operandIndex = [&](const Shape &shape, Expr first, Expr second) {
    std::vector<Expr> index;
    for (size_t d = 0; d + 2 < shape.size(); ++d) {
      size_t axis = rank - shape.size() + d;
      index.push_back(shape[d] == 1 && b.output_.shape[axis] != 1 ? i(0) : loop::var(s.axes[axis]));
    }
    index.push_back(std::move(first));
    index.push_back(std::move(second));
    return index;
  };
  auto widen = [](const loop::Buffer &buffer, std::vector<Expr> index) {
    return loop::cast(DType::I32, loop::load(buffer.name, buffer.dtype, std::move(index)));
  };
  s.combiner = loop::Combiner::Sum;
  s.init = constant(0, DType::I32);
  s.body = widen(a, operandIndex(as, row, k)) * widen(m, operandIndex(bs, k, col));
  b.func_.stages.push_back(s);
  loop::Stage out = b.stageFor(b.output_);
  TS_ASSIGN_OR_RETURN(out.body, finishInt8(b, node, loop::load(acc.name, DType::I32, axisVars(out.axes)), true));
  return out;
}

/// QConv: int32 sums of int8 products over the window and the group's input channels
/// (zero outside the image), starting from the bias; then the per-channel requant and
/// clip in a second stage.
StatusOr<loop::Stage> describeQConv(Builder &b, const Node &node) {
  TS_ASSIGN_OR_RETURN(loop::Buffer x, b.param(node.input(0)));
  TS_ASSIGN_OR_RETURN(loop::Buffer w, b.param(node.input(1)));
  const Shape &xs = x.shape, &ws = w.shape;
  int64_t group = node.attrs.getInt("group", 1);
  if (xs.size() < 3 || xs.size() > 5 || ws.size() != xs.size() || group <= 0 || xs[1] != ws[1] * group ||
      ws[0] % group || x.dtype != DType::I8 || w.dtype != DType::I8)
    return unimplemented(node, "int8 input and weights of a 1-D to 3-D convolution expected");
  size_t rank = xs.size() - 2;
  Shape spatial(xs.begin() + 2, xs.end()), kernel(ws.begin() + 2, ws.end());
  TS_ASSIGN_OR_RETURN(graph::WindowGeometry geo, graph::computeWindowGeometry(node.attrs, spatial, kernel, false));
  loop::Buffer acc = b.temp("acc", b.output_.shape, DType::I32);
  loop::Stage s = b.stageFor(acc, "q");
  Expr oc = loop::var(s.axes[1]);
  Expr channel = (oc / i(ws[0] / group)) * i(ws[1]) + loop::var("qc");
  s.reduceAxes = {{"qc", ws[1]}};
  WindowRead window = windowRead(s, geo, spatial);
  std::vector<Expr> xIndex = {loop::var(s.axes[0]), channel}, wIndex = {oc, loop::var("qc")};
  xIndex.insert(xIndex.end(), window.spatial.begin(), window.spatial.end());
  for (size_t d = 0; d < rank; ++d) wIndex.push_back(loop::var(strCat("qk", d)));
  auto widen = [](const loop::Buffer &buffer, std::vector<Expr> index) {
    return loop::cast(DType::I32, loop::load(buffer.name, buffer.dtype, std::move(index)));
  };
  s.combiner = loop::Combiner::Sum;
  s.init = constant(0, DType::I32);
  if (node.hasInput(2)) {
    TS_ASSIGN_OR_RETURN(loop::Buffer bias, b.param(node.input(2)));
    if (bias.dtype != DType::I32 || bias.elementCount() != ws[0]) return unimplemented(node, "an int32 bias per output channel expected");
    s.init = loop::load(bias.name, DType::I32, {oc});
  }
  s.body = loop::select(window.inside, widen(x, xIndex) * widen(w, wIndex), constant(0, DType::I32));
  b.func_.stages.push_back(s);
  loop::Stage out = b.stageFor(b.output_);
  TS_ASSIGN_OR_RETURN(out.body, finishInt8(b, node, loop::load(acc.name, DType::I32, axisVars(out.axes)), true, ws[0],
                                           loop::var(out.axes[1])));
  return out;
}

/// QGemm: x[..., K] times w[M, K] transposed, from the bias, in int32; then the
/// per-column requant and clip in a second stage.
StatusOr<loop::Stage> describeQGemm(Builder &b, const Node &node) {
  TS_ASSIGN_OR_RETURN(loop::Buffer x, b.param(node.input(0)));
  TS_ASSIGN_OR_RETURN(loop::Buffer w, b.param(node.input(1)));
  if (x.shape.empty() || w.shape.size() != 2 || x.shape.back() != w.shape[1] || x.dtype != DType::I8 ||
      w.dtype != DType::I8)
    return unimplemented(node, "int8 x[..., K] and w[M, K] expected");
  int64_t m = w.shape[0];
  loop::Buffer acc = b.temp("acc", b.output_.shape, DType::I32);
  loop::Stage s = b.stageFor(acc, "q");
  size_t rank = s.axes.size();
  Expr column = loop::var(s.axes[rank - 1]), k = loop::var("qk");
  s.reduceAxes = {{"qk", w.shape[1]}};
  std::vector<Expr> xIndex;
  for (size_t d = 0; d + 1 < rank; ++d) xIndex.push_back(loop::var(s.axes[d]));
  xIndex.push_back(k);
  s.combiner = loop::Combiner::Sum;
  s.init = constant(0, DType::I32);
  if (node.hasInput(2)) {
    TS_ASSIGN_OR_RETURN(loop::Buffer bias, b.param(node.input(2)));
    if (bias.dtype != DType::I32 || bias.elementCount() != m) return unimplemented(node, "an int32 bias per column expected");
    s.init = loop::load(bias.name, DType::I32, {column});
  }
  s.body = loop::cast(DType::I32, loop::load(x.name, x.dtype, std::move(xIndex))) *
           loop::cast(DType::I32, loop::load(w.name, w.dtype, {column, k}));
  b.func_.stages.push_back(s);
  loop::Stage out = b.stageFor(b.output_);
  TS_ASSIGN_OR_RETURN(out.body, finishInt8(b, node, loop::load(acc.name, DType::I32, axisVars(out.axes)), true, m,
                                           loop::var(out.axes[rank - 1])));
  return out;
}

/// QMaxPool, QAveragePool: each window reduced over its positions inside the input in
/// int32 (max from -128; a sum, so the padding adds zeros), then the requant (the
/// average's operand holds the division by the window) and clip in a second stage.
StatusOr<loop::Stage> describeQPool(Builder &b, const Node &node) {
  TS_ASSIGN_OR_RETURN(loop::Buffer x, b.param(node.input(0)));
  if (x.dtype != DType::I8 || x.shape.size() < 3) return unimplemented(node, "an int8 input of rank 3 or more expected");
  Shape spatial(x.shape.begin() + 2, x.shape.end());
  bool max = node.op == "QMaxPool";
  TS_ASSIGN_OR_RETURN(graph::WindowGeometry geo,
                      graph::computeWindowGeometry(node.attrs, spatial, node.attrs.getInts("kernel_shape"),
                                                   node.attrs.getInt("ceil_mode", 0) != 0));
  loop::Buffer acc = b.temp("acc", b.output_.shape, DType::I32);
  loop::Stage s = b.stageFor(acc, "q");
  WindowRead window = windowRead(s, geo, spatial);
  std::vector<Expr> index = {loop::var(s.axes[0]), loop::var(s.axes[1])};
  index.insert(index.end(), window.spatial.begin(), window.spatial.end());
  Expr empty = constant(max ? -128 : 0, DType::I32);
  s.combiner = max ? loop::Combiner::Max : loop::Combiner::Sum;
  s.init = empty;
  s.body = loop::select(window.inside, loop::cast(DType::I32, loop::load(x.name, x.dtype, std::move(index))), empty);
  b.func_.stages.push_back(s);
  loop::Stage out = b.stageFor(b.output_);
  TS_ASSIGN_OR_RETURN(out.body, finishInt8(b, node, loop::load(acc.name, DType::I32, axisVars(out.axes)), !max));
  return out;
}

/// QGlobalAveragePool: each [N, C] plane summed in int32, then requant (the operand
/// holds s_in / (s_out * plane size)) and clip. Planes of up to 2^24 elements keep the
/// int32 sum of int8 values in range; larger ones (where the interpreter's wrapping
/// add would wrap) stay on the interpreter.
StatusOr<loop::Stage> describeQGlobalAveragePool(Builder &b, const Node &node) {
  TS_ASSIGN_OR_RETURN(loop::Buffer x, b.param(node.input(0)));
  if (x.dtype != DType::I8 || x.shape.size() < 2) return unimplemented(node, "an int8 input of rank 2 or more expected");
  int64_t plane = 1;
  for (size_t d = 2; d < x.shape.size(); ++d) plane *= x.shape[d];
  if (plane > (int64_t(1) << 24)) return unimplemented(node, "planes of more than 2^24 elements");
  loop::Buffer acc = b.temp("acc", b.output_.shape, DType::I32);
  loop::Stage s = b.stageFor(acc, "q");
  std::vector<Expr> index = {loop::var(s.axes[0]), loop::var(s.axes[1])};
  for (size_t d = 2; d < x.shape.size(); ++d) {
    std::string axis = strCat("qp", d);
    s.reduceAxes.push_back({axis, x.shape[d]});
    index.push_back(loop::var(axis));
  }
  s.combiner = loop::Combiner::Sum;
  s.init = constant(0, DType::I32);
  s.body = loop::cast(DType::I32, loop::load(x.name, x.dtype, std::move(index)));
  b.func_.stages.push_back(s);
  loop::Stage out = b.stageFor(b.output_);
  TS_ASSIGN_OR_RETURN(out.body, finishInt8(b, node, loop::load(acc.name, DType::I32, axisVars(out.axes)), true));
  return out;
}

/// QMul: requant(a * b) with numpy broadcasting, then clip.
StatusOr<loop::Stage> describeQMul(Builder &b, const Node &node) {
  loop::Stage s = b.stageFor(b.output_);
  TS_ASSIGN_OR_RETURN(Expr x, int8Operand(b, node, 0, s.axes));
  TS_ASSIGN_OR_RETURN(Expr y, int8Operand(b, node, 1, s.axes));
  TS_ASSIGN_OR_RETURN(s.body, finishInt8(b, node, x * y, /*needsRequant=*/true));
  return s;
}

/// QMax, QMin: the larger (smaller) operand, then the optional requant and clip.
StatusOr<loop::Stage> describeQMinMax(Builder &b, const Node &node) {
  if (b.shapeOf(node.input(0)) != b.shapeOf(node.input(1))) return unimplemented(node, "operands of one shape expected");
  loop::Stage s = b.stageFor(b.output_);
  TS_ASSIGN_OR_RETURN(Expr x, int8Operand(b, node, 0, s.axes));
  TS_ASSIGN_OR_RETURN(Expr y, int8Operand(b, node, 1, s.axes));
  Expr picked = node.op == "QMax" ? loop::maxExpr(x, y) : loop::minExpr(x, y);
  TS_ASSIGN_OR_RETURN(s.body, finishInt8(b, node, picked, /*needsRequant=*/false));
  return s;
}

/// QClip: the optional requant and the clip of one operand.
StatusOr<loop::Stage> describeQClip(Builder &b, const Node &node) {
  loop::Stage s = b.stageFor(b.output_);
  TS_ASSIGN_OR_RETURN(Expr x, int8Operand(b, node, 0, s.axes));
  TS_ASSIGN_OR_RETURN(s.body, finishInt8(b, node, x, /*needsRequant=*/false));
  return s;
}

/// QLut: each element through the 256-entry table (entry x + 128), a constant of the kernel.
StatusOr<loop::Stage> describeQLut(Builder &b, const Node &node) {
  auto entries = graph::readLutTable(node.attrs);
  if (!entries.ok()) return unimplemented(node, std::string(entries.status().message()));
  Tensor table(DType::I8, {graph::kLutTableEntries});
  std::copy(entries->begin(), entries->end(), table.data<int8_t>());
  loop::Buffer lut = b.constantParam(node.outputs[0] + ".lut", std::move(table));
  loop::Stage s = b.stageFor(b.output_);
  TS_ASSIGN_OR_RETURN(Expr x, int8Operand(b, node, 0, s.axes));
  s.body = loop::load(lut.name, DType::I8, {loop::cast(DType::I64, x) + i(128)});
  return s;
}

} // namespace tessera::lower::detail
