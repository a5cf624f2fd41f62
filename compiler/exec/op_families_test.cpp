//===- op_families_test.cpp - Each op family compiled, against the interpreter --------===//
//
// One small graph per family of compute descriptions (lower/op_compute_*.cpp): it must
// plan with no reference fallback, and the compiled kernels must reproduce the
// reference interpreter (exactly for integers and bools).
//
//===----------------------------------------------------------------------===//
#include <gtest/gtest.h>

#include <cmath>

#include "compiler/exec/graph_executor.h"
#include "compiler/exec/test_graphs.h"
#include "compiler/graph/parser.h"
#include "compiler/graph/dtype_dispatch.h"

namespace tessera::exec {
namespace {

template <typename T>
Tensor tensorOf(DType type, Shape shape, std::vector<T> values) {
  Tensor t(type, shape);
  for (size_t k = 0; k < values.size(); ++k) t.data<T>()[k] = values[k];
  return t;
}

Tensor floats(Shape shape, unsigned seed) {
  Tensor t(DType::F32, shape);
  for (int64_t k = 0; k < t.elementCount(); ++k) t.data<float>()[k] = static_cast<float>((k * 37 + seed * 11) % 23) / 7.0f - 1.5f;
  return t;
}

void expectSame(const std::string &name, const Tensor &want, const Tensor &got) {
  ASSERT_EQ(want.dtype(), got.dtype()) << name;
  ASSERT_EQ(want.shape(), got.shape()) << name;
  for (int64_t k = 0; k < want.elementCount(); ++k) {
    double w = graph::loadAsDouble(want.dtype(), want.bytes(), k), g = graph::loadAsDouble(got.dtype(), got.bytes(), k);
    EXPECT_NEAR(g, w, 1e-5 * (1 + std::fabs(w))) << name << " element " << k;
  }
}

/// Compiles `text`, checks that nothing falls back, and compares every output.
void expectCompiledMatchesInterpreter(const std::string &text, const interp::TensorMap &inputs) {
  exec::testing::compareCompiledWithInterpreter(text, inputs, expectSame);
}

TEST(OpFamilies, IntegerAndBoolElementwise) {
  expectCompiledMatchesInterpreter(R"(graph @main(%a: i32[2,3], %b: i32[3], %u: u8[2,3]) {
  %s = Add(%a, %b) : i32[2,3]
  %m = Mod(%a, %b) : i32[2,3]
  %x = Max(%m, %s) : i32[2,3]
  %e = Greater(%a, %b) : bool[2,3]
  %n = Not(%e) : bool[2,3]
  %w = Where(%n, %x, %a) : i32[2,3]
  %f = Cast(%w) {to = "f32"} : f32[2,3]
  %q = Div(%u, %u) : u8[2,3]
  %v = Min(%u, %q) : u8[2,3]
  return %f, %v
}
)",
      {{"a", tensorOf<int32_t>(DType::I32, {2, 3}, {-7, 5, 3, 9, -2, 0})},
       {"b", tensorOf<int32_t>(DType::I32, {3}, {3, -4, 2})},
       {"u", tensorOf<uint8_t>(DType::U8, {2, 3}, {200, 1, 255, 7, 128, 3})}});
}

// Inference BatchNormalization with constant parameters (folded into a multiplier
// and a shift) and with run-time ones, and the activations with inline vector math,
// on rows that end mid-vector (37 columns: whole vectors and a masked last one; 7:
// one masked vector).
TEST(OpFamilies, BatchNormAndActivationsOnRowsEndingMidVector) {
  expectCompiledMatchesInterpreter(R"(graph @main(%x: f32[1,3,5,37], %v: f32[2,3,7], %m: f32[3], %var: f32[3]) {
  %scale = const f32[3] dense<[1.5, -0.5, 2.0]>
  %bias = const f32[3] dense<[0.25, 1.0, -3.0]>
  %mean = const f32[3] dense<[0.5, -1.0, 0.0]>
  %variance = const f32[3] dense<[4.0, 0.25, 1.0]>
  %b = BatchNormalization(%x, %scale, %bias, %mean, %variance) {epsilon = 0.001} : f32[1,3,5,37]
  %r = Relu(%b) : f32[1,3,5,37]
  %c = BatchNormalization(%x, %scale, %bias, %m, %var) : f32[1,3,5,37]
  %s = Sigmoid(%x) : f32[1,3,5,37]
  %t = Tanh(%v) : f32[2,3,7]
  %e = Erf(%v) : f32[2,3,7]
  %h = HardSwish(%v) : f32[2,3,7]
  %g = HardSigmoid(%x) : f32[1,3,5,37]
  return %r, %c, %s, %t, %e, %h, %g
}
)",
      {{"x", floats({1, 3, 5, 37}, 1)}, {"v", floats({2, 3, 7}, 2)}, {"m", floats({3}, 3)},
       {"var", tensorOf<float>(DType::F32, {3}, {0.5f, 2.0f, 1.0f})}});
}

