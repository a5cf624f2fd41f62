//===- in_model_tuning.h - Kernels' schedules timed inside the whole model -----------===//
//
// Per-layer tuning within the model. A kernel timed alone (kernel_timer.h) runs on
// warm buffers with nothing around it; inside the model its input was just written
// by the kernel before (on whichever core wrote each part), its output lines were
// last touched a whole inference ago, and two schedules within a few percent alone
// can be 20% apart there (docs/performance.md "Tuning inside the model").
//
// tuneInModel first tunes every kernel alone (PlanOptions::tune), which ranks each
// kernel's distinct schedules (PlanOptions::tuneRanking). It then JIT-compiles the
// model once per rank r -- every kernel on its r-th schedule, or its last when it has
// fewer -- runs the compiled models in turn on seeded random inputs with per-step
// timing, on each of the tuning thread counts, and keeps for each kernel the schedule
// of least geometric mean (over the thread counts) of its median step time relative
// to its first schedule's (the one kept alone), when below 1 - margin. Every kernel
// is timed in each round at once: a round's neighbours are other kernels' r-th
// schedules, which is the price of N compiled models instead of one per schedule.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <ostream>

#include "compiler/exec/execution_plan.h"
#include "compiler/graph/graph.h"
#include "support/status.h"

namespace tessera::exec {

struct InModelTuneOptions {
  /// Schedules per kernel timed in the model: the first this many of its ranking
  /// (one compiled model each). Below 2 nothing is timed in the model.
  int candidates = 3;
  /// Timed runs of each compiled model on each thread count (after two warm-ups).
  int runs = 15;
  /// A schedule replaces the one kept alone only when its relative time is below
  /// 1 - margin.
  double margin = 0.03;
};

/// Tunes the kernels of `graph` alone and then inside the model (above), with
/// `options`' schedule, thread counts and log; the result picks each kernel's schedule
/// by kernel name in a later planGraph of the same graph and options
/// (PlanOptions::chooseSchedule). Kernels with one distinct schedule, and kernels no
/// round changed, keep what tuning alone chose.
StatusOr<ScheduleChooser> tuneInModel(const graph::Graph &graph, PlanOptions options,
                                      const InModelTuneOptions &inModel = {});

} // namespace tessera::exec
