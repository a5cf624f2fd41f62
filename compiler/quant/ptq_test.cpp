//===- ptq_test.cpp - Post-training quantization, text in -> text out -----------===//
//
// Calibration statistics are built from hand-picked tensors so the scales are known
// (minmax: scale = max|x| / 127), then the rewrite's output is compared as text.
//
//===----------------------------------------------------------------------===//
#include "compiler/quant/ptq.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "compiler/graph/parser.h"
#include "compiler/graph/printer.h"
#include "compiler/interp/kernel_util.h"

namespace tessera::quant {
namespace {

/// Statistics whose max |x| is `maxAbs`.
TensorStats statsWithMax(double maxAbs) {
  TensorStats stats;
  stats.add(interp::fromDoubles(DType::F32, {2}, {-maxAbs / 2, maxAbs}));
  return stats;
}

std::string quantizeText(const std::string &text, const CalibrationTable &table) {
  auto graph = graph::parseGraph(text);
  if (!graph.ok()) return "parse error: " + std::string(graph.status().message());
  QuantizeOptions options;
  options.method = CalibrationMethod::MinMax;
  auto report = quantizeGraph(*graph, table, options);
  if (!report.ok()) return "error: " + std::string(report.status().message());
  return graph::printGraph(*graph);
}

// Conv + Relu becomes one QConv with per-channel weights, an int32 bias, per-channel
// requant operands and the ReLU as clip [0, 127]; Sigmoid stays fp32 behind a
// DequantizeLinear. Scales: x 1.27 / 127 = 0.01, relu 2.54 / 127 = 0.02.
// Channel 0: w = [1, -0.5], s_w = 1/127 -> [127, -64]; bias 0.5 / (0.01/127) = 6350;
// requant 0.01 * (1/127) / 0.02 = 1/254 = 8454660 / 2^31.
// Channel 1: w = [0.25, 2], s_w = 2/127 -> [16, 127]; bias -1 / (0.02/127) = -6350;
// requant 0.01 * (2/127) / 0.02 = 1/127 = 8454660 / 2^30.
TEST(Ptq, ConvReluBecomesQConvWithClip) {
  std::string input = R"(graph @main(%x: f32[1,2,2,2]) {
  %w = const f32[2,2,1,1] dense<[1.0, -0.5, 0.25, 2.0]>
  %b = const f32[2] dense<[0.5, -1.0]>
  %c = Conv(%x, %w, %b) : f32[1,2,2,2]
  %r = Relu(%c) : f32[1,2,2,2]
  %s = Sigmoid(%r) : f32[1,2,2,2]
  return %s
}
)";
  CalibrationTable table{{"x", statsWithMax(1.27)}, {"c", statsWithMax(3)}, {"r", statsWithMax(2.54)}};
  EXPECT_EQ(quantizeText(input, table), R"(graph @main(%x: f32[1,2,2,2]) {
  %r_bias_i32 = const i32[2] dense<[6350, -6350]>
  %r_scale = const f32[] dense<[0.0199999996]>
  %r_zero = const i8[] dense<[0]>
  %w_i8 = const i8[2,2,1,1] dense<[127, -64, 16, 127]>
  %x_scale = const f32[] dense<[0.00999999978]>
  %x_zero = const i8[] dense<[0]>
  %x_i8 = QuantizeLinear(%x, %x_scale, %x_zero) : i8[1,2,2,2]{scale=0.00999999978, zero_point=0}
  %r_i8 = QConv(%x_i8, %w_i8, %r_bias_i32) {clip = [0, 127], requant_multiplier = [8454660, 8454660], requant_shift = [31, 30]} : i8[1,2,2,2]{scale=0.0199999996, zero_point=0}
  %r = DequantizeLinear(%r_i8, %r_scale, %r_zero) : f32[1,2,2,2]
  %s = Sigmoid(%r) : f32[1,2,2,2]
  return %s
}
)");
}

