//===- unroll_loops.cpp - Expand `unrolled` loops ----------------------------------------===//
#include "compiler/loop/unroll_loops.h"

#include "compiler/loop/ir_util.h"
#include "compiler/loop/simplify.h"

namespace tessera::loop {
namespace {

Stmt expand(const Stmt &loop) {
  int64_t min = *asConstInt(simplifyExpr(loop->min));
  int64_t extent = *asConstInt(simplifyExpr(loop->extent));
  std::vector<Stmt> copies;
  for (int64_t i = 0; i < extent; ++i) {
    Stmt copy = loop->body->clone();
    substituteInStmt(copy, {{loop->var, intImm(min + i)}});
    copies.push_back(simplifyStmt(copy));
  }
  return seq(std::move(copies));
}

bool isExpandable(const Stmt &s) {
  return s->forKind == ForKind::Unrolled && asConstInt(simplifyExpr(s->min)) && asConstInt(simplifyExpr(s->extent));
}

} // namespace

Stmt unrollLoops(const Stmt &s) {
  if (!s) return s;
  if (s->body) s->body = unrollLoops(s->body);
  if (s->orElse) s->orElse = unrollLoops(s->orElse);
  for (Stmt &child : s->stmts) child = unrollLoops(child);
  if (s->kind == StmtKind::For && isExpandable(s)) return expand(s);
  return s;
}

Status unrollLoopsPass(Func &func) {
  func.body = unrollLoops(func.body);
  // With the remaining loops' ranges: indices of split-of-split tiles fold.
  return simplifyPass(func);
}

} // namespace tessera::loop
