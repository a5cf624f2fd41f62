//===- qdq_import_test.cpp - qdq-import, text in -> text out ---------------------===//
#include "compiler/quant/qdq_import.h"

#include <gtest/gtest.h>

#include <random>

#include "compiler/graph/parser.h"
#include "compiler/interp/interpreter.h"
#include "compiler/interp/kernel_util.h"
#include "compiler/passes/pass_test_util.h"
#include "compiler/quant/register_passes.h"

namespace tessera::passes {
namespace {

/// The pipelines name qdq-import, a pass of compiler/quant: registered first, as the
/// tessera CLI does at start.
class QdqImport : public ::testing::Test {
protected:
  static void SetUpTestSuite() { quant::registerQuantPasses(); }
};

/// Largest |difference| between the outputs of two graphs over seeded random int8
/// inputs (the QDQ original rounds half to even, the int8 ops half up: <= one step).
double maxDifference(const std::string &before, const std::string &after) {
  auto a = graph::parseGraph(before), b = graph::parseGraph(after);
  EXPECT_TRUE(a.ok() && b.ok());
  std::mt19937 rng(3);
  std::uniform_int_distribution<int> value(-128, 127);
  double worst = 0;
  for (int trial = 0; trial < 50; ++trial) {
    interp::TensorMap inputs;
    for (const std::string &name : a->inputs) {
      Tensor t(DType::I8, a->typeOf(name).shape);
      for (int64_t i = 0; i < t.elementCount(); ++i) t.data<int8_t>()[i] = int8_t(value(rng));
      inputs[name] = t;
    }
    auto ra = interp::runGraph(*a, inputs), rb = interp::runGraph(*b, inputs);
    EXPECT_TRUE(ra.ok() && rb.ok());
    if (!ra.ok() || !rb.ok()) return INFINITY;
    std::vector<double> va = interp::toDoubles(ra->begin()->second), vb = interp::toDoubles(rb->begin()->second);
    for (size_t i = 0; i < va.size(); ++i) worst = std::max(worst, std::fabs(va[i] - vb[i]));
  }
  return worst;
}

// Conv between DequantizeLinear (per-channel weights) and QuantizeLinear, with a Relu:
// one QConv. Bias 1.0 / (0.5 * 0.25) = 8 and -0.5 / (0.5 * 0.125) = -8; requant
// 0.5 * 0.25 / 0.25 = 0.5 (2^23 / 2^24) and 0.25 (2^23 / 2^25).
TEST_F(QdqImport, ConvPattern) {
  std::string input = R"(graph @main(%x: i8[1,2,2,2]) {
  %xs = const f32[] dense<[0.5]>
  %xz = const i8[] dense<[0]>
  %xf = DequantizeLinear(%x, %xs, %xz) : f32[1,2,2,2]
  %wq = const i8[2,2,1,1] dense<[1, 2, -3, 4]>
  %ws = const f32[2] dense<[0.25, 0.125]>
  %wz = const i8[2] dense<[0, 0]>
  %wf = DequantizeLinear(%wq, %ws, %wz) {axis = 0} : f32[2,2,1,1]
  %b = const f32[2] dense<[1.0, -0.5]>
  %c = Conv(%xf, %wf, %b) : f32[1,2,2,2]
  %r = Relu(%c) : f32[1,2,2,2]
  %ys = const f32[] dense<[0.25]>
  %yz = const i8[] dense<[0]>
  %y = QuantizeLinear(%r, %ys, %yz) : i8[1,2,2,2]
  %out = DequantizeLinear(%y, %ys, %yz) : f32[1,2,2,2]
  return %out
}
)";
  std::string output = runPipelineOnText("qdq-import", input);
  EXPECT_EQ(output, R"(graph @main(%x: i8[1,2,2,2]) {
  %y_bias = const i32[2] dense<[8, -8]>
  %y_weights = const i8[2,2,1,1] dense<[1, 2, -3, 4]>
  %ys = const f32[] dense<[0.25]>
  %yz = const i8[] dense<[0]>
  %y = QConv(%x, %y_weights, %y_bias) {clip = [0, 127], requant_multiplier = [8388608, 8388608], requant_shift = [24, 25]} : i8[1,2,2,2]
  %out = DequantizeLinear(%y, %ys, %yz) : f32[1,2,2,2]
  return %out
}
)");
  EXPECT_LE(maxDifference(input, output), 0.25 + 1e-6);
}