// A residual Add of two activations followed by Relu becomes QAdd with a clip; the
// Gemm (transB) becomes QGemm with weights [M, K] and beta * C as the bias. Scales:
// a 1.27 -> 0.01, b 2.54 -> 0.02, y 5.08 -> 0.04; ratios 0.25 and 0.5 -> mul_a 8192,
// mul_b 16384, requant 0.5 / 2^14 = 2^-15 (m = 2^23, s = 38).
TEST(Ptq, ResidualAddAndGemm) {
  std::string input = R"(graph @main(%a: f32[1,2], %b: f32[1,2]) {
  %s = Add(%a, %b) : f32[1,2]
  %y = Relu(%s) : f32[1,2]
  %w = const f32[3,2] dense<[1.0, 0.0, 0.0, 1.0, 0.5, 0.5]>
  %c = const f32[3] dense<[0.0, 0.08, -0.08]>
  %z = Gemm(%y, %w, %c) {beta = 0.5, transB = 1} : f32[1,3]
  return %z
}
)";
  CalibrationTable table{{"a", statsWithMax(1.27)}, {"b", statsWithMax(2.54)}, {"s", statsWithMax(6)},
                         {"y", statsWithMax(5.08)}, {"z", statsWithMax(1.27)}};
  EXPECT_EQ(quantizeText(input, table), R"(graph @main(%a: f32[1,2], %b: f32[1,2]) {
  %a_scale = const f32[] dense<[0.00999999978]>
  %a_zero = const i8[] dense<[0]>
  %b_scale = const f32[] dense<[0.0199999996]>
  %b_zero = const i8[] dense<[0]>
  %w_i8 = const i8[3,2] dense<[127, 0, 0, 127, 127, 127]>
  %z_bias_i32 = const i32[3] dense<[0, 127, -254]>
  %z_scale = const f32[] dense<[0.00999999978]>
  %z_zero = const i8[] dense<[0]>
  %a_i8 = QuantizeLinear(%a, %a_scale, %a_zero) : i8[1,2]{scale=0.00999999978, zero_point=0}
  %b_i8 = QuantizeLinear(%b, %b_scale, %b_zero) : i8[1,2]{scale=0.0199999996, zero_point=0}
  %y_i8 = QAdd(%a_i8, %b_i8) {clip = [0, 127], mul_a = 8192, mul_b = 16384, requant_multiplier = [8388608], requant_shift = [38]} : i8[1,2]{scale=0.0399999991, zero_point=0}
  %z_i8 = QGemm(%y_i8, %w_i8, %z_bias_i32) {requant_multiplier = [8454660, 8454660, 8454660], requant_shift = [28, 28, 29]} : i8[1,3]{scale=0.00999999978, zero_point=0}
  %z = DequantizeLinear(%z_i8, %z_scale, %z_zero) : f32[1,3]
  return %z
}
)");
}

// Ops without an int8 form stay fp32: AveragePool that excludes its padding from the
// count cannot be one requant; a MaxPool after it then runs in fp32 too (its input is
// not int8), and the Relu after the int8 conv stays int8 as a QClip.
TEST(Ptq, UnsupportedOpsStayFloat) {
  std::string input = R"(graph @main(%x: f32[1,1,4,4]) {
  %p = AveragePool(%x) {kernel_shape = [3, 3], pads = [1, 1, 1, 1]} : f32[1,1,4,4]
  %m = MaxPool(%p) {kernel_shape = [2, 2], strides = [2, 2]} : f32[1,1,2,2]
  %w = const f32[1,1,1,1] dense<[2.0]>
  %c = Conv(%m, %w) : f32[1,1,2,2]
  %d = Neg(%c) : f32[1,1,2,2]
  %r = Relu(%c) : f32[1,1,2,2]
  return %d, %r
}
)";
  CalibrationTable table{{"x", statsWithMax(1.27)}, {"p", statsWithMax(1.27)}, {"m", statsWithMax(1.27)},
                         {"c", statsWithMax(2.54)}, {"d", statsWithMax(2.54)}, {"r", statsWithMax(2.54)}};
  EXPECT_EQ(quantizeText(input, table), R"(graph @main(%x: f32[1,1,4,4]) {
  %c_bias_i32 = const i32[1] dense<[0]>
  %c_scale = const f32[] dense<[0.0199999996]>
  %c_zero = const i8[] dense<[0]>
  %m_scale = const f32[] dense<[0.00999999978]>
  %m_zero = const i8[] dense<[0]>
  %r_scale = const f32[] dense<[0.0199999996]>
  %r_zero = const i8[] dense<[0]>
  %w_i8 = const i8[1,1,1,1] dense<[127]>
  %p = AveragePool(%x) {kernel_shape = [3, 3], pads = [1, 1, 1, 1]} : f32[1,1,4,4]
  %m = MaxPool(%p) {kernel_shape = [2, 2], strides = [2, 2]} : f32[1,1,2,2]
  %m_i8 = QuantizeLinear(%m, %m_scale, %m_zero) : i8[1,1,2,2]{scale=0.00999999978, zero_point=0}
  %c_i8 = QConv(%m_i8, %w_i8, %c_bias_i32) {requant_multiplier = [8454660], requant_shift = [30]} : i8[1,1,2,2]{scale=0.0199999996, zero_point=0}
  %c = DequantizeLinear(%c_i8, %c_scale, %c_zero) : f32[1,1,2,2]
  %d = Neg(%c) : f32[1,1,2,2]
  %r_i8 = QClip(%c_i8) {clip = [0, 127]} : i8[1,1,2,2]{scale=0.0199999996, zero_point=0}
  %r = DequantizeLinear(%r_i8, %r_scale, %r_zero) : f32[1,1,2,2]
  return %d, %r
}
)");
}

