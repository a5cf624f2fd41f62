//===- partition_loops.cpp - Split loops where their guards start to fail ------------===//
#include "compiler/loop/partition_loops.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <map>

#include "compiler/loop/affine.h"
#include "compiler/loop/ir_util.h"
#include "compiler/loop/simplify.h"

namespace tessera::loop {
namespace {

int64_t floorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

/// The last value of `var` (from `min`) for which `atom` holds in every iteration of
/// the loops `inner` (variable -> extent, all from 0); nullopt when the atom is not
/// `x < y` with `var` in it at a positive coefficient and only inner loops besides.
std::optional<int64_t> lastHolding(const Expr &atom, const std::string &var, const std::map<std::string, int64_t> &inner) {
  if (atom->kind != ExprKind::Binary || atom->op != BinOp::Lt) return std::nullopt;
  auto lhs = toAffine(atom->operands[0]), rhs = toAffine(atom->operands[1]);
  if (!lhs || !rhs) return std::nullopt;
  Affine d = *lhs - *rhs;  // holds while d < 0
  auto it = d.coeffs.find(var);
  if (it == d.coeffs.end() || it->second <= 0) return std::nullopt;
  int64_t a = it->second;
  d.coeffs.erase(it);
  AffineRange range = affineRange(d, inner);
  if (!range.hi.isConstant()) return std::nullopt;
  // a * v + hi < 0  <=>  v <= floor((-hi - 1) / a)
  return floorDiv(-range.hi.constant - 1, a);
}

using Ranges = std::map<std::string, int64_t>;

/// Calls `visit(if, inner)` for every `if` in `s`, `inner` holding the loops (from 0,
/// constant extents) between `s` and it.
void visitGuards(const Stmt &s, Ranges &inner, const std::function<void(const Stmt &, const Ranges &)> &visit) {
  if (!s) return;
  bool ranged = false;
  if (s->kind == StmtKind::For) {
    auto min = asConstInt(s->min), extent = asConstInt(s->extent);
    ranged = min && *min == 0 && extent;
    if (ranged) inner[s->var] = *extent;
  }
  if (s->kind == StmtKind::If) visit(s, inner);
  visitGuards(s->body, inner, visit);
  visitGuards(s->orElse, inner, visit);
  for (const Stmt &child : s->stmts) visitGuards(child, inner, visit);
  if (ranged) inner.erase(s->var);
}

/// The last value of `var` for which every guard in `body` that can be bounded holds.
int64_t lastAllHolding(const Stmt &body, const std::string &var) {
  Ranges inner;
  int64_t last = std::numeric_limits<int64_t>::max();
  visitGuards(body, inner, [&](const Stmt &guard, const Ranges &ranges) {
    for (const Expr &atom : conjuncts(guard->cond))
      if (auto v = lastHolding(atom, var, ranges)) last = std::min(last, *v);
  });
  return last;
}

/// `body` with the guard atoms that hold for `var <= last` removed.
void dropProvenGuards(const Stmt &body, const std::string &var, int64_t last) {
  Ranges inner;
  visitGuards(body, inner, [&](const Stmt &guard, const Ranges &ranges) {
    std::vector<Expr> kept;
    for (const Expr &atom : conjuncts(guard->cond)) {
      auto v = lastHolding(atom, var, ranges);
      if (!v || *v < last) kept.push_back(atom);
    }
    Expr cond = kept.empty() ? ltExpr(intImm(0), intImm(1)) : kept[0];
    for (size_t k = 1; k < kept.size(); ++k) cond = andExpr(cond, kept[k]);
    guard->cond = cond;
  });
}

/// A serial loop split at the first iteration where a guard inside may fail.
Stmt partitionLoop(const Stmt &loop) {
  auto min = asConstInt(loop->min), extent = asConstInt(loop->extent);
  if (loop->forKind != ForKind::Serial || !min || !extent || *extent < 2) return loop;
  int64_t last = lastAllHolding(loop->body, loop->var);
  int64_t head = last == std::numeric_limits<int64_t>::max() ? 0 : last - *min + 1;
  if (head <= 0 || head >= *extent) return loop;
  Stmt tail = forLoop(loop->var, intImm(*min + head), intImm(*extent - head), loop->forKind, loop->body->clone());
  Stmt first = forLoop(loop->var, loop->min, intImm(head), loop->forKind, loop->body);
  dropProvenGuards(first->body, loop->var, *min + head - 1);
  first->body = simplifyStmt(first->body);
  return seq({first, tail});
}

} // namespace

Stmt partitionLoops(const Stmt &s) {
  if (!s) return s;
  if (s->body) s->body = partitionLoops(s->body);
  if (s->orElse) s->orElse = partitionLoops(s->orElse);
  for (Stmt &child : s->stmts) child = partitionLoops(child);
  return s->kind == StmtKind::For ? partitionLoop(s) : s;
}

Status partitionLoopsPass(Func &func) {
  func.body = simplifyStmt(partitionLoops(func.body));
  return absl::OkStatus();
}

} // namespace tessera::loop