TEST(OpFamilies, ReductionsAndSoftmax) {
  expectCompiledMatchesInterpreter(R"(graph @main(%x: f32[2,3,4]) {
  %axes = const i64[1] dense<[1]>
  %s = ReduceSum(%x, %axes) {keepdims = 0} : f32[2,4]
  %l = ReduceLogSumExp(%x) {axes = [0, 2]} : f32[1,3,1]
  %a = ArgMax(%x) {axis = 2, select_last_index = 1} : i64[2,3,1]
  %p = Softmax(%x) {axis = 1} : f32[2,3,4]
  %q = LogSoftmax(%x) : f32[2,3,4]
  %h = Hardmax(%x) {axis = 0} : f32[2,3,4]
  %r = Softmax(%x) : f32[2,3,4]
  return %s, %l, %a, %p, %q, %h, %r
}
)",
      {{"x", floats({2, 3, 4}, 1)}});
}

TEST(OpFamilies, LayoutWithRunTimeIndices) {
  expectCompiledMatchesInterpreter(R"(graph @main(%x: f32[3,4], %i: i64[2], %starts: i64[2], %steps: i64[2]) {
  %t = Transpose(%x) : f32[4,3]
  %g = Gather(%t, %i) {axis = 1} : f32[4,2]
  %pads = const i64[4] dense<[1, 2, 1, 0]>
  %p = Pad(%x, %pads) {mode = "reflect"} : f32[5,6]
  %ends = const i64[2] dense<[0, 4]>
  %s = Slice(%p, %starts, %ends, _, %steps) : f32[2,2]
  %shape = const i64[3] dense<[3, 2, 2]>
  %e = Expand(%s, %shape) : f32[3,2,2]
  return %g, %e
}
)",
      {{"x", floats({3, 4}, 2)},
       {"i", tensorOf<int64_t>(DType::I64, {2}, {-1, 0})},
       {"starts", tensorOf<int64_t>(DType::I64, {2}, {-1, 0})},
       {"steps", tensorOf<int64_t>(DType::I64, {2}, {-2, 2})}});
}

TEST(OpFamilies, LossesWithSeveralResults) {
  expectCompiledMatchesInterpreter(R"(graph @main(%x: f32[3,5,2], %y: i64[3,2], %w: f32[5]) {
  %loss, %logp = SoftmaxCrossEntropyLoss(%x, %y, %w) {ignore_index = 4} : f32[], f32[3,5,2]
  %none = NegativeLogLikelihoodLoss(%logp, %y) {reduction = "none"} : f32[3,2]
  %scale = const f32[2] dense<[0.5, 2.0]>
  %n, %mean, %inv = LayerNormalization(%x, %scale) {axis = 2} : f32[3,5,2], f32[3,5,1], f32[3,5,1]
  return %loss, %none, %n, %inv
}
)",
      {{"x", floats({3, 5, 2}, 3)},
       {"y", tensorOf<int64_t>(DType::I64, {3, 2}, {0, 4, 2, 1, 3, 4})},
       {"w", floats({5}, 4)}});
}