// Global average pooling: requant by s_in / (s_out * 16) for a 4x4 plane.
TEST(Ptq, GlobalAveragePool) {
  std::string input = R"(graph @main(%x: f32[1,2,4,4]) {
  %w = const f32[2,2,1,1] dense<[1.0, 0.0, 0.0, 1.0]>
  %c = Conv(%x, %w) : f32[1,2,4,4]
  %g = GlobalAveragePool(%c) : f32[1,2,1,1]
  return %g
}
)";
  CalibrationTable table{{"x", statsWithMax(1.27)}, {"c", statsWithMax(1.27)}, {"g", statsWithMax(0.635)}};
  EXPECT_EQ(quantizeText(input, table), R"(graph @main(%x: f32[1,2,4,4]) {
  %c_bias_i32 = const i32[2] dense<[0, 0]>
  %g_scale = const f32[] dense<[0.00499999989]>
  %g_zero = const i8[] dense<[0]>
  %w_i8 = const i8[2,2,1,1] dense<[127, 0, 0, 127]>
  %x_scale = const f32[] dense<[0.00999999978]>
  %x_zero = const i8[] dense<[0]>
  %x_i8 = QuantizeLinear(%x, %x_scale, %x_zero) : i8[1,2,4,4]{scale=0.00999999978, zero_point=0}
  %c_i8 = QConv(%x_i8, %w_i8, %c_bias_i32) {requant_multiplier = [8454660, 8454660], requant_shift = [30, 30]} : i8[1,2,4,4]{scale=0.00999999978, zero_point=0}
  %g_i8 = QGlobalAveragePool(%c_i8) {requant_multiplier = [8388608], requant_shift = [26]} : i8[1,2,1,1]{scale=0.00499999989, zero_point=0}
  %g = DequantizeLinear(%g_i8, %g_scale, %g_zero) : f32[1,2,1,1]
  return %g
}
)");
}

// Products of two activations: Mul by a per-channel gate becomes QMul (the gate its second
// operand, though the model wrote it first), MatMul of two
// activations QMatMul; both operands are quantized per tensor and the one requant is
// s_a * s_b / s_y. Mul: 0.01 * 0.02 / 0.01 = 0.02 = 0.64 * 2^-5 -> m = round(0.64 * 2^24)
// = 10737418, s = 29. MatMul: 0.01 * 0.02 / 0.04 = 0.005 = 0.64 * 2^-7 -> s = 31; its
// Relu is fused as the clip.
TEST(Ptq, ProductsOfTwoActivations) {
  std::string input = R"(graph @main(%x: f32[1,2,2,2], %g: f32[1,2,1,1], %a: f32[2,3], %b: f32[3,2]) {
  %y = Mul(%g, %x) : f32[1,2,2,2]
  %m = MatMul(%a, %b) : f32[2,2]
  %r = Relu(%m) : f32[2,2]
  return %y, %r
}
)";
  CalibrationTable table{{"x", statsWithMax(1.27)}, {"g", statsWithMax(2.54)}, {"y", statsWithMax(1.27)},
                         {"a", statsWithMax(1.27)}, {"b", statsWithMax(2.54)}, {"m", statsWithMax(6)},
                         {"r", statsWithMax(5.08)}};
  std::string output = quantizeText(input, table);
  EXPECT_NE(output.find("%y_i8 = QMul(%x_i8, %g_i8) {requant_multiplier = [10737418], requant_shift = [29]} : "
                        "i8[1,2,2,2]{scale=0.00999999978, zero_point=0}"),
            std::string::npos)
      << output;
  EXPECT_NE(output.find("%r_i8 = QMatMul(%a_i8, %b_i8) {clip = [0, 127], requant_multiplier = [10737418], "
                        "requant_shift = [31]} : i8[2,2]{scale=0.0399999991, zero_point=0}"),
            std::string::npos)
      << output;
  EXPECT_EQ(output.find("= Mul("), std::string::npos) << output;
  EXPECT_EQ(output.find("= MatMul("), std::string::npos) << output;
}

