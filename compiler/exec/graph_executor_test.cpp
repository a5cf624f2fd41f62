//===- graph_executor_test.cpp - Compiled graphs against the reference interpreter ----===//
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <sstream>

#include "compiler/exec/graph_executor.h"
#include "compiler/exec/test_graphs.h"
#include "compiler/codegen/thread_pool.h"
#include "support/host_cache.h"

namespace tessera::exec {
namespace {

using namespace testing;

TEST(GraphExecutor, MiniNetMatchesTheInterpreter) {
  graph::Graph g = miniNet();
  codegen::setParallelThreads(2);
  auto model = compileForCpu(g);
  ASSERT_TRUE(model.ok()) << model.status();
  const ExecutionPlan &plan = model->executor->plan();
  // Every node has a compute description (Softmax included): nothing is left to the interpreter.
  EXPECT_EQ(plan.count(StepKind::Reference), 0) << plan.summary(g);
  EXPECT_EQ(plan.count(StepKind::Alias), 1) << plan.summary(g);
  // The Concat's three inputs (a conv, two pools) are written into its output.
  EXPECT_EQ(model->executor->concatsInPlace(), 1);
  interp::TensorMap inputs{{"x", randomTensor({1, 4, 15, 15}, 1)}};
  auto got = model->executor->run(inputs);
  ASSERT_TRUE(got.ok()) << got.status();
  auto want = interp::runGraph(g, inputs);
  ASSERT_TRUE(want.ok()) << want.status();
  for (const std::string &name : g.outputs) expectClose(got->at(name), want->at(name), name);
}

// Repeated runs reuse the intermediates' buffers and keep no more: the graph input
// (the caller's tensor) once went into the pool on every run, 600 KB per inference
// for a 224x224 image.
TEST(GraphExecutor, RepeatedRunsDoNotGrowThePool) {
  graph::Graph g = miniNet();
  auto model = compileForCpu(g);
  ASSERT_TRUE(model.ok()) << model.status();
  interp::TensorMap inputs{{"x", randomTensor({1, 4, 15, 15}, 1)}};
  ASSERT_TRUE(model->executor->run(inputs).ok());
  size_t after1 = model->executor->pooledBytes();
  EXPECT_GT(after1, 0u);
  for (int r = 0; r < 5; ++r) ASSERT_TRUE(model->executor->run(inputs).ok());
  EXPECT_EQ(model->executor->pooledBytes(), after1);
}

// A released buffer serves a later intermediate of another shape when it holds it
// without leaving more than 3/4 unused: x -> Relu a (16x16) -> MaxPool b (8x8) ->
// Relu c -> Relu d (the output). c takes a's 4 KB buffer (released after the pool),
// d takes b's; a pool keyed by shape would end with a's 4 KB and a new 1 KB buffer
// for c.
TEST(GraphExecutor, ReleasedBuffersServeOtherShapes) {
  graph::Graph g;
  g.inputs = {"x"};
  g.setValue("x", graph::TensorType(DType::F32, {1, 4, 16, 16}));
  addNode(g, "Relu", {"x"}, "a");
  addNode(g, "MaxPool", {"a"}, "b", attrs({{"kernel_shape", graph::Ints{2, 2}}, {"strides", graph::Ints{2, 2}}}));
  addNode(g, "Relu", {"b"}, "c");
  addNode(g, "Relu", {"c"}, "d");
  g.outputs = {"d"};
  ASSERT_TRUE(graph::inferGraphTypes(g).ok());
  PlanOptions options;
  options.fuse = false;
  auto model = compileForCpu(g, options);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ(model->executor->plan().steps.size(), 4u);
  interp::TensorMap inputs{{"x", randomTensor({1, 4, 16, 16}, 3)}};
  for (int r = 0; r < 3; ++r) {
    auto got = model->executor->run(inputs);
    ASSERT_TRUE(got.ok()) << got.status();
    auto want = interp::runGraph(g, inputs);
    ASSERT_TRUE(want.ok()) << want.status();
    expectClose(got->at("d"), want->at("d"), "d");
    EXPECT_EQ(model->executor->pooledBytes(), 4u * 16 * 16 * 4) << "run " << r;
  }
}

// Without fusion every node is its own kernel; the results are the same.
TEST(GraphExecutor, UnfusedPlanMatchesToo) {
  graph::Graph g = miniNet();
  PlanOptions options;
  options.fuse = false;
  auto model = compileForCpu(g, options);
  ASSERT_TRUE(model.ok()) << model.status();
  interp::TensorMap inputs{{"x", randomTensor({1, 4, 15, 15}, 7)}};
  auto got = model->executor->run(inputs);
  auto want = interp::runGraph(g, inputs);
  ASSERT_TRUE(got.ok() && want.ok());
  for (const std::string &name : g.outputs) expectClose(got->at(name), want->at(name), name);
}

/// x -> Relu -> a, x -> Sigmoid -> b, Concat(a, b) on `axis`; with `reuse`, `a` is also
/// an output (so it cannot live inside the Concat's buffer).
graph::Graph concatGraph(Shape shape, int64_t axis, bool reuse) {
  graph::Graph g;
  g.inputs = {"x"};
  g.setValue("x", graph::TensorType(DType::F32, shape));
  addNode(g, "Relu", {"x"}, "a");
  addNode(g, "Sigmoid", {"x"}, "b");
  addNode(g, "Concat", {"a", "b"}, "y", attrs({{"axis", axis}}));
  g.outputs = reuse ? std::vector<std::string>{"y", "a"} : std::vector<std::string>{"y"};
  EXPECT_TRUE(graph::inferGraphTypes(g).ok());
  return g;
}

// Only a Concat whose blocks are contiguous (unit axes before the concat axis) and
// whose inputs are single-use kernel results is done in place; every variant matches.
TEST(GraphExecutor, ConcatInPlaceOnlyWhereItsBlocksAreContiguous) {
  struct Case {
    Shape shape;
    int64_t axis;
    bool reuse;
    int inPlace;
  };
  for (const Case &c : {Case{{1, 3, 4, 5}, 1, false, 1}, Case{{1, 3, 4, 5}, -3, false, 1},
                        Case{{2, 3, 4, 5}, 1, false, 0}, Case{{1, 3, 4, 5}, 2, false, 0},
                        Case{{1, 3, 4, 5}, 1, true, 0}}) {
    SCOPED_TRACE(strCat(shapeToString(c.shape), " axis ", c.axis, c.reuse ? " reused" : ""));
    graph::Graph g = concatGraph(c.shape, c.axis, c.reuse);
    auto model = compileForCpu(g);
    ASSERT_TRUE(model.ok()) << model.status();
    EXPECT_EQ(model->executor->concatsInPlace(), c.inPlace);
    interp::TensorMap inputs{{"x", randomTensor(c.shape, 3)}};
    for (int run = 0; run < 2; ++run) {  // the second run reuses pooled buffers
      auto got = model->executor->run(inputs);
      auto want = interp::runGraph(g, inputs);
      ASSERT_TRUE(got.ok() && want.ok());
      for (const std::string &name : g.outputs) expectClose(got->at(name), want->at(name), name);
    }
  }
}

/// Runs `g` twice (the second run on pooled buffers) against the interpreter.
void expectMatchesInterpreter(const graph::Graph &g, const CompiledModel &model, const Shape &inputShape) {
  interp::TensorMap inputs{{"x", randomTensor(inputShape, 5)}};
  for (int run = 0; run < 2; ++run) {
    auto got = model.executor->run(inputs);
    auto want = interp::runGraph(g, inputs);
    ASSERT_TRUE(got.ok() && want.ok());
    for (const std::string &name : g.outputs) expectClose(got->at(name), want->at(name), name);
  }
}

// A dense block: each layer reads the Concat of the block's input and every earlier
// layer's output. The Concats share one buffer (the longest one's output): each layer
// writes its output once, after the earlier ones, and each Concat is a prefix of it.
TEST(GraphExecutor, DenseBlockConcatsShareOneBuffer) {
  graph::Graph g;
  g.inputs = {"x"};
  g.setValue("x", graph::TensorType(DType::F32, {1, 2, 5, 6}));
  addNode(g, "Relu", {"x"}, "x0");
  std::vector<std::string> features{"x0"};
  for (int layer = 1; layer <= 3; ++layer) {
    // The first layer reads the block's input itself (a one-input Concat is dropped).
    std::string cat = layer == 1 ? "x0" : strCat("cat", layer), f = strCat("f", layer);
    if (layer > 1) addNode(g, "Concat", features, cat, attrs({{"axis", int64_t{1}}}));
    addNode(g, "MaxPool", {cat}, f,
            attrs({{"kernel_shape", graph::Ints{3, 3}}, {"pads", graph::Ints{1, 1, 1, 1}}}));
    features.push_back(f);
  }
  addNode(g, "Concat", features, "block", attrs({{"axis", int64_t{1}}}));
  // Not an elementwise op: it would join the Concat's kernel as its epilogue.
  addNode(g, "MaxPool", {"block"}, "y", attrs({{"kernel_shape", graph::Ints{2, 2}}}));
  g.outputs = {"y"};
  ASSERT_TRUE(graph::inferGraphTypes(g).ok());
  auto model = compileForCpu(g);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ(model->executor->concatsInPlace(), 3) << model->executor->plan().summary(g);
  expectMatchesInterpreter(g, *model, {1, 2, 5, 6});
}

// A Concat of a Concat: the inner one's inputs land in the outer one's buffer at the
// inner one's offset.
TEST(GraphExecutor, NestedConcatsWriteIntoTheOutermostBuffer) {
  graph::Graph g;
  g.inputs = {"x"};
  g.setValue("x", graph::TensorType(DType::F32, {1, 2, 3, 4}));
  addNode(g, "Relu", {"x"}, "a");
  addNode(g, "Sigmoid", {"x"}, "b");
  addNode(g, "Tanh", {"x"}, "c");
  addNode(g, "Concat", {"a", "b"}, "ab", attrs({{"axis", int64_t{1}}}));
  addNode(g, "Concat", {"c", "ab"}, "cab", attrs({{"axis", int64_t{1}}}));
  addNode(g, "MaxPool", {"cab"}, "y", attrs({{"kernel_shape", graph::Ints{2, 2}}}));
  g.outputs = {"y"};
  ASSERT_TRUE(graph::inferGraphTypes(g).ok());
  auto model = compileForCpu(g);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ(model->executor->concatsInPlace(), 2) << model->executor->plan().summary(g);
  expectMatchesInterpreter(g, *model, {1, 2, 3, 4});
}

// A prefix Concat that is a graph output cannot be a view: the longest Concat still
// takes its inputs in place, and the prefix one copies its block out of that buffer.
TEST(GraphExecutor, APrefixConcatThatIsAnOutputIsNotAView) {
  graph::Graph g;
  g.inputs = {"x"};
  g.setValue("x", graph::TensorType(DType::F32, {1, 2, 3, 4}));
  addNode(g, "Relu", {"x"}, "a");
  addNode(g, "Sigmoid", {"x"}, "b");
  addNode(g, "Concat", {"a"}, "short", attrs({{"axis", int64_t{1}}}));
  addNode(g, "Concat", {"a", "b"}, "long", attrs({{"axis", int64_t{1}}}));
  g.outputs = {"short", "long"};
  ASSERT_TRUE(graph::inferGraphTypes(g).ok());
  auto model = compileForCpu(g);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ(model->executor->concatsInPlace(), 1) << model->executor->plan().summary(g);
  expectMatchesInterpreter(g, *model, {1, 2, 3, 4});
}

// An alias of a graph input is a copy; an empty input has no storage to copy from (ONNX's
// test_reshape_allowzero_reordered: UBSan once caught memcpy on its null pointer).
TEST(GraphExecutor, AliasOfAnEmptyInputIsEmpty) {
  graph::Graph g;
  g.inputs = {"x"};
  g.setValue("x", graph::TensorType(DType::F32, {1, 0, 2}));
  addNode(g, "Flatten", {"x"}, "y");
  g.outputs = {"y"};
  ASSERT_TRUE(graph::inferGraphTypes(g).ok());
  auto model = compileForCpu(g);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ(model->executor->plan().count(StepKind::Alias), 1) << model->executor->plan().summary(g);
  auto got = model->executor->run(interp::TensorMap{{"x", Tensor(DType::F32, {1, 0, 2})}});
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->at("y").shape(), (std::vector<int64_t>{1, 0}));
}

TEST(GraphExecutor, RejectsWrongInputShape) {
  graph::Graph g = miniNet();
  auto model = compileForCpu(g);
  ASSERT_TRUE(model.ok());
  auto got = model->executor->run({{"x", randomTensor({1, 4, 14, 15}, 1)}});
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().message(), "input 'x' is f32 1x4x14x15, the model expects f32 1x4x15x15");
}

} // namespace
} // namespace tessera::exec

