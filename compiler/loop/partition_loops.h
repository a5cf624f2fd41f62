//===- partition_loops.h - Split loops where their guards start to fail -------------===//
//
// Schedules that split an axis by a factor that does not divide it leave a guard
// (`if %po * 16 + %pv < 169`) around every access of the tile, and inline padding
// leaves a bounds select (`select(%wo * 16 + %wi + %kw - 1 >= 0, x[...], 0.0)`) on
// every input load; in vector code each costs a mask and masked accesses on every
// tile, though only the first or last tile needs it. This pass (TVM's loop
// partitioning, Halide's boundary splitting) splits a serial loop with constant
// bounds into up to three parts: the iterations before every such guard provably
// holds, those where it does, and those after. Guards are the conjuncts of `if` and
// `select` conditions that compare affine forms (<, <=, >, >=) of the loop's
// variable and of loops inside it; the proven ones are dropped from the middle part.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/loop/ir.h"
#include "support/status.h"

namespace tessera::loop {

Stmt partitionLoops(const Stmt &stmt);
/// The `partition-loops` pass.
Status partitionLoopsPass(Func &func);

} // namespace tessera::loop
