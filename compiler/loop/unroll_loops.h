//===- unroll_loops.h - Expand `unrolled` loops -------------------------------------===//
//
// Replaces every loop of kind `unrolled` (constant bounds, checked by the verifier)
// by one copy of its body per iteration with the variable substituted, then folds
// the resulting constants. Register blocking relies on it: an accumulator tile
// indexed by unrolled variables ends up with constant indices, which LLVM promotes to
// registers.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/loop/ir.h"
#include "support/status.h"

namespace tessera::loop {

Stmt unrollLoops(const Stmt &stmt);
/// The `unroll-loops` pass.
Status unrollLoopsPass(Func &func);

} // namespace tessera::loop
