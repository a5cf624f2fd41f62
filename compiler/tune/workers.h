//===- workers.h - Measurements in parallel worker processes --------------------------===//
//
// `tessera tune -j N`: up to N measurements at once, each in a fork()ed worker process
// that measures one mapping (measure.h) and writes its cycles, or its error, back over
// a pipe. Workers share nothing with the parent after the fork, so the parent stays
// single-threaded (SystemC's kernel is per process, and fork() from a threaded process
// is unsafe). With N = 1 the measurements run in this process, one after another.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <vector>

#include "compiler/accel/mapping_space.h"

namespace tessera::tune {

/// One measurement: a layer with a mapping.
struct MeasureJob {
  const accel::AccelLayer *layer;
  accel::Mapping mapping;
};

/// The measured cycles of each job, in order, using up to `workers` worker processes.
std::vector<StatusOr<double>> measureInWorkers(const std::vector<MeasureJob> &jobs, const isa::HardwareConfig &config,
                                               int workers);

} // namespace tessera::tune