TEST(OpFamilies, WindowsResizeAndScatter) {
  expectCompiledMatchesInterpreter(R"(graph @main(%x: f32[1,2,3,3], %w: f32[2,1,2,2], %scales: f32[4], %d: f32[3,3], %i: i64[2,3], %u: f32[2,3]) {
  %c = ConvTranspose(%x, %w) {group = 2, strides = [2, 2], pads = [1, 0, 0, 1]} : f32[1,2,5,5]
  %r = Resize(%x, _, %scales) {mode = "cubic", coordinate_transformation_mode = "align_corners"} : f32[1,2,5,4]
  %s = ScatterElements(%d, %i, %u) {axis = 0} : f32[3,3]
  %k = const i64[1] dense<[2]>
  %v, %j = TopK(%d, %k) {axis = 1, largest = 0} : f32[3,2], i64[3,2]
  return %c, %r, %s, %v, %j
}
)",
      {{"x", floats({1, 2, 3, 3}, 5)},
       {"w", floats({2, 1, 2, 2}, 6)},
       {"scales", tensorOf<float>(DType::F32, {4}, {1.0f, 1.0f, 1.8f, 1.5f})},
       {"d", floats({3, 3}, 7)},
       {"i", tensorOf<int64_t>(DType::I64, {2, 3}, {2, 0, 1, 2, -3, 1})},
       {"u", floats({2, 3}, 8)}});
}

TEST(OpFamilies, RecurrentIntegerAndSampling) {
  std::vector<uint8_t> image(32), kernel(24);
  for (size_t k = 0; k < image.size(); ++k) image[k] = static_cast<uint8_t>((k * 53) % 256);
  for (size_t k = 0; k < kernel.size(); ++k) kernel[k] = static_cast<uint8_t>((k * 29) % 17);
  expectCompiledMatchesInterpreter(R"(graph @main(%x: f32[3,2,4], %wg: f32[1,9,4], %rg: f32[1,9,3], %len: i32[2], %wl: f32[1,12,4], %rl: f32[1,12,3], %q: u8[1,2,4,4], %k: u8[3,2,2,2], %g: f32[1,3,2,2]) {
  _, %h = GRU(%x, %wg, %rg, _, %len) {hidden_size = 3, linear_before_reset = 1} : none, f32[1,2,3]
  %y, %lh, %lc = LSTM(%x, %wl, %rl) {hidden_size = 3} : f32[3,1,2,3], f32[1,2,3], f32[1,2,3]
  %zp = const u8[1] dense<[3]>
  %c = ConvInteger(%q, %k, %zp) {pads = [1, 0, 0, 1]} : i32[1,3,4,4]
  %qf = Cast(%q) {to = "f32"} : f32[1,2,4,4]
  %s = GridSample(%qf, %g) {mode = "bicubic", padding_mode = "reflection"} : f32[1,2,3,2]
  return %h, %y, %lc, %c, %s
}
)",
      {{"x", floats({3, 2, 4}, 9)},
       {"wg", floats({1, 9, 4}, 10)},
       {"rg", floats({1, 9, 3}, 11)},
       {"len", tensorOf<int32_t>(DType::I32, {2}, {3, 2})},
       {"wl", floats({1, 12, 4}, 12)},
       {"rl", floats({1, 12, 3}, 13)},
       {"q", tensorOf<uint8_t>(DType::U8, {1, 2, 4, 4}, image)},
       {"k", tensorOf<uint8_t>(DType::U8, {3, 2, 2, 2}, kernel)},
       {"g", floats({1, 3, 2, 2}, 14)}});
}

