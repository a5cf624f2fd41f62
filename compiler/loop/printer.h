//===- printer.h - The loop IR's text form (writing) -------------------------------===//
//
//   func @relu(%x: f32[4, 8] global, %y: f32[4, 8] global) {
//     parallel for %i from 0 extent 4 {
//       vectorized for %j from 0 extent 8 {
//         %y[%i, %j] = max(%x[%i, %j], 0.0)
//       }
//     }
//   }
//
// The grammar is in docs/loop-ir.md; parseModule reads back what this writes.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>

#include "compiler/loop/ir.h"

namespace tessera::loop {

std::string printExpr(const Expr &expr);
std::string printStmt(const Stmt &stmt, int indent = 0);
std::string printBuffer(const Buffer &buffer);
std::string printFunc(const Func &func);
std::string printModule(const Module &module);

} // namespace tessera::loop
