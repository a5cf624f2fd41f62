//===- verifier.h - Structural and type checks of the loop IR -----------------------===//
//
// A func is well formed when every variable is bound by an enclosing loop and never
// rebound inside it, every load, store and address names a buffer in scope (a
// parameter or an enclosing alloc) with one index per dimension, operand types agree,
// vectorized and unrolled loops have constant extents, and constant indices are in
// bounds. Errors name the func and the offending statement or expression.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/loop/ir.h"
#include "support/status.h"

namespace tessera::loop {

Status verifyFunc(const Func &func);
Status verifyModule(const Module &module);

} // namespace tessera::loop
