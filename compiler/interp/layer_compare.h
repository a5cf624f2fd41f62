//===- layer_compare.h - Per-layer comparison against the reference ------------===//
//
// Runs a reference graph on the interpreter, recording every node's results, and
// compares them with the values some other execution produced for the same names
// (another graph after passes, or a back end's per-layer dump). The first value that
// diverges, in the reference's node order, names the layer to look at.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/interp/interpreter.h"

namespace tessera::interp {

struct Tolerance {
  double rtol = 1e-4;
  double atol = 1e-5;
};

struct LayerComparison {
  /// Values present in both executions and compared.
  int64_t compared = 0;
  /// Empty when nothing diverged; otherwise the first diverging layer.
  std::string firstDivergentValue;
  std::string firstDivergentLayer;
  std::string message;
};

/// Every node result of running `graph` on `inputs`, by value name.
StatusOr<TensorMap> recordAllValues(const graph::Graph &graph, const TensorMap &inputs);

/// Compares `candidate` values with the reference run of `reference` on `inputs`.
StatusOr<LayerComparison> compareLayers(const graph::Graph &reference, const TensorMap &inputs,
                                        const TensorMap &candidate, const Tolerance &tolerance = {});

/// Seeded random inputs for every graph input (static shapes required).
StatusOr<TensorMap> randomInputs(const graph::Graph &graph, uint32_t seed);

} // namespace tessera::interp