/// The `table` of the QLut defining `value` in `graph`, or empty.
graph::Ints lutTableOf(const graph::Graph &graph, const std::string &value) {
  for (const graph::Node &node : graph.nodes)
    if (node.op == "QLut" && node.outputs[0] == value) return node.attrs.getInts("table");
  return {};
}

/// saturate_int8(round_half_even(f(q * sx) / sy)) for every q, in float.
template <typename F>
graph::Ints expectedTable(F f, float sx, float sy) {
  graph::Ints table;
  for (int q = -128; q <= 127; ++q)
    table.push_back(int64_t(std::clamp(std::nearbyint(f(float(q) * sx) / sy), -128.0f, 127.0f)));
  return table;
}

// Unary activations after an int8 op become QLut tables: SiLU written as
// Mul(c, Sigmoid(c)) is one table (the Mul absorbed), Tanh and HardSwish one each.
// Scales: c 1.27 -> 0.01, m 1.27 -> 0.01, t 1 -> 1/127, h 0.635 -> 0.005.
TEST(Ptq, UnaryActivationsBecomeTables) {
  std::string input = R"(graph @main(%x: f32[1,1,2,2]) {
  %w = const f32[1,1,1,1] dense<[1.0]>
  %c = Conv(%x, %w) : f32[1,1,2,2]
  %s = Sigmoid(%c) : f32[1,1,2,2]
  %m = Mul(%c, %s) : f32[1,1,2,2]
  %t = Tanh(%c) : f32[1,1,2,2]
  %h = HardSwish(%c) : f32[1,1,2,2]
  return %m, %t, %h
}
)";
  CalibrationTable table{{"x", statsWithMax(1.27)}, {"c", statsWithMax(1.27)}, {"s", statsWithMax(1)},
                         {"m", statsWithMax(1.27)}, {"t", statsWithMax(1)}, {"h", statsWithMax(0.635)}};
  auto graph = graph::parseGraph(input);
  ASSERT_TRUE(graph.ok()) << graph.status();
  QuantizeOptions options;
  options.method = CalibrationMethod::MinMax;
  auto report = quantizeGraph(*graph, table, options);
  ASSERT_TRUE(report.ok()) << report.status();
  std::string text = graph::printGraph(*graph);
  EXPECT_EQ(text.find("Sigmoid("), std::string::npos) << text;
  EXPECT_EQ(text.find("Mul("), std::string::npos) << text;
  EXPECT_NE(text.find("%m_i8 = QLut(%c_i8)"), std::string::npos) << text;
  auto silu = [](float x) { return x * (1.0f / (1.0f + std::exp(-x))); };
  EXPECT_EQ(lutTableOf(*graph, "m_i8"), expectedTable(silu, 0.01f, 0.01f));
  EXPECT_EQ(lutTableOf(*graph, "t_i8"), expectedTable([](float x) { return std::tanh(x); }, 0.01f, 1.0f / 127));
  auto hardSwish = [](float x) { return x * std::clamp(x / 6.0f + 0.5f, 0.0f, 1.0f); };
  EXPECT_EQ(lutTableOf(*graph, "h_i8"), expectedTable(hardSwish, 0.01f, 0.005f));
}

