//===- affine.cpp - Affine forms of index expressions ------------------------------------===//
#include "compiler/loop/affine.h"

#include <limits>

namespace tessera::loop {

Affine Affine::operator+(const Affine &other) const {
  Affine sum = *this;
  for (const auto &[name, c] : other.coeffs) sum.coeffs[name] += c;
  sum.constant += other.constant;
  return sum;
}

Affine Affine::scaled(int64_t factor) const {
  Affine out;
  for (const auto &[name, c] : coeffs) out.coeffs[name] = c * factor;
  out.constant = constant * factor;
  return out;
}

Affine Affine::operator-(const Affine &other) const { return *this + other.scaled(-1); }

bool Affine::isConstant() const {
  for (const auto &entry : coeffs)
    if (entry.second != 0) return false;
  return true;
}

std::optional<Affine> toAffine(const Expr &e) {
  if (e->kind == ExprKind::Int) return Affine{{}, e->intValue};
  if (e->kind == ExprKind::Var) return Affine{{{e->name, 1}}, 0};
  if (e->kind != ExprKind::Binary) return std::nullopt;
  auto a = toAffine(e->operands[0]);
  auto b = toAffine(e->operands[1]);
  if (!a || !b) return std::nullopt;
  switch (e->op) {
  case BinOp::Add: return *a + *b;
  case BinOp::Sub: return *a - *b;
  case BinOp::Mul:
    if (a->isConstant()) return b->scaled(a->constant);
    if (b->isConstant()) return a->scaled(b->constant);
    return std::nullopt;
  default: return std::nullopt;
  }
}

Expr fromAffine(const Affine &a) {
  Expr sum;
  for (const auto &[name, c] : a.coeffs) {
    if (c == 0) continue;
    Expr term = c == 1 ? var(name) : var(name) * intImm(c);
    sum = sum ? sum + term : term;
  }
  if (!sum) return intImm(a.constant);
  if (a.constant > 0) return sum + intImm(a.constant);
  if (a.constant < 0) return sum - intImm(-a.constant);
  return sum;
}

AffineRange affineRange(const Affine &a, const std::map<std::string, int64_t> &ranges) {
  AffineRange r{a, a};
  for (const auto &[name, c] : a.coeffs) {
    auto it = ranges.find(name);
    if (it == ranges.end()) continue;
    r.lo.coeffs.erase(name);
    r.hi.coeffs.erase(name);
    int64_t span = c * (it->second - 1);
    (span >= 0 ? r.hi : r.lo).constant += span;
  }
  return r;
}

std::optional<Affine> comparisonAsNegative(const Expr &atom) {
  if (atom->kind != ExprKind::Binary) return std::nullopt;
  BinOp op = atom->op;
  if (op != BinOp::Lt && op != BinOp::Le && op != BinOp::Gt && op != BinOp::Ge) return std::nullopt;
  auto lhs = toAffine(atom->operands[0]), rhs = toAffine(atom->operands[1]);
  if (!lhs || !rhs) return std::nullopt;
  Affine one;
  one.constant = 1;
  if (op == BinOp::Lt) return *lhs - *rhs;        // a < b   <=>  a - b < 0
  if (op == BinOp::Le) return *lhs - *rhs - one;  // a <= b  <=>  a - b - 1 < 0
  if (op == BinOp::Gt) return *rhs - *lhs;        // a > b   <=>  b - a < 0
  return *rhs - *lhs - one;                       // a >= b  <=>  b - a - 1 < 0
}

namespace {
int64_t floorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
} // namespace

VarBound solveNegative(int64_t a, int64_t c) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  if (a > 0) return {-kMax, floorDiv(-c - 1, a)};  // a * v < -c
  return {floorDiv(c, -a) + 1, kMax};              // -a * v > c
}

} // namespace tessera::loop
