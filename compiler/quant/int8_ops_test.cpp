//===- int8_ops_test.cpp - The int8 ops on the reference interpreter ------------===//
//
// Each test writes a small graph in the text form, runs it on the interpreter and
// checks the int8 result against values worked out by hand from the op's definition
// (docs/quantization.md); the negative tests check the verifier's messages.
//
//===----------------------------------------------------------------------===//
#include <gtest/gtest.h>

#include "compiler/graph/parser.h"
#include "compiler/graph/verifier.h"
#include "compiler/interp/interpreter.h"
#include "compiler/interp/kernel_util.h"

namespace tessera::quant {
namespace {

Tensor int8Tensor(const Shape &shape, const std::vector<int64_t> &values) {
  return interp::fromInts(DType::I8, shape, values);
}

/// Parses, verifies and runs a one-output graph whose inputs are %x (and %y).
std::vector<int64_t> run(const std::string &text, const Tensor &x, const Tensor *y = nullptr) {
  auto graph = graph::parseGraph(text);
  EXPECT_TRUE(graph.ok()) << graph.status();
  if (!graph.ok()) return {};
  Status verified = graph::verifyGraph(*graph);
  EXPECT_TRUE(verified.ok()) << verified;
  interp::TensorMap inputs{{"x", x}};
  if (y) inputs["y"] = *y;
  auto outputs = interp::runGraph(*graph, inputs);
  EXPECT_TRUE(outputs.ok()) << outputs.status();
  if (!outputs.ok()) return {};
  return interp::toInts(outputs->begin()->second);
}

std::string verifyMessage(const std::string &text) {
  auto graph = graph::parseGraph(text);
  if (!graph.ok()) return "parse: " + std::string(graph.status().message());
  return std::string(graph::verifyGraph(*graph).message());
}

// 1x1 conv, two output channels with their own requant operands, bias, ReLU clip.
// Channel 0: acc = 10*1 + 20*2 + 5 = 55, scale 0.5 (m = 2^23, s = 24) -> 27.5 -> 28.
// Channel 1: acc = 10*(-3) + 20*1 - 1 = -11, scale 1.0 -> -11 -> clipped to 0.
TEST(Int8Ops, QConvPerChannelRequantBiasAndClip) {
  std::string text = R"(graph @main(%x: i8[1,2,1,1]) {
  %w = const i8[2,2,1,1] dense<[1, 2, -3, 1]>
  %b = const i32[2] dense<[5, -1]>
  %y = QConv(%x, %w, %b) {clip = [0, 127], requant_multiplier = [8388608, 8388608], requant_shift = [24, 23]} : i8[1,2,1,1]
  return %y
}
)";
  EXPECT_EQ(run(text, int8Tensor({1, 2, 1, 1}, {10, 20})), (std::vector<int64_t>{28, 0}));
}

// Requant rounds half up and saturates: acc = 127 * 127 * 2 = 32258, scale 2^-7 = 252.02 -> 127;
// acc = -255 with scale 0.5 is -127.5 -> -127 (half up), not -128.
TEST(Int8Ops, QGemmRoundsHalfUpAndSaturates) {
  std::string text = R"(graph @main(%x: i8[2,2]) {
  %w = const i8[2,2] dense<[127, 127, 1, 0]>
  %y = QGemm(%x, %w) {requant_multiplier = [8388608, 8388608], requant_shift = [30, 24]} : i8[2,2]
  return %y
}
)";
  // Row 0 = [127, 127]: ch0 acc 32258 * 2^-7 = 252 -> 127; ch1 acc 127 * 0.5 = 63.5 -> 64.
  // Row 1 = [-128, -127]: ch0 acc -32385 * 2^-7 -> -128; ch1 acc -128 * 0.5 = -64.
  EXPECT_EQ(run(text, int8Tensor({2, 2}, {127, 127, -128, -127})), (std::vector<int64_t>{127, 64, -128, -64}));
}

// The residual add of the accelerator: a * mul_a + b * mul_b, then one requant.
// 3 * 2 + (-5) * 3 = -9; requant 0.5 -> -4.5 -> -4 (half up).
TEST(Int8Ops, QAddIsMulMulAddRequant) {
  std::string text = R"(graph @main(%x: i8[3], %y: i8[3]) {
  %z = QAdd(%x, %y) {mul_a = 2, mul_b = 3, requant_multiplier = [8388608], requant_shift = [24]} : i8[3]
  return %z
}
)";
  Tensor y = int8Tensor({3}, {-5, 127, -128});
  // 100*2 + 127*3 = 581 * 0.5 = 290.5 -> 127; -100*2 - 128*3 = -584 * 0.5 -> -128.
  EXPECT_EQ(run(text, int8Tensor({3}, {3, 100, -100}), &y), (std::vector<int64_t>{-4, 127, -128}));
}

