//===- test_graphs.h - Graphs and comparisons shared by the executor tests ----------===//
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "compiler/exec/graph_executor.h"
#include "compiler/graph/graph.h"
#include "compiler/graph/parser.h"
#include "compiler/graph/shape_inference.h"

namespace tessera::exec::testing {

inline Tensor randomTensor(Shape shape, unsigned seed) {
  Tensor t(DType::F32, shape);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1, 1);
  for (int64_t k = 0; k < t.elementCount(); ++k) t.data<float>()[k] = dist(rng);
  return t;
}

/// Adds a node whose output is named `out`.
inline void addNode(graph::Graph &g, const std::string &op, std::vector<std::string> inputs, const std::string &out,
             graph::AttributeMap attrs = {}) {
  graph::Node node;
  node.op = op;
  node.inputs = std::move(inputs);
  node.outputs = {out};
  node.attrs = std::move(attrs);
  g.nodes.push_back(std::move(node));
}

inline graph::AttributeMap attrs(std::initializer_list<std::pair<std::string, graph::Attribute>> list) {
  graph::AttributeMap m;
  for (const auto &[k, v] : list) m.set(k, v);
  return m;
}

/// A small CNN touching every lowering: padded, strided, grouped and depthwise
/// convolutions with fused bias/ReLU/residual/Clip epilogues, both pools, global
/// pooling, Flatten, Gemm, Concat, MatMul and Softmax.
inline graph::Graph miniNet() {
  graph::Graph g;
  g.inputs = {"x"};
  g.setValue("x", graph::TensorType(DType::F32, {1, 4, 15, 15}));
  unsigned seed = 10;
  auto constant = [&](const std::string &hint, Shape shape) { return g.addConstant(hint, randomTensor(shape, seed++)); };
  std::string w1 = constant("w1", {8, 4, 3, 3}), b1 = constant("b1", {8});
  addNode(g, "Conv", {"x", w1, b1}, "c1", attrs({{"pads", graph::Ints{1, 1, 1, 1}}}));
  addNode(g, "Relu", {"c1"}, "r1");
  std::string w2 = constant("w2", {8, 4, 3, 3});
  addNode(g, "Conv", {"r1", w2, ""}, "c2", attrs({{"pads", graph::Ints{1, 1, 1, 1}}, {"group", int64_t{2}}}));
  addNode(g, "Add", {"c2", "r1"}, "a2");
  addNode(g, "Relu", {"a2"}, "r2");
  std::string w3 = constant("w3", {8, 1, 3, 3}), b3 = constant("b3", {8});
  addNode(g, "Conv", {"r2", w3, b3}, "c3",
          attrs({{"pads", graph::Ints{1, 1, 1, 1}}, {"group", int64_t{8}}, {"strides", graph::Ints{2, 2}}}));
  std::string lo = constant("lo", {}), hi = g.addConstant("hi", [] {
    Tensor t(DType::F32, {});
    t.data<float>()[0] = 0.5f;
    return t;
  }());
  addNode(g, "Clip", {"c3", lo, hi}, "k3");
  addNode(g, "MaxPool", {"r2"}, "m4",
          attrs({{"kernel_shape", graph::Ints{3, 3}}, {"strides", graph::Ints{2, 2}}, {"pads", graph::Ints{1, 1, 1, 1}}}));
  addNode(g, "AveragePool", {"r2"}, "v4",
          attrs({{"kernel_shape", graph::Ints{3, 3}}, {"strides", graph::Ints{2, 2}}, {"pads", graph::Ints{1, 1, 1, 1}},
                 {"ceil_mode", int64_t{1}}}));
  addNode(g, "Concat", {"k3", "m4", "v4"}, "cat", attrs({{"axis", int64_t{1}}}));
  addNode(g, "GlobalAveragePool", {"cat"}, "gap");
  addNode(g, "Flatten", {"gap"}, "flat");
  std::string wf = constant("wf", {10, 24}), bf = constant("bf", {10});
  addNode(g, "Gemm", {"flat", wf, bf}, "fc", attrs({{"transB", int64_t{1}}}));
  std::string wm = constant("wm", {10, 6});
  addNode(g, "MatMul", {"fc", wm}, "mm");
  addNode(g, "Sigmoid", {"mm"}, "sig");
  addNode(g, "Softmax", {"sig"}, "y", attrs({{"axis", int64_t{1}}}));
  g.outputs = {"y", "fc"};
  Status status = graph::inferGraphTypes(g);
  EXPECT_TRUE(status.ok()) << status;
  return g;
}

inline void expectClose(const Tensor &got, const Tensor &want, const std::string &name) {
  ASSERT_EQ(got.shape(), want.shape()) << name;
  for (int64_t k = 0; k < got.elementCount(); ++k) {
    float a = got.data<float>()[k], b = want.data<float>()[k];
    EXPECT_NEAR(a, b, 1e-4 * std::max(1.0f, std::fabs(b))) << name << "[" << k << "]";
  }
}

/// Compiles graph IR `text` for the CPU, checks that no node falls back to the
/// interpreter, runs the compiled code and the interpreter on `inputs`, and hands each
/// graph output to `compare(name, want, got)`.
template <typename Compare>
void compareCompiledWithInterpreter(const std::string &text, const interp::TensorMap &inputs, Compare compare) {
  auto g = graph::parseGraph(text);
  ASSERT_TRUE(g.ok()) << g.status();
  auto model = compileForCpu(*g);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ(model->executor->plan().count(StepKind::Reference), 0) << model->executor->plan().summary(*g);
  auto got = model->executor->run(inputs);
  ASSERT_TRUE(got.ok()) << got.status();
  auto want = interp::runGraph(*g, inputs);
  ASSERT_TRUE(want.ok()) << want.status();
  for (const std::string &name : g->outputs) compare(name, want->at(name), got->at(name));
}

/// The compiled miniNet's outputs against the interpreter's, on one random input.
inline void expectMiniNetMatchesTheInterpreter(const graph::Graph &g, const CompiledModel &model) {
  interp::TensorMap inputs{{"x", randomTensor({1, 4, 15, 15}, 1)}};
  auto got = model.executor->run(inputs);
  ASSERT_TRUE(got.ok()) << got.status();
  auto want = interp::runGraph(g, inputs);
  ASSERT_TRUE(want.ok()) << want.status();
  for (const std::string &name : g.outputs) expectClose(got->at(name), want->at(name), name);
}

} // namespace tessera::exec::testing
