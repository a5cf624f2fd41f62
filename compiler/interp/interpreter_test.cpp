//===- interpreter_test.cpp - Reference interpreter: semantics and errors -----===//
//
// The ONNX conformance suites (ctest -L conformance) cover the op semantics broadly;
// these tests pin down the interpreter's own behaviour: input checking, error
// messages that name the node, the quantized ops' exact integer results, and the
// fused ops the passes create.
//
//===----------------------------------------------------------------------===//
#include "compiler/interp/interpreter.h"

#include <limits>

#include <gtest/gtest.h>

#include "compiler/graph/parser.h"

namespace tessera::interp {
namespace {

template <typename T> Tensor makeTensor(DType dtype, Shape shape, std::vector<T> values) {
  Tensor tensor(dtype, shape);
  std::copy(values.begin(), values.end(), tensor.data<T>());
  return tensor;
}

StatusOr<TensorMap> run(const std::string &text, const TensorMap &inputs) {
  auto graph = graph::parseGraph(text);
  if (!graph.ok()) return graph.status();
  return runGraph(*graph, inputs);
}

template <typename T> std::vector<T> values(const Tensor &tensor) {
  return std::vector<T>(tensor.data<T>(), tensor.data<T>() + tensor.elementCount());
}

TEST(Interpreter, ChecksGraphInputs) {
  std::string text = "graph @g(%x: f32[2]) {\n  %y = Relu(%x) : f32[2]\n  return %y\n}\n";
  EXPECT_EQ(run(text, {}).status().message(), "no tensor given for graph input %x");
  EXPECT_EQ(run(text, {{"x", Tensor(DType::I32, {2})}}).status().message(),
            "input %x is i32 but the graph expects f32");
  EXPECT_EQ(run(text, {{"x", Tensor(DType::F32, {3})}}).status().message(),
            "input %x has shape 3 but the graph expects f32[2]");
}

TEST(Interpreter, KernelErrorsNameTheNode) {
  std::string text = "graph @g(%x: f32[3], %i: i64[1]) {\n  %y = Gather(%x, %i) : f32[1] loc(\"embed\")\n  return %y\n}\n";
  auto result = run(text, {{"x", Tensor(DType::F32, {3})}, {"i", makeTensor<int64_t>(DType::I64, {1}, {7})}});
  EXPECT_EQ(result.status().message(), "Gather 'embed': index 7 is out of range for extent 3");
}

// QuantizeLinear rounds half to even and saturates; DequantizeLinear is per axis.
TEST(Interpreter, QuantizeAndDequantizeExactly) {
  std::string text = R"(graph @g(%x: f32[6]) {
  %s = const f32[] dense<[0.5]>
  %z = const i8[] dense<[1]>
  %q = QuantizeLinear(%x, %s, %z) : i8[6]
  %ps = const f32[2] dense<[0.5, 2.0]>
  %pz = const i8[2] dense<[0, 1]>
  %shape = const i64[2] dense<[2, 3]>
  %r = Reshape(%q, %shape) : i8[2,3]
  %d = DequantizeLinear(%r, %ps, %pz) {axis = 0} : f32[2,3]
  return %q, %d
}
)";
  auto graph = graph::parseGraph(text);
  ASSERT_TRUE(graph.ok()) << graph.status();
  auto result = runGraph(*graph, {{"x", makeTensor<float>(DType::F32, {6}, {0.25f, 0.75f, -100.f, 100.f, 1.25f, -0.25f})}});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(values<int8_t>(result->at("q")), (std::vector<int8_t>{1, 3, -128, 127, 3, 1}));
  EXPECT_EQ(values<float>(result->at("d")), (std::vector<float>{0.5f, 1.5f, -64.f, 252.f, 4.f, 0.f}));
}

// A NaN cannot be quantized: QuantizeLinear is an error naming the element (Inf saturates).
TEST(Interpreter, QuantizeLinearOfNaNIsAnError) {
  std::string text = R"(graph @g(%x: f32[3]) {
  %s = const f32[] dense<[0.5]>
  %z = const i8[] dense<[0]>
  %q = QuantizeLinear(%x, %s, %z) : i8[3]
  return %q
}
)";
  auto graph = graph::parseGraph(text);
  ASSERT_TRUE(graph.ok()) << graph.status();
  float inf = std::numeric_limits<float>::infinity();
  auto saturated = runGraph(*graph, {{"x", makeTensor<float>(DType::F32, {3}, {inf, -inf, 1.f})}});
  ASSERT_TRUE(saturated.ok()) << saturated.status();
  EXPECT_EQ(values<int8_t>(saturated->at("q")), (std::vector<int8_t>{127, -128, 2}));
  float nan = std::numeric_limits<float>::quiet_NaN();
  auto result = runGraph(*graph, {{"x", makeTensor<float>(DType::F32, {3}, {1.f, nan, 2.f})}});
  ASSERT_FALSE(result.ok());
  EXPECT_NE(std::string(result.status().message()).find("element 1 of the input is NaN"), std::string::npos)
      << result.status();
}

// QLinearMatMul: ((a - za)(b - zb)) * sa * sb / sy + zy, rounded half to even.
TEST(Interpreter, QLinearMatMulRequantizes) {
  std::string text = R"(graph @g(%a: u8[1,2], %b: u8[2,1]) {
  %sa = const f32[] dense<[0.5]>
  %za = const u8[] dense<[2]>
  %sb = const f32[] dense<[0.25]>
  %zb = const u8[] dense<[1]>
  %sy = const f32[] dense<[0.5]>
  %zy = const u8[] dense<[10]>
  %y = QLinearMatMul(%a, %sa, %za, %b, %sb, %zb, %sy, %zy) : u8[1,1]
  return %y
}
)";
  auto result = run(text, {{"a", makeTensor<uint8_t>(DType::U8, {1, 2}, {4, 7})},
                           {"b", makeTensor<uint8_t>(DType::U8, {2, 1}, {3, 5})}});
  ASSERT_TRUE(result.ok()) << result.status();
  // (2*2 + 5*4) * 0.125 / 0.5 = 6, + 10.
  EXPECT_EQ(values<uint8_t>(result->at("y")), (std::vector<uint8_t>{16}));
}

} // namespace
} // namespace tessera::interp

#include "compiler/interp/layer_compare.h"

namespace tessera::interp {
namespace {

// The first diverging value in the reference's order names the layer.
TEST(LayerCompare, NamesTheFirstDivergentLayer) {
  auto graph = graph::parseGraph(R"(graph @g(%x: f32[4]) {
  %a = Relu(%x) : f32[4] loc("first")
  %b = Neg(%a) : f32[4] loc("second")
  %c = Exp(%b) : f32[4] loc("third")
  return %c
}
)");
  ASSERT_TRUE(graph.ok());
  auto inputs = randomInputs(*graph, 1);
  ASSERT_TRUE(inputs.ok());
  auto values = recordAllValues(*graph, *inputs);
  ASSERT_TRUE(values.ok());
  TensorMap candidate = *values;
  auto same = compareLayers(*graph, *inputs, candidate);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->compared, 3);
  EXPECT_EQ(same->firstDivergentValue, "");
  candidate.at("b").data<float>()[2] += 1.0f;
  candidate.at("c").data<float>()[2] += 1.0f;
  auto diverged = compareLayers(*graph, *inputs, candidate);
  ASSERT_TRUE(diverged.ok());
  EXPECT_EQ(diverged->firstDivergentLayer, "Neg 'second'");
  EXPECT_EQ(diverged->message, "1 of 4 elements differ (first at 2, max abs error 1)");
}

} // namespace
} // namespace tessera::interp
