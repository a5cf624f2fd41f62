//===- infer_util.cpp - Helpers shared by the inference rules and kernels ------===//
#include "compiler/graph/infer_util.h"

#include <absl/strings/str_join.h>

#include "compiler/graph/dtype_dispatch.h"

namespace tessera::graph {

StatusOr<int64_t> normalizeAxis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= std::max<int64_t>(rank, 1) || (rank == 0 && axis != 0 && axis != -1))
    return invalidInput("axis %d is out of range for rank %d", axis, rank);
  return axis < 0 ? axis + rank : axis;
}

StatusOr<Shape> broadcastShapes(const Shape &a, const Shape &b) {
  size_t rank = std::max(a.size(), b.size());
  Shape result(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da == 1) result[i] = db;
    else if (db == 1) result[i] = da;
    else if (da < 0) result[i] = db;
    else if (db < 0 || da == db) result[i] = da;
    else
      return invalidInput("shapes [%s] and [%s] do not broadcast", absl::StrJoin(a, ","),
                          absl::StrJoin(b, ","));
  }
  return result;
}

std::vector<int64_t> tensorToInts(const Tensor &tensor) {
  std::vector<int64_t> values(tensor.elementCount());
  for (int64_t i = 0; i < tensor.elementCount(); ++i)
    values[i] = loadAsInt(tensor.dtype(), tensor.bytes(), i);
  return values;
}

std::vector<double> tensorToDoubles(const Tensor &tensor) {
  std::vector<double> values(tensor.elementCount());
  for (int64_t i = 0; i < tensor.elementCount(); ++i)
    values[i] = loadAsDouble(tensor.dtype(), tensor.bytes(), i);
  return values;
}

Tensor intsToTensor(const std::vector<int64_t> &values) {
  Tensor tensor(DType::I64, {static_cast<int64_t>(values.size())});
  std::copy(values.begin(), values.end(), tensor.data<int64_t>());
  return tensor;
}

Shape unknownShape(int64_t rank) { return Shape(rank, kUnknownDim); }

} // namespace tessera::graph
