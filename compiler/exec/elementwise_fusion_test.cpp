//===- elementwise_fusion_test.cpp - Elementwise diamonds fused into their producer ----===//
//
// A convolution whose output feeds both an activation and the product with it
// (SiLU: c * sigmoid(c); HardSwish: c * hardsigmoid(c), or written out as
// c * clip(c + 3, 0, 6) / 6; c * c) compiles to one kernel: the diamond is the
// convolution's epilogue, applied to the accumulated tile. The results match the
// reference interpreter on shapes with remainders, NaN included; a diamond whose
// inner value is also used elsewhere stays unfused.
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

using testing::addNode;
using testing::attrs;
using testing::randomTensor;

/// The activation branch built on the convolution output "c"; returns its value.
using Branch = std::string (*)(graph::Graph &g);

/// x[1, 5, 9, 11] -> Conv(3x3, pad 1, 7 channels, bias) -> c; y = c * branch(c).
graph::Graph diamondGraph(Branch branch) {
  graph::Graph g;
  g.inputs = {"x"};
  g.setValue("x", graph::TensorType(DType::F32, {1, 5, 9, 11}));
  std::string w = g.addConstant("w", randomTensor({7, 5, 3, 3}, 7));
  std::string b = g.addConstant("b", randomTensor({7}, 8));
  addNode(g, "Conv", {"x", w, b}, "c",
          attrs({{"kernel_shape", graph::Ints{3, 3}}, {"pads", graph::Ints{1, 1, 1, 1}}}));
  addNode(g, "Mul", {"c", branch(g)}, "y");
  g.outputs = {"y"};
  EXPECT_TRUE(graph::inferGraphTypes(g).ok());
  return g;
}

std::string sigmoidBranch(graph::Graph &g) {
  addNode(g, "Sigmoid", {"c"}, "s");
  return "s";
}

std::string hardSigmoidBranch(graph::Graph &g) {
  addNode(g, "HardSigmoid", {"c"}, "s", attrs({{"alpha", 1.0f / 6}, {"beta", 0.5f}}));
  return "s";
}

/// clip(c + 3, 0, 6) / 6: HardSigmoid written out as three nodes.
std::string clipBranch(graph::Graph &g) {
  Tensor three(DType::F32, {}), zero(DType::F32, {}), six(DType::F32, {});
  three.data<float>()[0] = 3;
  zero.data<float>()[0] = 0;
  six.data<float>()[0] = 6;
  std::string k3 = g.addConstant("three", three), k0 = g.addConstant("zero", zero), k6 = g.addConstant("six", six);
  addNode(g, "Add", {"c", k3}, "a");
  addNode(g, "Clip", {"a", k0, k6}, "r");
  addNode(g, "Div", {"r", k6}, "s");
  return "s";
}

std::string itselfBranch(graph::Graph &) { return "c"; }

/// Compiles `g`, runs it on `x` and compares with the interpreter (NaN where it
/// has NaN); returns the number of kernels.
int expectMatchesInterpreter(const graph::Graph &g, const Tensor &x) {
  auto model = compileForCpu(g);
  EXPECT_TRUE(model.ok()) << model.status();
  if (!model.ok()) return -1;
  const ExecutionPlan &plan = model->executor->plan();
  EXPECT_EQ(plan.count(StepKind::Reference), 0) << plan.summary(g);
  auto got = model->executor->run({{"x", x}});
  auto want = interp::runGraph(g, {{"x", x}});
  EXPECT_TRUE(got.ok() && want.ok());
  if (!got.ok() || !want.ok()) return -1;
  for (const std::string &name : g.outputs) {
    const Tensor &a = got->at(name), &b = want->at(name);
    EXPECT_EQ(a.elementCount(), b.elementCount());
    for (int64_t k = 0; k < a.elementCount() && k < b.elementCount(); ++k) {
      float u = a.data<float>()[k], v = b.data<float>()[k];
      if (std::isnan(v)) EXPECT_TRUE(std::isnan(u)) << name << "[" << k << "]";
      else EXPECT_NEAR(u, v, 1e-4 * std::max(1.0f, std::fabs(v))) << name << "[" << k << "]";
    }
  }
  return plan.count(StepKind::Kernel);
}

/// The input scaled to [-8, 8] (both tails of each activation), with a NaN.
Tensor diamondInput() {
  Tensor x = randomTensor({1, 5, 9, 11}, 3);
  for (int64_t k = 0; k < x.elementCount(); ++k) x.data<float>()[k] *= 8;
  x.data<float>()[17] = std::numeric_limits<float>::quiet_NaN();
  return x;
}

TEST(ElementwiseFusion, SiluIsOneKernel) {
  EXPECT_EQ(expectMatchesInterpreter(diamondGraph(sigmoidBranch), diamondInput()), 1);
}

TEST(ElementwiseFusion, HardSwishIsOneKernel) {
  EXPECT_EQ(expectMatchesInterpreter(diamondGraph(hardSigmoidBranch), diamondInput()), 1);
}

TEST(ElementwiseFusion, DiamondWithAThreeNodeSideIsOneKernel) {
  EXPECT_EQ(expectMatchesInterpreter(diamondGraph(clipBranch), diamondInput()), 1);
}

TEST(ElementwiseFusion, SquareIsOneKernel) {
  EXPECT_EQ(expectMatchesInterpreter(diamondGraph(itselfBranch), diamondInput()), 1);
}

// The sigmoid is also a graph output: it must be stored, so the diamond does not
// fuse (the convolution and the sigmoid fuse as a chain no further).
TEST(ElementwiseFusion, DiamondWithAnEscapingValueStaysApart) {
  graph::Graph g = diamondGraph(sigmoidBranch);
  g.outputs.push_back("s");
  EXPECT_GT(expectMatchesInterpreter(g, diamondInput()), 1);
}

} // namespace
} // namespace tessera::exec