// QMul by a per-channel scale [1,2,1,1]: channel 0 times 3, channel 1 times -128; requant
// 0.25 (m = 2^23, s = 25). 5*3 = 15 -> 3.75 -> 4; -7*3 = -21 -> -5.25 -> -5;
// 2*-128 = -256 -> -64; -128*-128 = 16384 -> 4096 -> 127 (saturated).
TEST(Int8Ops, QMulBroadcastsPerChannel) {
  std::string text = R"(graph @main(%x: i8[1,2,1,2], %y: i8[1,2,1,1]) {
  %z = QMul(%x, %y) {requant_multiplier = [8388608], requant_shift = [25]} : i8[1,2,1,2]
  return %z
}
)";
  Tensor y = int8Tensor({1, 2, 1, 1}, {3, -128});
  EXPECT_EQ(run(text, int8Tensor({1, 2, 1, 2}, {5, -7, 2, -128}), &y), (std::vector<int64_t>{4, -5, -64, 127}));
}

// QMatMul of two int8 activations, batched over a leading dim, one per-tensor requant 0.5:
// batch 0 [[1, 2], [3, 4]] x [[5, 6], [7, 8]] = [[19, 22], [43, 50]] -> [10, 11, 22, 25]
// (half up); batch 1 [[-128, 0], [0, 1]] x [[127, 0], [0, -1]] = [[-16256, 0], [0, -1]]
// -> [-128, 0, 0, 0] (-0.5 rounds half up to 0).
TEST(Int8Ops, QMatMulBatchedPerTensorRequant) {
  std::string text = R"(graph @main(%x: i8[2,2,2], %y: i8[2,2,2]) {
  %z = QMatMul(%x, %y) {requant_multiplier = [8388608], requant_shift = [24]} : i8[2,2,2]
  return %z
}
)";
  Tensor y = int8Tensor({2, 2, 2}, {5, 6, 7, 8, 127, 0, 0, -1});
  EXPECT_EQ(run(text, int8Tensor({2, 2, 2}, {1, 2, 3, 4, -128, 0, 0, 1}), &y),
            (std::vector<int64_t>{10, 11, 22, 25, -128, 0, 0, 0}));
  EXPECT_NE(verifyMessage(R"(graph @main(%x: i8[4], %y: i8[4,2]) {
  %z = QMatMul(%x, %y) {requant_multiplier = [8388608], requant_shift = [24]} : i8[2]
  return %z
}
)").find("rank 2 or more"), std::string::npos);
}

TEST(Int8Ops, QMaxQMinAndQClip) {
  Tensor y = int8Tensor({3}, {0, 5, -7});
  EXPECT_EQ(run(R"(graph @main(%x: i8[3], %y: i8[3]) {
  %z = QMax(%x, %y) : i8[3]
  return %z
}
)", int8Tensor({3}, {-3, 9, -8}), &y), (std::vector<int64_t>{0, 9, -7}));
  EXPECT_EQ(run(R"(graph @main(%x: i8[3], %y: i8[3]) {
  %z = QMin(%x, %y) : i8[3]
  return %z
}
)", int8Tensor({3}, {-3, 9, -8}), &y), (std::vector<int64_t>{-3, 5, -8}));
  EXPECT_EQ(run(R"(graph @main(%x: i8[4]) {
  %z = QClip(%x) {clip = [0, 48]} : i8[4]
  return %z
}
)", int8Tensor({4}, {-9, 0, 47, 100})), (std::vector<int64_t>{0, 0, 47, 48}));
}

