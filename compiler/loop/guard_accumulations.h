//===- guard_accumulations.h - Padding selects on accumulations become branches ------===//
//
// Inline zero padding leaves `acc[i] = acc[i] + select(row_ok && col_ok, x[...], 0.0)
// * w` in a depthwise conv's tile. Where part of the condition is the same in every
// lane of the enclosing vector loop (the row is inside the image), the vector code
// pays for it on every load: a mask built from a scalar and a masked load. This pass
// moves those lane-invariant atoms into an `if` around the accumulation (adding
// 0 * w is adding nothing; skipping the padded taps is how the reference sums), then
// merges adjacent `if`s on the same condition and hoists an `if` out of a loop
// whose whole body it is and whose variable it does not use: `for %kh { if row_ok {
// for %kw { ... } } }` -- one scalar branch per row of taps.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/loop/ir.h"
#include "support/status.h"

namespace tessera::loop {

Stmt guardAccumulations(const Stmt &stmt);
/// The `guard-accumulations` pass.
Status guardAccumulationsPass(Func &func);

} // namespace tessera::loop