TEST(OpFamilies, MatMulBroadcastingAndVectors) {
  // Broadcast batch axes (by rank and by extent 1), 1-D operands, and N-D x matrix
  // products with fused epilogues: the residual lines up with the merged rows, the
  // Add of %t broadcasts along part of them (it compiles unfused). 13 x 37 products
  // leave partial row and column tiles.
  expectCompiledMatchesInterpreter(R"(graph @main(%a: f32[2,3,5,7], %b: f32[3,7,6], %c: f32[2,1,5,7], %d: f32[1,4,7,3], %v: f32[7], %s: f32[3,1,7], %r: f32[3,1,5], %t: f32[5,5], %g: f32[2,13,19], %h: f32[19,37], %hb: f32[2,19,37]) {
  %gh = MatMul(%g, %h) : f32[2,13,37]
  %ghb = MatMul(%g, %hb) : f32[2,13,37]
  %ab = MatMul(%a, %b) : f32[2,3,5,6]
  %cd = MatMul(%c, %d) : f32[2,4,5,3]
  %vb = MatMul(%v, %b) : f32[3,6]
  %av = MatMul(%a, %v) : f32[2,3,5]
  %vv = MatMul(%v, %v) : f32[]
  %w = const f32[7,5] dense<[-1.2, -0.7, -0.2, 0.3, 0.8, 1.3, -0.95, -0.45, 0.05, 0.55, 1.05, -1.2, -0.7, -0.2, 0.3, 0.8, 1.3, -0.95, -0.45, 0.05, 0.55, 1.05, -1.2, -0.7, -0.2, 0.3, 0.8, 1.3, -0.95, -0.45, 0.05, 0.55, 1.05, -1.2, -0.7]>
  %sw = MatMul(%s, %w) : f32[3,1,5]
  %bias = const f32[5] dense<[0.5, -1.0, 0.25, 2.0, -0.75]>
  %sb = Add(%sw, %bias) : f32[3,1,5]
  %res = Add(%sb, %r) : f32[3,1,5]
  %aw = MatMul(%a, %w) : f32[2,3,5,5]
  %at = Add(%aw, %t) : f32[2,3,5,5]
  return %ab, %cd, %vb, %av, %vv, %res, %at, %gh, %ghb
}
)",
      {{"a", floats({2, 3, 5, 7}, 15)},
       {"b", floats({3, 7, 6}, 16)},
       {"c", floats({2, 1, 5, 7}, 17)},
       {"d", floats({1, 4, 7, 3}, 18)},
       {"v", floats({7}, 19)},
       {"s", floats({3, 1, 7}, 20)},
       {"r", floats({3, 1, 5}, 21)},
       {"t", floats({5, 5}, 22)},
       {"g", floats({2, 13, 19}, 23)},
       {"h", floats({19, 37}, 24)},
       {"hb", floats({2, 19, 37}, 25)}});
}

TEST(OpFamilies, ConstantSlices) {
  // Constant starts (negative, past the end), axes (negative) and steps (2, -1, -3).
  expectCompiledMatchesInterpreter(R"(graph @main(%x: f32[3,7,11]) {
  %s0 = const i64[2] dense<[-5, 1]>
  %e0 = const i64[2] dense<[100, 6]>
  %a0 = const i64[2] dense<[-1, 1]>
  %p0 = const i64[2] dense<[2, 1]>
  %y0 = Slice(%x, %s0, %e0, %a0, %p0) : f32[3,5,3]
  %s1 = const i64[2] dense<[100, 5]>
  %e1 = const i64[2] dense<[-100, 0]>
  %a1 = const i64[2] dense<[2, 1]>
  %p1 = const i64[2] dense<[-3, -1]>
  %y1 = Slice(%x, %s1, %e1, %a1, %p1) : f32[3,5,4]
  %s2 = const i64[1] dense<[1]>
  %e2 = const i64[1] dense<[3]>
  %y2 = Slice(%x, %s2, %e2) : f32[2,7,11]
  return %y0, %y1, %y2
}
)",
      {{"x", floats({3, 7, 11}, 26)}});
}

TEST(OpFamilies, TransposesKeepingTheImageAxes) {
  // The last two axes stay in place (moved as one): a channel shuffle, and a fused
  // Add whose operand broadcasts along one of those axes (it compiles unfused).
  expectCompiledMatchesInterpreter(R"(graph @main(%x: f32[1,2,3,5,7], %y: f32[2,3,5,7], %q: f32[7]) {
  %s = Transpose(%x) {perm = [0, 2, 1, 3, 4]} : f32[1,3,2,5,7]
  %t = Transpose(%y) {perm = [1, 0, 2, 3]} : f32[3,2,5,7]
  %u = Add(%t, %q) : f32[3,2,5,7]
  return %s, %u
}
)",
      {{"x", floats({1, 2, 3, 5, 7}, 27)}, {"y", floats({2, 3, 5, 7}, 28)}, {"q", floats({7}, 29)}});
}

} // namespace
} // namespace tessera::exec
