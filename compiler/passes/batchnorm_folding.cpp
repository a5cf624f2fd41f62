//===- batchnorm_folding.cpp - Fold inference BatchNorm into Conv and Gemm -----===//
#include "compiler/passes/batchnorm_folding.h"

#include <cmath>

#include "compiler/interp/kernel_util.h"
#include "compiler/passes/rewrite.h"

namespace tessera::passes {
namespace {

using graph::Graph;
using graph::Node;

/// Per-channel scale s and shift t such that BatchNorm(y) = y * s + t.
struct ChannelAffine {
  std::vector<float> scale, shift;
};

std::optional<ChannelAffine> batchNormAffine(const Graph &graph, const Node &bn) {
  if (bn.attrs.getInt("training_mode", 0) || bn.inputs.size() < 5) return std::nullopt;
  const Tensor *gamma = graph.constantOf(bn.inputs[1]), *beta = graph.constantOf(bn.inputs[2]);
  const Tensor *mean = graph.constantOf(bn.inputs[3]), *var = graph.constantOf(bn.inputs[4]);
  if (!gamma || !beta || !mean || !var) return std::nullopt;
  std::vector<float> g = interp::toFloats(*gamma), b = interp::toFloats(*beta), m = interp::toFloats(*mean),
                     v = interp::toFloats(*var);
  if (g.size() != b.size() || g.size() != m.size() || g.size() != v.size()) return std::nullopt;
  float epsilon = bn.attrs.getFloat("epsilon", 1e-5f);
  ChannelAffine affine;
  for (size_t c = 0; c < g.size(); ++c) {
    affine.scale.push_back(g[c] / std::sqrt(v[c] + epsilon));
    affine.shift.push_back(b[c] - m[c] * affine.scale.back());
  }
  return affine;
}

/// Scales W along `axis` (one factor per index) into a new constant.
std::string scaledConstant(Graph &graph, const std::string &name, const Tensor &w, const std::vector<float> &scale,
                           int64_t axis) {
  std::vector<float> values = interp::toFloats(w);
  int64_t inner = interp::stridesOf(w.shape())[axis], extent = w.shape()[axis];
  for (size_t i = 0; i < values.size(); ++i) values[i] *= scale[(i / inner) % extent];
  return graph.addConstant(name + "_bn", interp::fromFloats(w.dtype(), w.shape(), values));
}

/// New bias: old * s + t (old broadcast to one value per channel, 0 when absent).
std::string foldedBias(Graph &graph, const std::string &hint, const Tensor *old, float oldScale, const ChannelAffine &affine) {
  std::vector<float> bias(affine.scale.size(), 0.f);
  if (old) {
    std::vector<float> values = interp::toFloats(*old);
    for (size_t c = 0; c < bias.size(); ++c) bias[c] = values.size() == 1 ? values[0] : values[c];
  }
  for (size_t c = 0; c < bias.size(); ++c) bias[c] = bias[c] * oldScale * affine.scale[c] + affine.shift[c];
  return graph.addConstant(hint + "_bn_bias", interp::fromFloats(DType::F32, {int64_t(bias.size())}, bias));
}

bool foldIntoConv(Graph &graph, Node &conv, const ChannelAffine &affine) {
  const Tensor *w = graph.constantOf(conv.input(1));
  const Tensor *b = conv.hasInput(2) ? graph.constantOf(conv.input(2)) : nullptr;
  if (!w || w->dtype() != DType::F32 || w->shape()[0] != int64_t(affine.scale.size())) return false;
  if (conv.hasInput(2) && !b) return false;
  std::string newW = scaledConstant(graph, conv.inputs[1], *w, affine.scale, 0);
  std::string newB = foldedBias(graph, conv.inputs[1], b, 1.f, affine);
  conv.inputs.resize(3);
  conv.inputs[1] = newW;
  conv.inputs[2] = newB;
  return true;
}

bool foldIntoGemm(Graph &graph, Node &gemm, const ChannelAffine &affine) {
  const Tensor *b = graph.constantOf(gemm.input(1));
  const Tensor *c = gemm.hasInput(2) ? graph.constantOf(gemm.input(2)) : nullptr;
  if (!b || b->dtype() != DType::F32 || (gemm.hasInput(2) && !c)) return false;
  if (c && c->elementCount() != 1 && c->elementCount() != int64_t(affine.scale.size())) return false;
  bool transB = gemm.attrs.getInt("transB", 0) != 0;
  if (b->shape()[transB ? 0 : 1] != int64_t(affine.scale.size())) return false;
  std::string newB = scaledConstant(graph, gemm.inputs[1], *b, affine.scale, transB ? 0 : 1);
  std::string newC = foldedBias(graph, gemm.inputs[1], c, gemm.attrs.getFloat("beta", 1.f), affine);
  gemm.inputs.resize(3);
  gemm.inputs[1] = newB;
  gemm.inputs[2] = newC;
  gemm.attrs.erase("beta");
  return true;
}

} // namespace

StatusOr<bool> runBatchNormFolding(graph::Graph &graph, PassContext &context) {
  bool changed = false;
  std::vector<bool> erase(graph.nodes.size(), false);
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    Node &bn = graph.nodes[i];
    if (bn.op != "BatchNormalization" || bn.input(0).empty()) continue;
    auto uses = graph.useCounts();
    auto producers = graph.producers();
    bool statisticsUsed = false;
    for (size_t k = 1; k < bn.outputs.size(); ++k) statisticsUsed |= !bn.outputs[k].empty() && uses.count(bn.outputs[k]);
    if (statisticsUsed) continue;
    const Node *producer = singleUseProducer(graph, bn.inputs[0], uses, producers);
    auto affine = batchNormAffine(graph, bn);
    if (!producer || !affine || (producer->op != "Conv" && producer->op != "Gemm")) continue;
    Node &target = graph.nodes[producers.at(bn.inputs[0])];
    bool folded = target.op == "Conv" ? foldIntoConv(graph, target, *affine) : foldIntoGemm(graph, target, *affine);
    if (!folded) continue;
    // The folded op now computes the BatchNorm's result, so it takes that value's
    // name; the pre-BatchNorm value no longer exists.
    graph.eraseValue(target.outputs[0]);
    target.outputs[0] = bn.outputs[0];
    erase[i] = true;
    context.count(target.op == "Conv" ? "folded-into-conv" : "folded-into-gemm");
    changed = true;
  }
  graph.eraseNodes(erase);
  graph.pruneUnusedValues();
  return changed;
}

} // namespace tessera::passes