namespace tessera::exec {
namespace {

// A schedule chooser sees every kernel with its workload key and can time schedules:
// identical lowerings share one timing, and the chosen schedule builds the kernel.
TEST(GraphExecutor, ScheduleChooserTimesAndChooses) {
  graph::Graph g = testing::miniNet();
  std::vector<std::string> workloads;
  PlanOptions options;
  options.chooseSchedule = [&](const KernelTuneRequest &request) -> StatusOr<std::optional<lower::CpuScheduleParams>> {
    workloads.push_back(request.workload);
    lower::CpuScheduleParams same = options.schedule, narrow = options.schedule;
    narrow.convWidthBlock = 4;
    TS_ASSIGN_OR_RETURN(std::vector<double> ms, request.time({options.schedule, same, narrow}));
    EXPECT_EQ(ms.size(), 3u);
    EXPECT_EQ(ms[0], ms[1]) << request.workload; // the same code is timed once
    return std::optional<lower::CpuScheduleParams>(narrow);
  };
  auto model = compileForCpu(g, options);
  ASSERT_TRUE(model.ok()) << model.status();
  ASSERT_FALSE(workloads.empty());
  bool sawConv = false;
  for (const std::string &w : workloads) sawConv |= w.rfind("Conv+Relu f32[1,4,15,15]", 0) == 0;
  EXPECT_TRUE(sawConv) << workloads[0];
  testing::expectMiniNetMatchesTheInterpreter(g, *model);
}

// One inference touches each constant and each value once: x, w and y here.
TEST(ExecutionPlan, BytesPerInferenceCountsConstantsAndValuesOnce) {
  graph::Graph g;
  g.inputs = {"x"};
  g.setValue("x", graph::TensorType(DType::F32, {1, 4, 8, 8}));
  std::string w = g.addConstant("w", testing::randomTensor({8, 4, 3, 3}, 3));
  testing::addNode(g, "Conv", {"x", w, ""}, "y", testing::attrs({{"pads", graph::Ints{1, 1, 1, 1}}}));
  g.outputs = {"y"};
  ASSERT_TRUE(graph::inferGraphTypes(g).ok());
  EXPECT_EQ(bytesPerInference(g), (4 * 64 + 8 * 4 * 9 + 8 * 64) * sizeof(float));
  size_t cache = lastLevelCacheBytes();
  if (cache == 0) GTEST_SKIP() << "the host reports no cache size";
  EXPECT_FALSE(modelEvictsItsConstants(g));
  g.addConstant("big", Tensor(DType::F32, {int64_t(cache / sizeof(float)) + 1}));
  EXPECT_TRUE(modelEvictsItsConstants(g));
}

// --tune with the constants evicted before every timed call still builds a model
// that computes what the interpreter does, and says how it timed.
TEST(GraphExecutor, TuningWithColdConstantsMatchesTheInterpreter) {
  graph::Graph g = testing::miniNet();
  std::ostringstream log;
  PlanOptions options;
  options.tune = true;
  options.tuneThreads = {1};
  options.tuneColdConstants = true;
  options.tuneLog = &log;
  auto model = compileForCpu(g, options);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_NE(log.str().find("tune: kernels timed with their constants evicted from the caches"), std::string::npos)
      << log.str();
  EXPECT_NE(log.str().find("tune k0_conv: default"), std::string::npos) << log.str();
  testing::expectMiniNetMatchesTheInterpreter(g, *model);
}

} // namespace
} // namespace tessera::exec
