//===- infer_util.h - Helpers shared by the inference rules and kernels --------===//
#pragma once

#include <optional>

#include "compiler/graph/tensor_type.h"

namespace tessera::graph {

/// Maps a possibly negative axis into [0, rank); error when out of range.
StatusOr<int64_t> normalizeAxis(int64_t axis, int64_t rank);
/// Numpy-style broadcast of two shapes (unknown dims stay unknown unless the other
/// dimension decides); error names both shapes.
StatusOr<Shape> broadcastShapes(const Shape &a, const Shape &b);
/// The integer elements of a constant tensor (any integer dtype).
std::vector<int64_t> tensorToInts(const Tensor &tensor);
/// The elements of a constant tensor as doubles.
std::vector<double> tensorToDoubles(const Tensor &tensor);
/// A 1-D i64 tensor.
Tensor intsToTensor(const std::vector<int64_t> &values);
/// A shape where every dimension is unknown.
Shape unknownShape(int64_t rank);

} // namespace tessera::graph
