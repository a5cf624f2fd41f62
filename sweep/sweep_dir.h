//===- sweep_dir.h - A sweep's output folder: its plan and its int8 models -------------===//
//
// DIR/plan.json      the expanded spec every worker reads (sweep_plan.h)
// DIR/models/*.tg    each model quantized once (driver::int8GraphForAccel), shared by
//                    every point
// DIR/points/<p>/    one folder per point (point_runner.h)
//
// A second `tessera sweep` into the same DIR continues it when the plan is the same,
// and refuses (naming what differs) when it is not, unless --fresh clears it first.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "sweep/sweep_plan.h"

namespace tessera::sweep {

std::string planPath(const std::string &dir);

/// Creates DIR (clearing its points and models with `fresh`), writes or checks
/// plan.json, and quantizes the models that have no int8 graph yet (progress to `log`).
Status prepareSweepDir(const SweepPlan &plan, const std::string &dir, bool fresh, std::ostream &log);

/// DIR/plan.json.
StatusOr<SweepPlan> loadPlan(const std::string &dir);

/// The points without a result, in plan order.
std::vector<const SweepPoint *> pendingPoints(const SweepPlan &plan, const std::string &dir);

/// The plan's point named `name`; the error names the plan.
StatusOr<const SweepPoint *> findPoint(const SweepPlan &plan, const std::string &name, const std::string &dir);

} // namespace tessera::sweep
