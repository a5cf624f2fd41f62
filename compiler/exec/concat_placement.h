//===- concat_placement.h - Concats whose inputs are written in place --------------===//
//
// A Concat along an axis with only unit axes before it lays its inputs out one after
// another, so the kernels that compute them can write straight into its output and the
// Concat costs nothing. Concats that share their leading inputs -- a dense block's
// Concat(x0, f1), Concat(x0, f1, f2), ..., Concat(x0, f1, ..., fk) -- share one buffer:
// the longest one's output holds every input once, and each shorter Concat is the
// prefix of it that its own inputs fill (contiguous too, by the unit leading axes).
// Without this, every layer of a dense block copies all the block's earlier feature
// maps.
//
// Placement applies where it cannot be observed: every input is the single result of a
// kernel step, not a graph output and placed nowhere else, and every placed value (the
// inputs, the prefix Concats' outputs) is read by kernel steps only (the executor finds
// placed values only as kernel arguments; their buffer lives until the last of them is
// read).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "compiler/exec/execution_plan.h"

namespace tessera::exec {

/// Where a value's bytes live: at `offset` bytes into the buffer of value `owner`.
struct Placement {
  std::string owner;
  size_t offset = 0;
};

struct ConcatPlacement {
  /// Concat inputs and prefix Concat outputs -> their place in another value's buffer
  /// (which may itself be placed: follow with `resolve`).
  std::unordered_map<std::string, Placement> placed;
  /// Per plan step: a Concat that needs no work (its bytes are already in place).
  std::vector<bool> skipped;

  /// The value that owns `name`'s bytes and the offset in it (`name` itself, offset 0,
  /// when it is not placed).
  Placement resolve(const std::string &name) const;
  int skippedCount() const;
};

ConcatPlacement placeConcats(const graph::Graph &graph, const ExecutionPlan &plan);

} // namespace tessera::exec
