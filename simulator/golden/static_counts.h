//===- static_counts.h - A program's work counters without running it ----------------===//
//
// The ISA has no data-dependent control flow: every instruction of the stream runs
// once, a GEMM or ALU instruction runs iter_out x iter_in x (uop_end - uop_bgn)
// micro-op iterations, and a LOAD/STORE moves y_size x x_size entries. So the counters
// a run would report (counters.h) follow from the instructions alone; the `estimate`
// backend of a sweep prices energy with them without simulating. A test checks they
// equal the functional executor's counters.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "isa/config.h"
#include "isa/program.h"
#include "simulator/golden/counters.h"

namespace tessera::sim {

/// The counters running `program` on `config` reports.
Counters staticCounters(const isa::Program &program, const isa::HardwareConfig &config);

} // namespace tessera::sim
