//===- op_compute_builder.h - Shared pieces of the op compute descriptions -----------===//
//
// Internal to compiler/lower: the Builder that collects one kernel's parameters,
// temporaries and stages, typed constants and index helpers, and the per-family
// describe functions (op_compute_*.cpp). Each family describes its ops once as
// stages; describeKernel (op_compute.cpp) dispatches to them.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compiler/graph/conv_geometry.h"
#include "compiler/graph/op_traits.h"
#include "compiler/lower/op_compute.h"

namespace tessera::lower::detail {

using graph::Node;
using loop::Expr;

Status unimplemented(const Node &node, const std::string &why);

/// A constant of `type`: a float immediate, or an integer immediate cast to it.
Expr constant(double v, DType type);
inline Expr f(double v) { return loop::floatImm(v); }
inline Expr i(int64_t v) { return loop::intImm(v); }
/// `e` clamped to [0, dim - 1] (indices read in arms a select may discard).
Expr clampIndex(Expr e, int64_t dim);
/// What a window op (convolution, pool) reads at the output point of `stage`, whose
/// axes are [n, c, spatial...]: `stage` gains one reduce axis `qk<d>` per kernel
/// dimension; `spatial` holds each dimension's input index (clamped into the input)
/// and `inside` whether every one of them lies inside the input (not in the padding).
struct WindowRead {
  std::vector<Expr> spatial;
  Expr inside;
};
WindowRead windowRead(loop::Stage &stage, const graph::WindowGeometry &geometry, const Shape &inputSpatial);
/// x[n][c][h][w] of the 4-D buffer `x`, or 0 where (h, w) lies outside it: a read of
/// the zero-padded input (indices clamped so that no read leaves the buffer).
Expr zeroPaddedLoad(const loop::Buffer &x, Expr n, Expr c, Expr h, Expr w);
/// `e` with negative values wrapped by `dim` (ONNX negative indices), then clamped.
Expr wrapIndex(Expr e, int64_t dim);
std::vector<std::string> axisNames(size_t rank, const std::string &prefix);
/// The identity of `combiner` for `type` (0, 1, -inf/+inf; integers use their range).
Expr reduceInit(loop::Combiner combiner, DType type);
std::vector<Expr> axisVars(const std::vector<std::string> &axes);
/// `axis` normalized to [0, rank) (negative axes count from the end).
int64_t normalizeAxis(int64_t axis, size_t rank);
/// The integer elements of a constant tensor input (nullopt when it is not constant).
std::optional<std::vector<int64_t>> constantInts(const graph::Graph &graph, const std::string &value);

/// Builds one kernel's ComputeFunc: parameters, loads with broadcasting, stages.
class Builder {
public:
  Builder(const graph::Graph &graph, const std::string &name, const DescribeOptions &options)
      : graph_(graph), options_(options) {
    func_.name = name;
  }

  /// A parameter bound to a constant derived here (named `value`).
  loop::Buffer constantParam(const std::string &value, Tensor data);
  /// The parameter bound to graph value `value` (added on first use); any static
  /// tensor (any element type).
  StatusOr<loop::Buffer> param(const std::string &value);
  /// `value` read at the output point `axes` with numpy broadcasting.
  StatusOr<Expr> broadcastLoad(const std::string &value, const std::vector<std::string> &axes);
  /// `value` (any shape) read at its first element: a scalar operand.
  StatusOr<Expr> scalarLoad(const std::string &value);
  /// `node` at the output point `axes`: each input found in `known` (values computed
  /// earlier in the kernel) is that expression, every other one a broadcast load.
  StatusOr<Expr> elementwise(const Node &node, const std::map<std::string, Expr> &known,
                             const std::vector<std::string> &axes);
  Status addOutput(const std::string &value);
  loop::Buffer temp(const std::string &name, Shape shape, DType dtype = DType::F32);
  const Shape &shapeOf(const std::string &value) const { return graph_.typeOf(value).shape; }
  DType dtypeOf(const std::string &value) const { return graph_.typeOf(value).dtype; }
  /// From now on, bind tensors ending in (h, w) (or (1, 1)) with those two axes
  /// merged into one (h * w, or 1), the output and inputs already bound included:
  /// kernels over a flattened image (a 1x1 convolution as a matrix product, a
  /// transpose that keeps the image axes).
  void mergeSpatialAxes(int64_t h, int64_t w);
  /// From now on, bind tensors with the axes that line up (numpy broadcasting) with
  /// the output's first `count` axes merged into one: kernels over the rows of all
  /// batches at once (a MatMul of an N-D operand and a matrix). The output is
  /// rebound; inputs already bound keep their shapes (a matrix operand).
  void mergeLeadingAxes(size_t count);
  /// `shape` as bound under mergeSpatialAxes and mergeLeadingAxes (unchanged without
  /// them); nullopt when a tensor broadcasts along part of the merged leading axes.
  std::optional<Shape> boundShape(const Shape &shape) const;
  /// A stage defining `out` over axes named `prefix`0.. of its shape.
  loop::Stage stageFor(const loop::Buffer &out, const std::string &prefix = "i") const;

