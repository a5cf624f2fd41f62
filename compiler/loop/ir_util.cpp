//===- ir_util.cpp - Generic rewriting helpers over the loop IR -----------------------===//
#include "compiler/loop/ir_util.h"

namespace tessera::loop {

Expr withOperands(const Expr &e, std::vector<Expr> operands) {
  bool same = operands.size() == e->operands.size();
  for (size_t i = 0; same && i < operands.size(); ++i) same = operands[i] == e->operands[i];
  if (same) return e;
  auto copy = std::make_shared<ExprNode>(*e);
  copy->operands = std::move(operands);
  if (copy->kind == ExprKind::Binary && !isPredicate(copy->op)) copy->type = copy->operands[0]->type;
  if (copy->kind == ExprKind::Math) copy->type = copy->operands[0]->type;
  if (copy->kind == ExprKind::Select) copy->type = copy->operands[1]->type;
  return copy;
}

Expr mapExpr(const Expr &e, const std::function<Expr(const Expr &)> &fn) {
  if (!e) return e;
  std::vector<Expr> operands;
  operands.reserve(e->operands.size());
  for (const Expr &operand : e->operands) operands.push_back(mapExpr(operand, fn));
  return fn(withOperands(e, std::move(operands)));
}

Expr substitute(const Expr &e, const std::map<std::string, Expr> &values) {
  return mapExpr(e, [&](const Expr &node) {
    if (node->kind != ExprKind::Var) return node;
    auto it = values.find(node->name);
    return it == values.end() ? node : it->second;
  });
}

void mapExprsInStmt(const Stmt &s, const std::function<Expr(const Expr &)> &fn) {
  visitStmts(s, [&](const Stmt &node) {
    auto apply = [&](Expr &slot) {
      if (slot) slot = fn(slot);
    };
    apply(node->min);
    apply(node->extent);
    apply(node->value);
    apply(node->cond);
    for (Expr &e : node->indices) apply(e);
    for (Expr &e : node->args) apply(e);
  });
}

void substituteInStmt(const Stmt &s, const std::map<std::string, Expr> &values) {
  mapExprsInStmt(s, [&](const Expr &e) { return substitute(e, values); });
}

void visitStmts(const Stmt &s, const std::function<void(const Stmt &)> &fn) {
  if (!s) return;
  fn(s);
  visitStmts(s->body, fn);
  visitStmts(s->orElse, fn);
  for (const Stmt &child : s->stmts) visitStmts(child, fn);
}

void visitExpr(const Expr &e, const std::function<void(const Expr &)> &fn) {
  if (!e) return;
  fn(e);
  for (const Expr &operand : e->operands) visitExpr(operand, fn);
}

std::vector<Expr> conjuncts(const Expr &e) {
  if (e->kind != ExprKind::Binary || e->op != BinOp::And) return {e};
  std::vector<Expr> atoms = conjuncts(e->operands[0]), right = conjuncts(e->operands[1]);
  atoms.insert(atoms.end(), right.begin(), right.end());
  return atoms;
}

bool usesVar(const Expr &e, const std::string &name) {
  bool found = false;
  visitExpr(e, [&](const Expr &node) { found |= node->kind == ExprKind::Var && node->name == name; });
  return found;
}

} // namespace tessera::loop
