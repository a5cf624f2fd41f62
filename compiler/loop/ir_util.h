//===- ir_util.h - Generic rewriting helpers over the loop IR ----------------------===//
//
// The visitors every pass and schedule primitive shares: rebuilding an expression
// bottom-up, substituting variables, visiting each expression slot of a statement
// tree, and simple queries (does an expression use a variable?).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <functional>
#include <map>
#include <string>

#include "compiler/loop/ir.h"

namespace tessera::loop {

/// A copy of `e` with its operands replaced.
Expr withOperands(const Expr &e, std::vector<Expr> operands);
/// Rebuilds `e` bottom-up, applying `fn` to every node after its operands.
Expr mapExpr(const Expr &e, const std::function<Expr(const Expr &)> &fn);
/// Replaces variables by expressions.
Expr substitute(const Expr &e, const std::map<std::string, Expr> &values);
/// Applies `fn` to every expression slot of `s` and its descendants, in place.
void mapExprsInStmt(const Stmt &s, const std::function<Expr(const Expr &)> &fn);
/// substitute() over every expression of a statement tree, in place.
void substituteInStmt(const Stmt &s, const std::map<std::string, Expr> &values);
/// Calls `fn` on each statement, parents before children.
void visitStmts(const Stmt &s, const std::function<void(const Stmt &)> &fn);
/// True when `e` mentions variable `name`.
bool usesVar(const Expr &e, const std::string &name);
/// The atoms of a conjunction `a && b && ...` (just `e` when it is not one).
std::vector<Expr> conjuncts(const Expr &e);
/// Visits every expression node of `e` (pre-order).
void visitExpr(const Expr &e, const std::function<void(const Expr &)> &fn);

} // namespace tessera::loop
