//===- local_executor.h - A sweep's points in a pool of worker processes --------------===//
//
// `tessera sweep spec.json -o DIR -j N` starts N worker processes (`tessera sweep
// --worker DIR --stdin`, their output in DIR/workers/worker-K.log) and hands each the
// next pending point's name on its stdin; a worker answers "done NAME" on its stdout.
// A worker keeps each model's int8 graph between points. A worker that crashes or is
// killed takes no other point with it: its point is recorded with the exit status as
// its error, a new worker takes its place and the sweep goes on. SIGINT or SIGTERM
// stops the workers too; finished points keep their results for the rerun.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "sweep/sweep_plan.h"

namespace tessera::sweep {

struct LocalOptions {
  int jobs = 1;
  std::string tesseraPath; ///< the tessera executable the workers run
  bool terminal = false;   ///< one updating progress line instead of a line per point
};

/// Runs `pending` points of `plan` in worker processes; progress goes to `log`.
Status runLocal(const SweepPlan &plan, const std::vector<const SweepPoint *> &pending, const std::string &dir,
                const LocalOptions &options, std::ostream &log);

} // namespace tessera::sweep
