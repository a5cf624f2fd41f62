//===- flat_index.h - Buffer accesses as flat element offsets --------------------------===//
//
// The codegen addresses a buffer by the row-major flattening of its indices. How the
// offset moves with the vector loop's variable decides the access (a vector load, a
// strided one, a gather); how two accesses' offsets differ decides whether unrolled
// stores continue each other.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "compiler/loop/ir.h"

namespace tessera::codegen {

/// Row-major flattening of `indices` over `shape`, as an expression.
loop::Expr flatIndex(const std::vector<loop::Expr> &indices, const Shape &shape);

/// The coefficient of `var` in `e` when `e` is affine in it (other variables and
/// loads not involving it count as constants), else nullopt.
std::optional<int64_t> linearCoefficient(const loop::Expr &e, const std::string &var);

/// b's element offset minus a's (indices over `shape`) when it is a constant: indices
/// equal, or affine with a constant difference, in every dimension.
std::optional<int64_t> constantDistance(const std::vector<loop::Expr> &a, const std::vector<loop::Expr> &b,
                                        const Shape &shape);

} // namespace tessera::codegen
