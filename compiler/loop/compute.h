//===- compute.h - Tensor computations described once, as stages ---------------------===//
//
// A stage defines one buffer elementwise over its axes (TVM's compute, Halide's Func):
//
//   out[axes] = epilogue( combine_{reduce axes} body )   (init is the starting value)
//
// `body`, `init` and `epilogue` are loop IR expressions over the axis and reduction
// variables; `epilogue` reads the reduced value as a load of the stage's own output at
// its axes (`%out[%n, %c]`), which is how fused bias/activation/residual epilogues
// are attached. A ComputeFunc is a kernel made of stages: parameters (inputs, then
// outputs), temporaries, and the stages in order. Schedules (schedule.h) decide the
// loops; every back end lowers the same description.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>
#include <vector>

#include "compiler/loop/ir.h"

namespace tessera::loop {

enum class Combiner : uint8_t { None, Sum, Max, Min, Prod };

struct ReduceAxis {
  std::string name;
  int64_t extent = 1;
};

struct Stage {
  /// The buffer this stage defines (a func parameter or temporary).
  Buffer output;
  /// One variable name per output dimension.
  std::vector<std::string> axes;
  std::vector<ReduceAxis> reduceAxes;
  Combiner combiner = Combiner::None;
  /// The reduction's starting value (may use the axes, e.g. a bias); unused without one.
  Expr init;
  /// The value (no reduction) or the term combined at each reduction point.
  Expr body;
  /// Applied before storing; null means the identity.
  Expr epilogue;
  /// What the stage is part of, for schedules that treat it specially ("pad": a
  /// zero-padded copy, "winograd.input", ...); empty for a stage schedules
  /// recognize by its shape alone.
  std::string role;

  /// `%out[axes...]`: the reduced value, as epilogues refer to it.
  Expr accumulated() const;
};

struct ComputeFunc {
  std::string name;
  /// Inputs then outputs.
  std::vector<Buffer> params;
  /// Buffers computed by one stage and read by a later one.
  std::vector<Buffer> temps;
  std::vector<Stage> stages;

  const Buffer *findBuffer(const std::string &name) const;
  Stage *findStage(const std::string &output);
};

/// Combines an accumulated value with a new term.
Expr combine(Combiner combiner, Expr acc, Expr term);
/// The identity of a combiner for floats (0, -inf, +inf).
Expr combinerIdentity(Combiner combiner, DType type);

} // namespace tessera::loop
