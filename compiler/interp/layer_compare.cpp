//===- layer_compare.cpp - Per-layer comparison against the reference ----------===//
#include "compiler/interp/layer_compare.h"

#include <cmath>
#include <random>

#include "compiler/graph/dtype_dispatch.h"

namespace tessera::interp {
namespace {

/// Empty when equal within tolerance; otherwise where and by how much.
std::string difference(const Tensor &expected, const Tensor &actual, const Tolerance &tolerance) {
  if (expected.shape() != actual.shape())
    return absl::StrCat("shape ", shapeToString(expected.shape()), " vs ", shapeToString(actual.shape()));
  int64_t bad = 0, first = -1;
  double worst = 0;
  for (int64_t i = 0; i < expected.elementCount(); ++i) {
    double e = graph::loadAsDouble(expected.dtype(), expected.bytes(), i);
    double a = graph::loadAsDouble(actual.dtype(), actual.bytes(), i);
    double error = std::fabs(a - e);
    if ((std::isnan(e) && std::isnan(a)) || error <= tolerance.atol + tolerance.rtol * std::fabs(e)) continue;
    if (bad++ == 0) first = i;
    worst = std::max(worst, error);
  }
  if (bad == 0) return "";
  return absl::StrFormat("%d of %d elements differ (first at %d, max abs error %g)", bad, expected.elementCount(), first, worst);
}

} // namespace

StatusOr<TensorMap> recordAllValues(const graph::Graph &graph, const TensorMap &inputs) {
  TensorMap values;
  NodeObserver observer = [&](const graph::Node &node, const std::vector<Tensor> &results) {
    for (size_t i = 0; i < node.outputs.size() && i < results.size(); ++i)
      if (!node.outputs[i].empty()) values[node.outputs[i]] = results[i];
  };
  TS_RETURN_IF_ERROR(runGraph(graph, inputs, observer).status());
  return values;
}

StatusOr<LayerComparison> compareLayers(const graph::Graph &reference, const TensorMap &inputs,
                                        const TensorMap &candidate, const Tolerance &tolerance) {
  TS_ASSIGN_OR_RETURN(TensorMap expected, recordAllValues(reference, inputs));
  LayerComparison comparison;
  for (const graph::Node &node : reference.nodes)
    for (const std::string &output : node.outputs) {
      auto it = candidate.find(output);
      if (output.empty() || it == candidate.end()) continue;
      ++comparison.compared;
      std::string diff = difference(expected.at(output), it->second, tolerance);
      if (diff.empty() || !comparison.firstDivergentValue.empty()) continue;
      comparison.firstDivergentValue = output;
      comparison.firstDivergentLayer = node.describe();
      comparison.message = diff;
    }
  return comparison;
}

StatusOr<TensorMap> randomInputs(const graph::Graph &graph, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  TensorMap inputs;
  for (const std::string &name : graph.inputs) {
    const graph::TensorType &type = graph.typeOf(name);
    if (!type.isStatic()) return invalidInput("input %%%s has a dynamic shape; give it with --input or --input-shape", name);
    Tensor tensor(type.dtype, type.shape);
    bool integer = !graph::isFloatType(type.dtype);
    for (int64_t i = 0; i < tensor.elementCount(); ++i)
      graph::storeFromDouble(type.dtype, tensor.bytes(), i, integer ? std::round(uniform(rng) * 4) : uniform(rng));
    inputs[name] = tensor;
  }
  return inputs;
}

} // namespace tessera::interp