// The residual add between QDQ pairs: scales 0.5 and 0.25 into 1.0 -> QAdd.
TEST_F(QdqImport, AddPattern) {
  std::string input = R"(graph @main(%a: i8[4], %b: i8[4]) {
  %as = const f32[] dense<[0.5]>
  %bs = const f32[] dense<[0.25]>
  %z = const i8[] dense<[0]>
  %af = DequantizeLinear(%a, %as, %z) : f32[4]
  %bf = DequantizeLinear(%b, %bs, %z) : f32[4]
  %s = Add(%af, %bf) : f32[4]
  %ys = const f32[] dense<[1.0]>
  %y = QuantizeLinear(%s, %ys, %z) : i8[4]
  %out = DequantizeLinear(%y, %ys, %z) : f32[4]
  return %out
}
)";
  std::string output = runPipelineOnText("qdq-import", input);
  EXPECT_EQ(output, R"(graph @main(%a: i8[4], %b: i8[4]) {
  %ys = const f32[] dense<[1.0]>
  %z = const i8[] dense<[0]>
  %y = QAdd(%a, %b) {mul_a = 16384, mul_b = 8192, requant_multiplier = [8388608], requant_shift = [38]} : i8[4]
  %out = DequantizeLinear(%y, %ys, %z) : f32[4]
  return %out
}
)");
  EXPECT_LE(maxDifference(input, output), 1.0 + 1e-6);
}

// QLinearMatMul with constant B [K, N] (per-column scales) -> QGemm with weights [N, K];
// an input zero point of 3 is folded into the bias: -3 * (sum of each column).
TEST_F(QdqImport, QLinearMatMulFoldsInputZeroPoint) {
  std::string input = R"(graph @main(%a: i8[2,3]) {
  %as = const f32[] dense<[0.5]>
  %az = const i8[] dense<[3]>
  %b = const i8[3,2] dense<[1, -1, 2, 0, 3, 5]>
  %bs = const f32[2] dense<[0.5, 0.25]>
  %bz = const i8[2] dense<[0, 0]>
  %ys = const f32[] dense<[2.0]>
  %yz = const i8[] dense<[0]>
  %y = QLinearMatMul(%a, %as, %az, %b, %bs, %bz, %ys, %yz) : i8[2,2]
  return %y
}
)";
  std::string output = runPipelineOnText("qdq-import", input);
  EXPECT_EQ(output, R"(graph @main(%a: i8[2,3]) {
  %y_bias = const i32[2] dense<[-18, -12]>
  %y_weights = const i8[2,3] dense<[1, 2, 3, -1, 0, 5]>
  %y = QGemm(%a, %y_weights, %y_bias) {requant_multiplier = [8388608, 8388608], requant_shift = [26, 27]} : i8[2,2]
  return %y
}
)");
  EXPECT_LE(maxDifference(input, output), 1.0);
}

// A convolution with padding cannot fold an input zero point (the pad value would have
// to be the zero point): the graph is left as it is.
TEST_F(QdqImport, PaddedConvWithInputZeroPointIsLeft) {
  std::string input = R"(graph @main(%x: i8[1,1,3,3]) {
  %xs = const f32[] dense<[0.5]>
  %xz = const i8[] dense<[5]>
  %wq = const i8[1,1,3,3] dense<[1, 1, 1, 1, 1, 1, 1, 1, 1]>
  %ws = const f32[] dense<[0.5]>
  %wz = const i8[] dense<[0]>
  %ys = const f32[] dense<[1.0]>
  %yz = const i8[] dense<[0]>
  %y = QLinearConv(%x, %xs, %xz, %wq, %ws, %wz, %ys, %yz) {pads = [1, 1, 1, 1]} : i8[1,1,3,3]
  return %y
}
)";
  EXPECT_EQ(runPipelineOnText("qdq-import", input), R"(graph @main(%x: i8[1,1,3,3]) {
  %wq = const i8[1,1,3,3] dense<[1, 1, 1, 1, 1, 1, 1, 1, 1]>
  %ws = const f32[] dense<[0.5]>
  %wz = const i8[] dense<[0]>
  %xs = const f32[] dense<[0.5]>
  %xz = const i8[] dense<[5]>
  %ys = const f32[] dense<[1.0]>
  %yz = const i8[] dense<[0]>
  %y = QLinearConv(%x, %xs, %xz, %wq, %ws, %wz, %ys, %yz) {pads = [1, 1, 1, 1]} : i8[1,1,3,3]
  return %y
}
)");
}

} // namespace
} // namespace tessera::passes
