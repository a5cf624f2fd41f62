//===- affine.h - Affine forms of index expressions and their ranges ----------------===//
//
// Index expressions built by lowering and schedules are mostly affine in the loop
// variables (`(%o * 8 + %i) * 2 + %kh - 1`). Converting them to a sum of
// coefficient * variable + constant lets the schedule primitives compute the region a
// loop nest touches (compute_at, cache_read, cache_write, tensorize) and rewrite
// indices relative to it, with terms that cancel exactly.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <map>
#include <optional>
#include <string>

#include "compiler/loop/ir.h"

namespace tessera::loop {

struct Affine {
  std::map<std::string, int64_t> coeffs;
  int64_t constant = 0;

  Affine operator+(const Affine &other) const;
  Affine operator-(const Affine &other) const;
  Affine scaled(int64_t factor) const;
  /// True when no variable has a non-zero coefficient.
  bool isConstant() const;
};

/// The affine form of an integer expression, if it has one.
std::optional<Affine> toAffine(const Expr &e);
/// Back to an expression (variables in name order, constant last).
Expr fromAffine(const Affine &a);

/// The inclusive range [lo, hi] of an affine form when the variables in `ranges`
/// take every value in [0, extent); other variables stay symbolic.
struct AffineRange {
  Affine lo, hi;
};
AffineRange affineRange(const Affine &a, const std::map<std::string, int64_t> &ranges);

/// A comparison of affine forms (<, <=, >, >=) as the form d with `d < 0`; nullopt
/// for any other expression. How guards and padding conditions are reasoned about.
std::optional<Affine> comparisonAsNegative(const Expr &atom);

/// The values of v for which `a * v + c < 0` (a != 0): [first, last], the side that
/// does not bound v at the int64 limit.
struct VarBound {
  int64_t first, last;
};
VarBound solveNegative(int64_t a, int64_t c);

} // namespace tessera::loop
