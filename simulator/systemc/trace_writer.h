//===- trace_writer.h - Chrome Trace Event JSON of a run ---------------------------===//
//
// Opens in Perfetto (ui.perfetto.dev) and chrome://tracing. One track per unit (fetch,
// load, compute, store), the DRAM data bus, and a "layers" track with one async slice
// per program segment (a layer, named as in the report); a slice per instruction with its fields
// and timing in `args`; a token-wait slice before an instruction that waited; counter
// tracks for the instruction and token queue occupancies. `ts` and `dur` count
// accelerator cycles, not microseconds: the metadata (`otherData.ts_unit`) says so.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "isa/program.h"
#include "simulator/systemc/records.h"

namespace tessera::systemc {

/// The trace as a JSON object {"traceEvents": [...], "otherData": {...}}.
nlohmann::json buildTrace(const isa::Program &program, const isa::HardwareConfig &config,
                          const SimulationOutcome &outcome);

Status writeTrace(const std::string &path, const isa::Program &program, const isa::HardwareConfig &config,
                  const SimulationOutcome &outcome);

} // namespace tessera::systemc
