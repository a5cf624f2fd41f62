//===- elementwise_ops.h - Scalar functions of the elementwise ops -------------===//
//
// The scalar semantics of each elementwise op, parameterized by its attributes. The
// elementwise kernels and the constant folder share them.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <functional>

#include "compiler/graph/attribute.h"
#include "support/status.h"

namespace tessera::interp {

using UnaryFn = std::function<double(double)>;
using BinaryFn = std::function<double(double, double)>;
using IntBinaryFn = std::function<int64_t(int64_t, int64_t)>;

StatusOr<UnaryFn> makeUnaryFn(const std::string &op, const graph::AttributeMap &attrs);
StatusOr<BinaryFn> makeBinaryFn(const std::string &op, const graph::AttributeMap &attrs);
/// Integer semantics; `dtype` decides the width of shifts.
StatusOr<IntBinaryFn> makeIntBinaryFn(const std::string &op, const graph::AttributeMap &attrs, DType dtype);

} // namespace tessera::interp
