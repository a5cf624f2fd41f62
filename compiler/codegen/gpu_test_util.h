//===- gpu_test_util.h - Graphs of the NVPTX tests: matmul, conv, elementwise --------===//
//
// A test helper (the name says so: tests may include any library, here compiler/exec's
// test graphs, which sit above codegen; docs/architecture.md#layers).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <gtest/gtest.h>

#include "compiler/exec/test_graphs.h"
#include "compiler/lower/gpu_schedule.h"
#include "compiler/lower/op_compute.h"

namespace tessera::codegen::testing {

using exec::testing::addNode;
using exec::testing::attrs;
using exec::testing::randomTensor;

/// A graph and the kernel covering all its nodes (an anchor and its fused chain).
struct TestKernel {
  std::string name;
  graph::Graph graph;
  lower::KernelDescription description;
};

inline TestKernel describeAll(const std::string &name, graph::Graph g) {
  Status status = graph::inferGraphTypes(g);
  EXPECT_TRUE(status.ok()) << status;
  lower::KernelGroup group;
  for (size_t n = 0; n < g.nodes.size(); ++n) group.nodes.push_back(n);
  auto description = lower::describeKernel(g, group, name);
  EXPECT_TRUE(description.ok()) << description.status();
  return TestKernel{name, std::move(g), description.ok() ? *description : lower::KernelDescription{}};
}

/// y[37, 70] = x[37, 45] * w[45, 70] (no dimension a multiple of the block size).
inline TestKernel matmulKernel() {
  graph::Graph g;
  g.inputs = {"x"};
  g.setValue("x", graph::TensorType(DType::F32, {37, 45}));
  std::string w = g.addConstant("w", randomTensor({45, 70}, 1));
  addNode(g, "MatMul", {"x", w}, "y");
  g.outputs = {"y"};
  return describeAll("mm", std::move(g));
}

/// relu(conv3x3(x) + b) with padding 1 and stride 2: a padding kernel and the conv.
inline TestKernel convKernel() {
  graph::Graph g;
  g.inputs = {"x"};
  g.setValue("x", graph::TensorType(DType::F32, {1, 8, 15, 15}));
  std::string w = g.addConstant("w", randomTensor({16, 8, 3, 3}, 2)), b = g.addConstant("b", randomTensor({16}, 3));
  addNode(g, "Conv", {"x", w, b}, "c", attrs({{"pads", graph::Ints{1, 1, 1, 1}}, {"strides", graph::Ints{2, 2}}}));
  addNode(g, "Relu", {"c"}, "y");
  g.outputs = {"y"};
  return describeAll("conv", std::move(g));
}

/// Every function NVPTX lowers itself: exp (Sigmoid), log (Softplus), sin, cos, tanh,
/// erf, pow and atan, fused into one elementwise kernel over 3 x 100 values.
inline TestKernel elementwiseKernel() {
  graph::Graph g;
  g.inputs = {"x"};
  g.setValue("x", graph::TensorType(DType::F32, {3, 100}));
  Tensor three(DType::F32, {});
  three.data<float>()[0] = 3.0f;
  std::string p = g.addConstant("p", three);
  addNode(g, "Sigmoid", {"x"}, "a");
  addNode(g, "Softplus", {"a"}, "b");
  addNode(g, "Sin", {"b"}, "c");
  addNode(g, "Cos", {"c"}, "d");
  addNode(g, "Tanh", {"d"}, "e");
  addNode(g, "Erf", {"e"}, "f");
  addNode(g, "Pow", {"f", p}, "g");
  addNode(g, "Atan", {"g"}, "y");
  g.outputs = {"y"};
  return describeAll("ew", std::move(g));
}

inline std::vector<TestKernel> allKernels() { return {matmulKernel(), convKernel(), elementwiseKernel()}; }

/// The GPU kernels of `k`.
inline lower::GpuProgram gpuProgram(const TestKernel &k) {
  auto program = lower::lowerForGpu(k.description.func);
  EXPECT_TRUE(program.ok()) << program.status();
  return program.ok() ? *program : lower::GpuProgram{};
}

} // namespace tessera::codegen::testing
