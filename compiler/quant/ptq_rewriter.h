//===- ptq_rewriter.h - The state of one post-training quantization rewrite -----===//
//
// Internal to ptq.cpp and ptq_ops.cpp. The rewriter walks the fp32 graph in order and
// builds the new node list. Each fp32 value may have an int8 twin (`int8Of`, with its
// scale); twins and fp32 values are materialized on demand: int8(x) inserts a
// QuantizeLinear when x exists only in fp32, requireFloat(x) a DequantizeLinear
// (defining x itself) when x exists only in int8.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <set>
#include <unordered_map>

#include "compiler/graph/int8_ops.h"
#include "compiler/quant/arith/fixed_point.h"
#include "compiler/quant/ptq.h"

namespace tessera::quant::detail {

/// A Relu or Clip that follows an op and is fused into it as an int8 clip.
struct FusedActivation {
  size_t node = 0;
  double lo = -INFINITY, hi = INFINITY;
};

class PtqRewriter {
public:
  PtqRewriter(graph::Graph &graph, const CalibrationTable &table, const QuantizeOptions &options);
  StatusOr<QuantizeReport> run();

  // Used by the per-op quantizers (ptq_ops.cpp).
  graph::Graph &graph() { return graph_; }
  /// The activation scale of an fp32 value (calibrated threshold / 127).
  StatusOr<float> scale(const std::string &name);
  /// True when `name` has a scale or calibration statistics (scale() succeeds).
  bool hasScale(const std::string &name) const { return scales_.count(name) || table_.count(name); }
  /// The int8 twin of an fp32 value, quantized on demand.
  StatusOr<std::string> int8(const std::string &name);
  bool hasInt8(const std::string &name) const { return int8Of_.count(name) != 0; }
  /// True when a node or a graph output of the original graph reads `name`.
  bool isUsed(const std::string &name) const;
  /// The one node that reads `value`, when exactly one does and it is not a graph output.
  std::optional<size_t> onlyConsumer(const std::string &value) const;
  /// Marks node `node` as computed by an int8 op already emitted (it is skipped).
  void absorb(size_t node);
  /// The Relu/Clip consuming `node`'s only output, when it can be fused.
  std::optional<FusedActivation> fusedActivation(size_t node) const;
  /// Records `node` (an int8 op defining a fresh value) as the int8 twin of `floatName`
  /// at `scale`, and marks `fused` (if any) as absorbed.
  void emitInt8(graph::Node node, const std::string &floatName, float scale, const std::optional<FusedActivation> &fused);
  /// The int8 clip bounds of real bounds at `scale`.
  static graph::Ints clipBounds(double lo, double hi, float scale);

private:
  /// Gives every input of a Concat the Concat's calibrated scale, so it stays int8 as
  /// pure data movement (the producers requantize straight to the shared scale).
  Status shareConcatScales();
  /// Tries the int8 rewrite of node `index`; false when it stays fp32.
  StatusOr<bool> tryQuantize(size_t index);
  Status requireFloat(const std::string &name);
  void emitFloat(const graph::Node &node);
  std::string scalarConstant(const std::string &hint, float scale, DType dtype);

  graph::Graph &graph_;
  const CalibrationTable &table_;
  QuantizeOptions options_;
  std::vector<graph::Node> out_;
  std::unordered_map<std::string, std::string> int8Of_;
  std::unordered_map<std::string, float> scales_;
  std::set<std::string> floatDefined_;
  std::set<size_t> absorbed_;
  std::unordered_map<std::string, int> uses_;
  std::unordered_map<std::string, std::vector<size_t>> consumers_;
  QuantizeReport report_;
};

/// Helpers the per-op quantizers share (ptq_ops.cpp).
/// The real value a fused activation produces, i.e. the value the int8 op defines.
std::string resultName(PtqRewriter &r, const graph::Node &node, const std::optional<FusedActivation> &fused);
/// The requant_multiplier / requant_shift attributes.
void setRequant(graph::Node &node, const graph::Ints &multipliers, const graph::Ints &shifts);
/// The clip attribute of a fused Relu/Clip, at the result's scale (nothing when none).
void setClip(graph::Node &node, const std::optional<FusedActivation> &fused, float scale);
/// A value computed at run time (not a constant), which gets an activation scale.
bool isActivation(PtqRewriter &r, const std::string &name);

/// The per-op quantizers: each returns false (and changes nothing) when the node does
/// not fit its int8 form.
StatusOr<bool> quantizeConv(PtqRewriter &rewriter, size_t index);
StatusOr<bool> quantizeGemm(PtqRewriter &rewriter, size_t index);
StatusOr<bool> quantizeAdd(PtqRewriter &rewriter, size_t index);
StatusOr<bool> quantizePool(PtqRewriter &rewriter, size_t index);
StatusOr<bool> quantizePassThrough(PtqRewriter &rewriter, size_t index);
StatusOr<bool> quantizeConcat(PtqRewriter &rewriter, size_t index);
/// Products of two activations (ptq_activation_ops.cpp): Mul -> QMul, MatMul -> QMatMul.
StatusOr<bool> quantizeMul(PtqRewriter &rewriter, size_t index);
StatusOr<bool> quantizeActivationMatMul(PtqRewriter &rewriter, size_t index);
/// Unary activations (and SiLU) as QLut tables (ptq_lut.cpp).
StatusOr<bool> quantizeLut(PtqRewriter &rewriter, size_t index);

} // namespace tessera::quant::detail
