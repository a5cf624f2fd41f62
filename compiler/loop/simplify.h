//===- simplify.h - Constant folding and loop clean-up for the loop IR --------------===//
//
// Folds integer and float constants, applies identities that are exact (x + 0,
// x * 1, x * 0 on integers, x / 1, re-association of constant offsets), removes loops
// of extent 1 (substituting the variable) or of no iterations, resolves conditionals
// with constant predicates and flattens nested sequences. Schedules produce index
// arithmetic such as `%o * 8 + %i` with `%o` pinned to a constant; this pass keeps
// the printed IR and the generated code readable.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/loop/ir.h"
#include "support/status.h"

namespace tessera::loop {

Expr simplifyExpr(const Expr &expr);
/// The value of a predicate made of constants, if it has one.
std::optional<bool> constPredicate(const Expr &expr);
Stmt simplifyStmt(const Stmt &stmt);
/// The `simplify` pass.
Status simplifyPass(Func &func);

} // namespace tessera::loop
