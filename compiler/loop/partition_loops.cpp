//===- partition_loops.cpp - Split loops where their guards start to fail ------------===//
#include "compiler/loop/partition_loops.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <map>
#include <optional>

#include "compiler/loop/affine.h"
#include "compiler/loop/ir_util.h"
#include "compiler/loop/simplify.h"

namespace tessera::loop {
namespace {

constexpr int64_t kNoBound = std::numeric_limits<int64_t>::max();

/// The values of a loop variable for which a guard atom holds: [first, last].
using Holding = VarBound;

using Ranges = std::map<std::string, int64_t>;

/// The values of `var` for which `atom` holds in every iteration of the loops `inner`
/// (variable -> extent, all from 0); nullopt unless the atom compares affine forms
/// in which `var` appears and only inner loops besides.
std::optional<Holding> holdingRange(const Expr &atom, const std::string &var, const Ranges &inner) {
  std::optional<Affine> d = comparisonAsNegative(atom);
  if (!d) return std::nullopt;
  auto it = d->coeffs.find(var);
  if (it == d->coeffs.end() || it->second == 0) return std::nullopt;
  int64_t a = it->second;
  d->coeffs.erase(it);
  AffineRange range = affineRange(*d, inner);
  if (!range.hi.isConstant()) return std::nullopt;
  return solveNegative(a, range.hi.constant);  // a * v + rest < 0 for every rest <= hi
}

/// Rewrites each guard -- an `if` condition or a `select` condition -- in `s` with
/// `fn(cond, inner)`, `inner` holding the loops (from 0, constant extents) between
/// `s` and the guard.
using GuardFn = std::function<Expr(const Expr &, const Ranges &)>;

Expr rewriteSelects(const Expr &e, const Ranges &inner, const GuardFn &fn) {
  return mapExpr(e, [&](const Expr &node) {
    if (node->kind != ExprKind::Select) return node;
    Expr cond = fn(node->operands[0], inner);
    return cond == node->operands[0] ? node : withOperands(node, {cond, node->operands[1], node->operands[2]});
  });
}

void rewriteGuards(const Stmt &s, Ranges &inner, const GuardFn &fn) {
  if (!s) return;
  bool ranged = false;
  if (s->kind == StmtKind::For) {
    auto min = asConstInt(s->min), extent = asConstInt(s->extent);
    ranged = min && *min == 0 && extent;
    if (ranged) inner[s->var] = *extent;
  }
  auto apply = [&](Expr &slot) {
    if (slot) slot = rewriteSelects(slot, inner, fn);
  };
  apply(s->value);
  apply(s->cond);
  for (Expr &e : s->indices) apply(e);
  for (Expr &e : s->args) apply(e);
  if (s->kind == StmtKind::If) s->cond = fn(s->cond, inner);
  rewriteGuards(s->body, inner, fn);
  rewriteGuards(s->orElse, inner, fn);
  for (const Stmt &child : s->stmts) rewriteGuards(child, inner, fn);
  if (ranged) inner.erase(s->var);
}

/// The values of `var` for which every guard atom in `body` that can be bounded holds.
Holding allHolding(const Stmt &body, const std::string &var) {
  Ranges inner;
  Holding all{-kNoBound, kNoBound};
  rewriteGuards(body, inner, [&](const Expr &cond, const Ranges &ranges) {
    for (const Expr &atom : conjuncts(cond))
      if (auto holds = holdingRange(atom, var, ranges)) {
        all.first = std::max(all.first, holds->first);
        all.last = std::min(all.last, holds->last);
      }
    return cond;
  });
  return all;
}

/// `body` with the guard atoms that hold for every `var` in [first, last] removed.
void dropProvenGuards(const Stmt &body, const std::string &var, int64_t first, int64_t last) {
  Ranges inner;
  rewriteGuards(body, inner, [&](const Expr &cond, const Ranges &ranges) {
    std::vector<Expr> atoms = conjuncts(cond), kept;
    for (const Expr &atom : atoms) {
      auto holds = holdingRange(atom, var, ranges);
      if (!holds || holds->first > first || holds->last < last) kept.push_back(atom);
    }
    if (kept.size() == atoms.size()) return cond;
    Expr result = kept.empty() ? ltExpr(intImm(0), intImm(1)) : kept[0];
    for (size_t k = 1; k < kept.size(); ++k) result = andExpr(result, kept[k]);
    return result;
  });
}

/// A serial loop split into the iterations before every guard inside provably holds,
/// those where it does (the proven guards dropped), and those after.
Stmt partitionLoop(const Stmt &loop) {
  auto min = asConstInt(loop->min), extent = asConstInt(loop->extent);
  // Parallel loops split too: each part stays parallel (a part of one iteration
  // becomes plain code).
  bool splittable = loop->forKind == ForKind::Serial || loop->forKind == ForKind::Parallel;
  if (!splittable || !min || !extent || *extent < 2) return loop;
  int64_t end = *min + *extent;  // exclusive
  Holding all = allHolding(loop->body, loop->var);
  int64_t first = std::max(all.first, *min), last = std::min(all.last, end - 1);
  if (first > last || (first == *min && last == end - 1)) return loop;
  auto part = [&](int64_t from, int64_t to, Stmt body) {  // [from, to)
    return forLoop(loop->var, intImm(from), intImm(to - from), loop->forKind, std::move(body));
  };
  std::vector<Stmt> parts;
  if (first > *min) parts.push_back(part(*min, first, loop->body->clone()));
  Stmt after = last + 1 < end ? part(last + 1, end, loop->body->clone()) : nullptr;
  Stmt middle = part(first, last + 1, loop->body);
  dropProvenGuards(middle->body, loop->var, first, last);
  middle->body = simplifyStmt(middle->body);
  parts.push_back(middle);
  if (after) parts.push_back(after);
  return seq(std::move(parts));
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
  func.body = partitionLoops(func.body);
  return simplifyPass(func);  // range-aware: drops the clamps the middle parts no longer need
}

} // namespace tessera::loop