// 2x2 windows, stride 2, padding 1 on a 3x3 plane: max ignores the padding; the
// average sums with zero padding and requantizes by 1/4 (m = 2^23, s = 25).
TEST(Int8Ops, Pools) {
  Tensor x = int8Tensor({1, 1, 3, 3}, {-1, -2, -3, -4, -5, -6, -7, -8, 10});
  EXPECT_EQ(run(R"(graph @main(%x: i8[1,1,3,3]) {
  %z = QMaxPool(%x) {kernel_shape = [2, 2], pads = [1, 1, 1, 1], strides = [2, 2]} : i8[1,1,2,2]
  return %z
}
)", x), (std::vector<int64_t>{-1, -2, -4, 10}));
  // Windows: {-1} -> -0.25 -> 0; {-2,-3} -> -1.25 -> -1; {-4,-7} -> -2.75 -> -3; {-5,-6,-8,10} -> -2.25 -> -2.
  EXPECT_EQ(run(R"(graph @main(%x: i8[1,1,3,3]) {
  %z = QAveragePool(%x) {kernel_shape = [2, 2], pads = [1, 1, 1, 1], requant_multiplier = [8388608], requant_shift = [25], strides = [2, 2]} : i8[1,1,2,2]
  return %z
}
)", x), (std::vector<int64_t>{0, -1, -3, -2}));
  // Sum -26 over 9 elements with scale 1/9 (m = 14913081, s = 27) -> -2.89 -> -3.
  EXPECT_EQ(run(R"(graph @main(%x: i8[1,1,3,3]) {
  %z = QGlobalAveragePool(%x) {requant_multiplier = [14913081], requant_shift = [27]} : i8[1,1,1,1]
  return %z
}
)", x), (std::vector<int64_t>{-3}));
}

/// The text of a QLut on i8[N] whose table entry i is `entry(i)`.
template <typename Entry>
std::string lutGraph(int64_t n, Entry entry) {
  std::string table;
  for (int i = 0; i < 256; ++i) table += (i ? ", " : "") + std::to_string(entry(i));
  std::string type = "i8[" + std::to_string(n) + "]";
  return "graph @main(%x: " + type + ") {\n  %z = QLut(%x) {table = [" + table + "]} : " + type + "\n  return %z\n}\n";
}

// QLut reads entry x + 128: a table that negates (saturating -128 -> 127) and one that
// is its index's low byte minus 128, on the int8 edges.
TEST(Int8Ops, QLutReadsEntryXPlus128) {
  std::string negate = lutGraph(5, [](int i) { return std::min(127, 128 - i); });
  EXPECT_EQ(run(negate, int8Tensor({5}, {-128, -1, 0, 1, 127})), (std::vector<int64_t>{127, 1, 0, -1, -127}));
  std::string ramp = lutGraph(3, [](int i) { return i - 128; });
  EXPECT_EQ(run(ramp, int8Tensor({3}, {-128, 5, 127})), (std::vector<int64_t>{-128, 5, 127}));
}

TEST(Int8Ops, VerifierRejectsWhatTheAcceleratorCannotEncode) {
  EXPECT_EQ(verifyMessage(R"(graph @main(%x: i8[4]) {
  %z = QLut(%x) {table = [1, 2, 3]} : i8[4]
  return %z
}
)"), "QLut defining %z: table must have 256 entries, got 3");
  EXPECT_EQ(verifyMessage(lutGraph(4, [](int i) { return i == 7 ? 128 : 0; })), "QLut defining %z: table[7] = 128 is not an int8");
  EXPECT_EQ(verifyMessage(R"(graph @main(%x: i8[2,2]) {
  %w = const i8[3,2] dense<[1, 2, 3, 4, 5, 6]>
  %y = QGemm(%x, %w) {requant_multiplier = [16777216], requant_shift = [24]} : i8[2,3]
  return %y
}
)"), "QGemm defining %y: requant_multiplier[0] = 16777216 is outside [0, 2^24)");
  EXPECT_EQ(verifyMessage(R"(graph @main(%x: i8[2,2]) {
  %w = const i8[3,2] dense<[1, 2, 3, 4, 5, 6]>
  %y = QGemm(%x, %w) {requant_multiplier = [1, 2], requant_shift = [3, 4]} : i8[2,3]
  return %y
}
)"), "QGemm defining %y: 2 requant operands for 3 output channels (expected 1 or 3)");
  EXPECT_EQ(verifyMessage(R"(graph @main(%x: f32[2,2]) {
  %w = const i8[3,2] dense<[1, 2, 3, 4, 5, 6]>
  %y = QGemm(%x, %w) {requant_multiplier = [1], requant_shift = [3]} : i8[2,3]
  return %y
}
)"), "QGemm defining %y: input 0 must be i8, got f32");
  EXPECT_EQ(verifyMessage(R"(graph @main(%x: i8[4]) {
  %z = QClip(%x) {clip = [5, 2]} : i8[4]
  return %z
}
)"), "QClip defining %z: clip must be [lo, hi] with -128 <= lo <= hi <= 127");
  EXPECT_EQ(verifyMessage(R"(graph @main(%x: i8[4], %y: i8[4]) {
  %z = QAdd(%x, %y) {mul_a = 40000, mul_b = 1, requant_multiplier = [1], requant_shift = [0]} : i8[4]
  return %z
}
)"), "QAdd defining %z: mul_a must be a 16-bit signed integer");
}

} // namespace
} // namespace tessera::quant
