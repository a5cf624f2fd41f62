//===- partition_loops.h - Split loops where their guards start to fail -------------===//
//
// Schedules that split an axis by a factor that does not divide it leave a guard
// (`if %po * 16 + %pv < 169`) around every access of the tile; in vector code that
// guard costs a mask and masked accesses on every tile, though only the last one
// needs it. This pass (TVM's loop partitioning, Halide's boundary splitting) splits
// a serial loop with constant bounds into the iterations where every such guard
// provably holds -- guards of the form `affine < affine` in which the loop's
// coefficient is positive and the other variables are loops inside it -- and the
// rest, and drops the proven guards from the first part.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/loop/ir.h"
#include "runtime/support/status.h"

namespace tessera::loop {

Stmt partitionLoops(const Stmt &stmt);
/// The `partition-loops` pass.
Status partitionLoopsPass(Func &func);

} // namespace tessera::loop