  const graph::Graph &graph_;
  const DescribeOptions &options_;
  loop::ComputeFunc func_;
  std::vector<std::string> bound_;
  std::map<std::string, Tensor> constants_;
  loop::Buffer output_;
  /// Loads of f16 values are widened to f32 (elementwise anchors only).
  bool promoteHalf_ = false;
  std::optional<std::pair<int64_t, int64_t>> mergedSpatial_;
  /// The output's shape before mergeLeadingAxes, and the count of axes it merged.
  std::optional<std::pair<Shape, size_t>> mergedLeading_;
};

using loop::isUnsigned;
/// The single-node elementwise ops (ops.def's Unary and Broadcast traits: unary, n-ary
/// with broadcasting, Where).
using graph::isElementwiseOp;

// Op families; each returns the kernel's last stage (earlier ones pushed to b.func_).
StatusOr<loop::Stage> describeMatMul(Builder &b, const Node &node);
StatusOr<loop::Stage> describeReduce(Builder &b, const Node &node);
StatusOr<loop::Stage> describeArgReduce(Builder &b, const Node &node);
StatusOr<loop::Stage> describeSoftmax(Builder &b, const Node &node);
StatusOr<loop::Stage> describeLayout(Builder &b, const Node &node);
bool isLayoutOp(const std::string &op);
StatusOr<loop::Stage> describeLoss(Builder &b, const Node &node);
StatusOr<loop::Stage> describeLayerNorm(Builder &b, const Node &node);
StatusOr<loop::Stage> describeInstanceNorm(Builder &b, const Node &node);
StatusOr<loop::Stage> describeLrn(Builder &b, const Node &node);
StatusOr<loop::Stage> describeMeanVarianceNorm(Builder &b, const Node &node);
StatusOr<loop::Stage> describeResize(Builder &b, const Node &node);
StatusOr<loop::Stage> describeGridSample(Builder &b, const Node &node);
StatusOr<loop::Stage> describeRoiAlign(Builder &b, const Node &node);
StatusOr<loop::Stage> describeIntegerConv(Builder &b, const Node &node);
StatusOr<loop::Stage> describeIntegerMatMul(Builder &b, const Node &node);
/// The accelerator's int8 ops on the host (op_compute_int8.cpp).
StatusOr<loop::Stage> describeQAdd(Builder &b, const Node &node);
StatusOr<loop::Stage> describeQConv(Builder &b, const Node &node);
StatusOr<loop::Stage> describeQGemm(Builder &b, const Node &node);
StatusOr<loop::Stage> describeQPool(Builder &b, const Node &node);
StatusOr<loop::Stage> describeQMatMul(Builder &b, const Node &node);
StatusOr<loop::Stage> describeQMul(Builder &b, const Node &node);
StatusOr<loop::Stage> describeQMinMax(Builder &b, const Node &node);
StatusOr<loop::Stage> describeQClip(Builder &b, const Node &node);
StatusOr<loop::Stage> describeQLut(Builder &b, const Node &node);
StatusOr<loop::Stage> describeQGlobalAveragePool(Builder &b, const Node &node);
StatusOr<loop::Stage> describeRecurrent(Builder &b, const Node &node);
StatusOr<loop::Stage> describeConvTranspose(Builder &b, const Node &node);
/// True when `node` is a 3x3 Conv that options_.winogradOutputTile asks to compute
/// with Winograd's algorithm (op_compute_winograd.cpp).
bool isWinogradConv(const Builder &b, const Node &node);
StatusOr<loop::Stage> describeWinogradConv(Builder &b, const Node &node);
/// OIHW -> [O/block][H][W][I][block] (block divides O).
Tensor packConvWeights(const Tensor &w, int64_t block);
/// True when `node` is a Conv that options_.pointwiseWeightBlock asks to compute as a
/// matrix product over the flattened image: a 1x1 one, or a K x K one of stride 1 that
/// keeps the image size when options_.windowMatrixMaxKernel admits K (op_compute_pointwise.cpp).
bool isPointwiseMatrixConv(const Builder &b, const Node &node);
StatusOr<loop::Stage> describePointwiseMatrixConv(Builder &b, const Node &node);
StatusOr<loop::Stage> describeScatter(Builder &b, const Node &node);
StatusOr<loop::Stage> describeGatherNd(Builder &b, const Node &node);
StatusOr<loop::Stage> describeMaxUnpool(Builder &b, const Node &node);
StatusOr<loop::Stage> describeQuantize(Builder &b, const Node &node);
StatusOr<loop::Stage> describeEinsum(Builder &b, const Node &node);
StatusOr<loop::Stage> describeTopK(Builder &b, const Node &node);
StatusOr<loop::Stage> describeBatchNormTraining(Builder &b, const Node &node);
StatusOr<loop::Stage> describeDynamicQuantize(Builder &b, const Node &node);
bool isReduceOp(const std::string &op);

} // namespace tessera::lower::detail