// GELU as exporters before opset 20 write it, x * (erf(x / sqrt 2) + 1) * 0.5 after an
// int8 conv, is one QLut: the Div, Erf, Add and both Muls are gone. Scales: c 1.27 ->
// 0.01, g 1.27 -> 0.01.
TEST(Ptq, GeluChainBecomesOneTable) {
  std::string input = R"(graph @main(%x: f32[1,1,2,2]) {
  %w = const f32[1,1,1,1] dense<[1.0]>
  %c = Conv(%x, %w) : f32[1,1,2,2]
  %r2 = const f32[] dense<[1.41421354]>
  %d = Div(%c, %r2) : f32[1,1,2,2]
  %e = Erf(%d) : f32[1,1,2,2]
  %one = const f32[] dense<[1.0]>
  %a = Add(%e, %one) : f32[1,1,2,2]
  %m = Mul(%c, %a) : f32[1,1,2,2]
  %half = const f32[] dense<[0.5]>
  %g = Mul(%m, %half) : f32[1,1,2,2]
  return %g
}
)";
  CalibrationTable table{{"x", statsWithMax(1.27)}, {"c", statsWithMax(1.27)}, {"d", statsWithMax(1)},
                         {"e", statsWithMax(1)}, {"a", statsWithMax(2)}, {"m", statsWithMax(2.54)},
                         {"g", statsWithMax(1.27)}};
  auto graph = graph::parseGraph(input);
  ASSERT_TRUE(graph.ok()) << graph.status();
  QuantizeOptions options;
  options.method = CalibrationMethod::MinMax;
  ASSERT_TRUE(quantizeGraph(*graph, table, options).ok());
  std::string text = graph::printGraph(*graph);
  for (const char *op : {"Div(", "Erf(", "Add(", "Mul("}) EXPECT_EQ(text.find(op), std::string::npos) << op << "\n" << text;
  EXPECT_NE(text.find("%g_i8 = QLut(%c_i8)"), std::string::npos) << text;
  auto gelu = [](float x) { return 0.5f * x * (1.0f + std::erf(x / std::sqrt(2.0f))); };
  EXPECT_EQ(lutTableOf(*graph, "g_i8"), expectedTable(gelu, 0.01f, 0.01f));
}

TEST(Ptq, MissingStatisticsAreAnError) {
  std::string input = R"(graph @main(%x: f32[1,2]) {
  %w = const f32[2,2] dense<[1.0, 0.0, 0.0, 1.0]>
  %y = MatMul(%x, %w) : f32[1,2]
  return %y
}
)";
  EXPECT_EQ(quantizeText(input, {{"x", statsWithMax(1)}}), "error: no calibration statistics for %y");
}

// The histogram keeps its resolution relative to the largest value seen: 2048 bins
// that double in width as later samples grow the range.
TEST(Calibration, PercentileAndGrowingHistogram) {
  TensorStats stats;
  std::vector<double> small(1000);
  for (int i = 0; i < 1000; ++i) small[i] = (i % 2 ? 1 : -1) * (i + 1) / 1000.0; // |x| uniform in (0, 1]
  stats.add(interp::fromDoubles(DType::F32, {1000}, small));
  stats.add(interp::fromDoubles(DType::F32, {1}, {-8.0})); // one outlier, range x8
  EXPECT_EQ(stats.min(), -8.0);
  EXPECT_EQ(stats.max(), 1.0);
  EXPECT_EQ(stats.threshold(CalibrationMethod::MinMax, 0), 8.0);
  // 99% of the 1001 values are at most 0.991 (bins are 8/2048 wide after growing).
  EXPECT_NEAR(stats.threshold(CalibrationMethod::Percentile, 99), 0.991, 8.0 / 2048);
  // Entropy clips the lone outlier too.
  EXPECT_LT(stats.threshold(CalibrationMethod::Entropy, 0), 2.0);
  EXPECT_GT(stats.threshold(CalibrationMethod::Entropy, 0), 0.5);
}

TEST(Calibration, SamplesFromSpec) {
  auto graph = graph::parseGraph(R"(graph @main(%x: f32[2,3]) {
  %y = Relu(%x) : f32[2,3]
  return %y
}
)");
  ASSERT_TRUE(graph.ok());
  auto samples = samplesFromSpec(*graph, "random:3", 5);
  ASSERT_TRUE(samples.ok()) << samples.status();
  EXPECT_EQ(samples->size(), 3u);
  EXPECT_EQ((*samples)[0].at("x").shape(), (Shape{2, 3}));
  auto again = samplesFromSpec(*graph, "random:3", 5);
  EXPECT_EQ((*samples)[2].at("x"), (*again)[2].at("x")); // seeded
  EXPECT_EQ(samplesFromSpec(*graph, "random:x", 5).status().message(),
            "--calibrate random:N needs a sample count, got 'random:x'");
  auto table = calibrate(*graph, *samples);
  ASSERT_TRUE(table.ok());
  EXPECT_EQ(table->count("y"), 1u);
  EXPECT_GE(table->at("y").min(), 0.0);
}

} // namespace
} // namespace tessera::quant
