//===- simplify.cpp - Constant folding and loop clean-up --------------------------------===//
#include "compiler/loop/simplify.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "compiler/loop/affine.h"
#include "compiler/loop/ir_util.h"

namespace tessera::loop {
namespace {

std::optional<int64_t> foldInt(BinOp op, int64_t a, int64_t b) {
  switch (op) {
  case BinOp::Add: return a + b;
  case BinOp::Sub: return a - b;
  case BinOp::Mul: return a * b;
  case BinOp::Div: return b == 0 ? std::nullopt : std::optional<int64_t>(a / b);
  case BinOp::Mod: return b == 0 ? std::nullopt : std::optional<int64_t>(a % b);
  case BinOp::Min: return std::min(a, b);
  case BinOp::Max: return std::max(a, b);
  default: return std::nullopt;
  }
}

std::optional<double> foldFloat(BinOp op, double a, double b) {
  switch (op) {
  case BinOp::Add: return a + b;
  case BinOp::Sub: return a - b;
  case BinOp::Mul: return a * b;
  case BinOp::Div: return a / b;
  case BinOp::Min: return std::isnan(a) || std::isnan(b) ? NAN : std::fmin(a, b); // NaN-propagating, as generated code
  case BinOp::Max: return std::isnan(a) || std::isnan(b) ? NAN : std::fmax(a, b);
  default: return std::nullopt;
  }
}

bool isInt(const Expr &e, int64_t value) { return e->kind == ExprKind::Int && e->intValue == value; }

/// An inclusive range of integers.
struct Interval {
  int64_t lo, hi;
};

/// The values of the enclosing loops with constant bounds (while simplifying a
/// statement).
thread_local std::map<std::string, Interval> *gLoopRanges = nullptr;

/// An upper bound (exclusive) of a non-negative term: constants and loop variables.
std::optional<int64_t> exclusiveBound(const Expr &e) {
  if (auto c = asConstInt(e)) return *c >= 0 ? std::optional<int64_t>(*c + 1) : std::nullopt;
  if (e->kind == ExprKind::Var && gLoopRanges) {
    auto it = gLoopRanges->find(e->name);
    if (it != gLoopRanges->end() && it->second.lo >= 0) return it->second.hi + 1;
  }
  return std::nullopt;
}

/// The inclusive range of an integer expression over the enclosing loops, when
/// constants, loop variables, +, -, * by constants, / and % by positive constants,
/// min and max bound it.
std::optional<Interval> intervalOf(const Expr &e) {
  if (auto c = asConstInt(e)) return Interval{*c, *c};
  if (e->kind == ExprKind::Var && gLoopRanges) {
    auto it = gLoopRanges->find(e->name);
    if (it != gLoopRanges->end()) return it->second;
    return std::nullopt;
  }
  if (e->kind != ExprKind::Binary || e->type != DType::I64) return std::nullopt;
  auto a = intervalOf(e->operands[0]), b = intervalOf(e->operands[1]);
  if (!a || !b) return std::nullopt;
  switch (e->op) {
  case BinOp::Add: return Interval{a->lo + b->lo, a->hi + b->hi};
  case BinOp::Sub: return Interval{a->lo - b->hi, a->hi - b->lo};
  case BinOp::Mul:
    if (b->lo != b->hi) return std::nullopt;
    return b->lo >= 0 ? Interval{a->lo * b->lo, a->hi * b->lo} : Interval{a->hi * b->lo, a->lo * b->lo};
  case BinOp::Div:
    if (b->lo != b->hi || b->lo <= 0 || a->lo < 0) return std::nullopt;
    return Interval{a->lo / b->lo, a->hi / b->lo};
  case BinOp::Mod:
    if (b->lo != b->hi || b->lo <= 0 || a->lo < 0) return std::nullopt;
    return a->hi < b->lo ? *a : Interval{0, b->lo - 1};
  case BinOp::Min: return Interval{std::min(a->lo, b->lo), std::min(a->hi, b->hi)};
  case BinOp::Max: return Interval{std::max(a->lo, b->lo), std::max(a->hi, b->hi)};
  default: return std::nullopt;
  }
}

/// min(a, b) / max(a, b) where the ranges decide: the clamps of indices that cannot
/// leave their dimension (a pooling window that never reaches the padding).
Expr simplifyMinMax(const Expr &e) {
  auto a = intervalOf(e->operands[0]), b = intervalOf(e->operands[1]);
  if (!a || !b) return e;
  bool isMin = e->op == BinOp::Min;
  if (isMin ? a->hi <= b->lo : a->lo >= b->hi) return e->operands[0];
  if (isMin ? b->hi <= a->lo : b->lo >= a->hi) return e->operands[1];
  return e;
}

/// (x + c1) + c2 -> x + (c1 + c2) and (x * c1) * c2 -> x * (c1 * c2).
Expr reassociate(const Expr &e) {
  const Expr &a = e->operands[0], &b = e->operands[1];
  auto c2 = asConstInt(b);
  if (!c2 || a->kind != ExprKind::Binary) return e;
  auto c1 = asConstInt(a->operands[1]);
  if (!c1) return e;
  if (e->op == BinOp::Add && a->op == BinOp::Add) return a->operands[0] + intImm(*c1 + *c2);
  if (e->op == BinOp::Add && a->op == BinOp::Sub) return simplifyExpr(a->operands[0] + intImm(*c2 - *c1));
  if (e->op == BinOp::Mul && a->op == BinOp::Mul) return a->operands[0] * intImm(*c1 * *c2);
  return e;
}

/// True for expressions built from non-negative constants and loop variables with
/// +, * and division or remainder by positive constants (loop variables are
/// non-negative: loops start at 0 or at such a sum).
bool nonNegative(const Expr &e) {
  if (e->kind == ExprKind::Int) return e->intValue >= 0;
  if (e->kind == ExprKind::Var) return true;
  if (e->kind != ExprKind::Binary) return false;
  bool byPositiveConstant = asConstInt(e->operands[1]).value_or(0) > 0;
  if (e->op != BinOp::Add && e->op != BinOp::Mul && !((e->op == BinOp::Div || e->op == BinOp::Mod) && byPositiveConstant))
    return false;
  return nonNegative(e->operands[0]) && nonNegative(e->operands[1]);
}

/// x / 1 -> x, x % 1 -> 0, and (x * c + k) / c -> x, (x * c + k) % c -> k for
/// non-negative x and 0 <= k < c (what splits by c leave in indices).
Expr simplifyDivMod(const Expr &e) {
  const Expr &a = e->operands[0];
  auto c = asConstInt(e->operands[1]);
  if (c && *c == 1) return e->op == BinOp::Div ? a : intImm(0);
  if (!c || *c <= 0) return e;
  // x in [lo, hi] with one quotient (a fused loop `%f1 % 190` over [0, 190)).
  if (auto range = intervalOf(a); range && range->lo >= 0 && range->lo / *c == range->hi / *c) {
    int64_t q = range->lo / *c;
    return e->op == BinOp::Div ? intImm(q) : (q == 0 ? a : simplifyExpr(a - intImm(q * *c)));
  }
  Expr scaled = a, rest = intImm(0);
  if (a->kind == ExprKind::Binary && a->op == BinOp::Add) {
    scaled = a->operands[0];
    rest = a->operands[1];
  }
  auto bound = exclusiveBound(rest);
  if (!bound || *bound > *c) {
    // A sum of loop variables (a split of a split) bounded by their ranges.
    auto range = intervalOf(rest);
    if (range && range->lo >= 0 && range->hi < *c) bound = *c;
  }
  bool multiple = scaled->kind == ExprKind::Binary && scaled->op == BinOp::Mul && isInt(scaled->operands[1], *c);
  if (!multiple || !bound || *bound > *c || !nonNegative(scaled->operands[0])) return e;
  return e->op == BinOp::Div ? scaled->operands[0] : rest;
}

Expr simplifyInt(const Expr &e) {
  const Expr &a = e->operands[0], &b = e->operands[1];
  auto ca = asConstInt(a), cb = asConstInt(b);
  if (ca && cb)
    if (auto folded = foldInt(e->op, *ca, *cb)) return intImm(*folded);
  switch (e->op) {
  case BinOp::Add:
    if (isInt(a, 0)) return b;
    if (isInt(b, 0)) return a;
    if (ca) return simplifyExpr(b + a); // constants to the right
    return reassociate(e);
  case BinOp::Sub:
    if (isInt(b, 0)) return a;
    if (exprEqual(a, b)) return intImm(0);
    return e;
  case BinOp::Mul:
    if (isInt(a, 0) || isInt(b, 0)) return intImm(0);
    if (isInt(a, 1)) return b;
    if (isInt(b, 1)) return a;
    if (ca) return simplifyExpr(b * a);
    return reassociate(e);
  case BinOp::Div:
  case BinOp::Mod: return simplifyDivMod(e);
  case BinOp::Min:
  case BinOp::Max: return simplifyMinMax(e);
  default: return e;
  }
}

Expr simplifyBinary(const Expr &e) {
  const Expr &a = e->operands[0], &b = e->operands[1];
  if (a->type == DType::I64 && b->type == DType::I64 && !isPredicate(e->op)) return simplifyInt(e);
  if (a->kind == ExprKind::Float && b->kind == ExprKind::Float)
    if (auto folded = foldFloat(e->op, a->floatValue, b->floatValue)) return floatImm(*folded, e->type);
  if (e->op == BinOp::Mul && b->kind == ExprKind::Float && b->floatValue == 1.0) return a;
  return e;
}

Expr simplifyNode(const Expr &e) {
  if (e->kind == ExprKind::Binary) return simplifyBinary(e);
  if (e->kind == ExprKind::Select) {
    if (auto c = constPredicate(e->operands[0])) return *c ? e->operands[1] : e->operands[2];
  }
  if (e->kind == ExprKind::Cast && e->operands[0]->type == e->type) return e->operands[0];
  return e;
}

void appendFlattened(std::vector<Stmt> &out, const Stmt &s) {
  if (!s) return;
  if (s->kind != StmtKind::Seq) {
    out.push_back(s);
    return;
  }
  for (const Stmt &child : s->stmts) appendFlattened(out, child);
}

/// Inside `if cond`, the loop ranges narrowed by each atom of `cond` that bounds one
/// loop variable (`%wi + 24 < 27`: %wi <= 2 in a guarded last tile), so the clamps
/// the guarded accesses no longer need fold away. False when a range becomes empty:
/// the guard holds in no iteration (`%pv + 176 < 169` with %pv >= 0, a vector of a
/// last column tile that lies wholly past the image).
bool narrowByGuard(const Expr &cond) {
  if (!gLoopRanges) return true;
  bool satisfiable = true;
  for (const Expr &atom : conjuncts(cond)) {
    std::optional<Affine> d = comparisonAsNegative(atom);
    if (!d || d->coeffs.size() != 1 || d->coeffs.begin()->second == 0) continue;
    auto it = gLoopRanges->find(d->coeffs.begin()->first);
    if (it == gLoopRanges->end()) continue;
    VarBound holds = solveNegative(d->coeffs.begin()->second, d->constant);
    it->second.lo = std::max(it->second.lo, holds.first);
    it->second.hi = std::min(it->second.hi, holds.last);
    satisfiable = satisfiable && it->second.lo <= it->second.hi;
  }
  return satisfiable;
}

bool isEmptySeq(const Stmt &s) { return s->kind == StmtKind::Seq && s->stmts.empty(); }

Stmt simplifyFor(const Stmt &s) {
  s->min = simplifyExpr(s->min);
  s->extent = simplifyExpr(s->extent);
  auto extent = asConstInt(s->extent);
  if (extent && *extent <= 0) return seq({});
  if (extent && *extent == 1 && s->forKind != ForKind::GpuBlock && s->forKind != ForKind::GpuThread) {
    substituteInStmt(s->body, {{s->var, s->min}});
    return simplifyStmt(s->body);
  }
  auto min = asConstInt(s->min);
  bool ranged = gLoopRanges && extent && min;
  if (ranged) (*gLoopRanges)[s->var] = Interval{*min, *min + *extent - 1};
  s->body = simplifyStmt(s->body);
  if (ranged) gLoopRanges->erase(s->var);
  return isEmptySeq(s->body) ? seq({}) : s;
}

} // namespace

Expr simplifyExpr(const Expr &expr) { return mapExpr(expr, simplifyNode); }

std::optional<bool> constPredicate(const Expr &e) {
  if (e->kind != ExprKind::Binary || !isPredicate(e->op)) return std::nullopt;
  if (e->op == BinOp::And || e->op == BinOp::Or) {
    auto a = constPredicate(e->operands[0]), b = constPredicate(e->operands[1]);
    if (e->op == BinOp::And && ((a && !*a) || (b && !*b))) return false;
    if (e->op == BinOp::Or && ((a && *a) || (b && *b))) return true;
    if (a && b) return e->op == BinOp::And ? (*a && *b) : (*a || *b);
    return std::nullopt;
  }
  auto a = asConstInt(e->operands[0]), b = asConstInt(e->operands[1]);
  if (!a || !b) return std::nullopt;
  switch (e->op) {
  case BinOp::Lt: return *a < *b;
  case BinOp::Le: return *a <= *b;
  case BinOp::Gt: return *a > *b;
  case BinOp::Ge: return *a >= *b;
  case BinOp::Eq: return *a == *b;
  case BinOp::Ne: return *a != *b;
  default: return std::nullopt;
  }
}

Stmt simplifyStmt(const Stmt &s) {
  if (!s) return s;
  switch (s->kind) {
  case StmtKind::For: return simplifyFor(s);
  case StmtKind::Seq: {
    std::vector<Stmt> children;
    for (const Stmt &child : s->stmts) appendFlattened(children, simplifyStmt(child));
    return seq(std::move(children));
  }
  case StmtKind::If: {
    s->cond = simplifyExpr(s->cond);
    if (auto c = constPredicate(s->cond)) return *c ? simplifyStmt(s->body) : (s->orElse ? simplifyStmt(s->orElse) : seq({}));
    std::map<std::string, Interval> outside = gLoopRanges ? *gLoopRanges : std::map<std::string, Interval>{};
    bool reachable = narrowByGuard(s->cond);
    if (reachable) s->body = simplifyStmt(s->body);
    if (gLoopRanges) *gLoopRanges = outside;
    if (!reachable) return s->orElse ? simplifyStmt(s->orElse) : seq({});
    if (s->orElse) s->orElse = simplifyStmt(s->orElse);
    return s;
  }
  case StmtKind::Alloc: s->body = simplifyStmt(s->body); return s;
  case StmtKind::Store:
  case StmtKind::Call: mapExprsInStmt(s, [](const Expr &e) { return simplifyExpr(e); }); return s;
  }
  return s;
}

Status simplifyPass(Func &func) {
  std::map<std::string, Interval> ranges;
  gLoopRanges = &ranges;
  func.body = simplifyStmt(func.body);
  gLoopRanges = nullptr;
  return absl::OkStatus();
}

} // namespace tessera::loop
