//===- nan_semantics_test.cpp - NaN and Inf through generated code and the interpreter --===//
//
// ONNX defines Relu, Max, Min, Clip and MaxPool as NumPy does: a NaN input gives a NaN
// output (maximum/minimum propagate NaN). Generated code and the reference interpreter
// must both keep it; integer division by zero gives 0 in both, never SIGFPE.
//
//===----------------------------------------------------------------------===//
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "compiler/exec/graph_executor.h"
#include "compiler/exec/test_graphs.h"
#include "compiler/interp/interpreter.h"

namespace tessera::exec {
namespace {

using namespace testing;

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

/// x = [NaN, 1, -1, Inf, -Inf, 0, NaN, 2] through one op; runs compiled and interpreted.
void expectNaNKept(const std::string &op, graph::AttributeMap attrs = {}) {
  graph::Graph g;
  g.inputs = {"x"};
  g.setValue("x", graph::TensorType(DType::F32, {1, 1, 2, 4}));
  std::vector<std::string> inputs = {"x"};
  if (op == "Max" || op == "Min") {
    Tensor k(DType::F32, {});
    k.data<float>()[0] = 0.5f;
    inputs.push_back(g.addConstant("k", k));
  }
  addNode(g, op, inputs, "y", std::move(attrs));
  g.outputs = {"y"};
  ASSERT_TRUE(graph::inferGraphTypes(g).ok());
  Tensor x(DType::F32, {1, 1, 2, 4});
  float values[] = {kNaN, 1, -1, kInf, -kInf, 0, kNaN, 2};
  std::copy(std::begin(values), std::end(values), x.data<float>());
  auto model = compileForCpu(g);
  ASSERT_TRUE(model.ok()) << model.status();
  auto got = model->executor->run({{"x", x}});
  ASSERT_TRUE(got.ok()) << got.status();
  auto want = interp::runGraph(g, {{"x", x}});
  ASSERT_TRUE(want.ok()) << want.status();
  const Tensor &a = got->at("y"), &b = want->at("y");
  ASSERT_EQ(a.elementCount(), b.elementCount()) << op;
  bool sawNaN = false;
  for (int64_t i = 0; i < a.elementCount(); ++i) {
    float u = a.data<float>()[i], v = b.data<float>()[i];
    EXPECT_EQ(std::isnan(u), std::isnan(v)) << op << " element " << i << ": compiled " << u << ", interpreter " << v;
    if (!std::isnan(v)) {
      EXPECT_EQ(u, v) << op << " element " << i;
    }
    sawNaN |= std::isnan(u);
  }
  EXPECT_TRUE(sawNaN) << op << ": a NaN input must give a NaN output";
}

TEST(NaNSemantics, ReluMaxMinClipMaxPoolPropagateNaN) {
  expectNaNKept("Relu");
  expectNaNKept("Max");
  expectNaNKept("Min");
  expectNaNKept("MaxPool", attrs({{"kernel_shape", graph::Ints{2, 2}}, {"strides", graph::Ints{2, 2}}}));
}

TEST(NaNSemantics, IntegerDivisionByZeroIsZero) {
  graph::Graph g;
  g.inputs = {"x"};
  g.setValue("x", graph::TensorType(DType::I32, {4}));
  Tensor divisor(DType::I32, {4});
  int32_t d[] = {0, -1, 3, 0};
  std::copy(std::begin(d), std::end(d), divisor.data<int32_t>());
  std::string k = g.addConstant("k", divisor);
  addNode(g, "Div", {"x", k}, "q");
  addNode(g, "Mod", {"x", k}, "r");
  g.outputs = {"q", "r"};
  ASSERT_TRUE(graph::inferGraphTypes(g).ok());
  Tensor x(DType::I32, {4});
  int32_t values[] = {7, std::numeric_limits<int32_t>::min(), -7, 0};
  std::copy(std::begin(values), std::end(values), x.data<int32_t>());
  auto model = compileForCpu(g);
  ASSERT_TRUE(model.ok()) << model.status();
  auto got = model->executor->run({{"x", x}});
  ASSERT_TRUE(got.ok()) << got.status();
  auto want = interp::runGraph(g, {{"x", x}});
  ASSERT_TRUE(want.ok()) << want.status();
  for (const char *name : {"q", "r"})
    for (int i = 0; i < 4; ++i)
      EXPECT_EQ(got->at(name).data<int32_t>()[i], want->at(name).data<int32_t>()[i]) << name << "[" << i << "]";
  EXPECT_EQ(got->at("q").data<int32_t>()[0], 0);
  EXPECT_EQ(got->at("q").data<int32_t>()[2], -2);
}

} // namespace
} // namespace tessera::exec
