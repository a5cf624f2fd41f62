//===- guard_accumulations.cpp - Padding selects on accumulations become branches ----===//
#include "compiler/loop/guard_accumulations.h"

#include "compiler/loop/ir_util.h"

namespace tessera::loop {
namespace {

bool isZero(const Expr &e) { return e->kind == ExprKind::Float && e->floatValue == 0.0; }

/// `select(c, x, 0.0)`, alone or times a factor: the zero-padded term of an
/// accumulation. Returns the select (null when `term` is not one).
Expr paddedSelect(const Expr &term) {
  auto zeroElse = [](const Expr &e) { return e->kind == ExprKind::Select && isZero(e->operands[2]) ? e : nullptr; };
  if (Expr s = zeroElse(term)) return s;
  if (term->kind != ExprKind::Binary || term->op != BinOp::Mul) return nullptr;
  if (Expr s = zeroElse(term->operands[0])) return s;
  return zeroElse(term->operands[1]);
}

Expr conjunction(const std::vector<Expr> &atoms) {
  Expr all = atoms[0];
  for (size_t k = 1; k < atoms.size(); ++k) all = andExpr(all, atoms[k]);
  return all;
}

/// `b[i] = b[i] + select(c, x, 0.0) * w` with the atoms of `c` that do not use
/// `laneVar` moved into an `if` around it; null when there are none.
Stmt guardStore(const Stmt &s, const std::string &laneVar) {
  const Expr &v = s->value;
  if (!v || v->kind != ExprKind::Binary || v->op != BinOp::Add || !isFloat(v->type)) return nullptr;
  const Expr &acc = v->operands[0];
  if (acc->kind != ExprKind::Load || acc->name != s->name || acc->operands.size() != s->indices.size()) return nullptr;
  for (size_t d = 0; d < s->indices.size(); ++d)
    if (!exprEqual(acc->operands[d], s->indices[d])) return nullptr;
  Expr select = paddedSelect(v->operands[1]);
  if (!select) return nullptr;
  std::vector<Expr> uniform, lane;
  for (const Expr &atom : conjuncts(select->operands[0]))
    (laneVar.empty() || !usesVar(atom, laneVar) ? uniform : lane).push_back(atom);
  if (uniform.empty()) return nullptr;
  Expr kept = lane.empty() ? select->operands[1] : loop::select(conjunction(lane), select->operands[1], select->operands[2]);
  Expr term = mapExpr(v->operands[1], [&](const Expr &e) { return e == select ? kept : e; });
  return ifThen(conjunction(uniform), store(s->name, s->indices, acc + term));
}

/// An `if` without else whose condition reads no memory (so moving it across the
/// statements it guards cannot change it).
bool isGuard(const Stmt &s) {
  if (s->kind != StmtKind::If || s->orElse) return false;
  bool reads = false;
  visitExpr(s->cond, [&](const Expr &e) { reads = reads || e->kind == ExprKind::Load; });
  return !reads;
}

/// Adjacent guards on the same condition, merged into one.
Stmt mergeGuards(const Stmt &s) {
  std::vector<Stmt> out;
  for (const Stmt &child : s->stmts) {
    if (!out.empty() && isGuard(out.back()) && isGuard(child) && exprEqual(out.back()->cond, child->cond)) {
      Stmt &last = out.back();
      last = ifThen(last->cond, seq({last->body, child->body}));
      continue;
    }
    out.push_back(child);
  }
  return seq(std::move(out));
}

Stmt rewrite(const Stmt &s, const std::string &laneVar) {
  if (!s) return s;
  switch (s->kind) {
  case StmtKind::Store: {
    Stmt guarded = guardStore(s, laneVar);
    return guarded ? guarded : s;
  }
  case StmtKind::Seq:
    for (Stmt &child : s->stmts) child = rewrite(child, laneVar);
    return mergeGuards(s);
  case StmtKind::For: {
    s->body = rewrite(s->body, s->forKind == ForKind::Vectorized ? s->var : laneVar);
    // A loop that is one guard not using its variable: the guard goes outside.
    Stmt body = s->body->kind == StmtKind::Seq && s->body->stmts.size() == 1 ? s->body->stmts[0] : s->body;
    if (isGuard(body) && !usesVar(body->cond, s->var)) {
      s->body = body->body;
      return ifThen(body->cond, s);
    }
    return s;
  }
  case StmtKind::If:
    s->body = rewrite(s->body, laneVar);
    if (s->orElse) s->orElse = rewrite(s->orElse, laneVar);
    return s;
  case StmtKind::Alloc: s->body = rewrite(s->body, laneVar); return s;
  case StmtKind::Call: return s;
  }
  return s;
}

} // namespace

Stmt guardAccumulations(const Stmt &s) { return rewrite(s, ""); }

Status guardAccumulationsPass(Func &func) {
  func.body = guardAccumulations(func.body);
  return absl::OkStatus();
}

} // namespace tessera::loop
