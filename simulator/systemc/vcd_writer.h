//===- vcd_writer.h - Value change dump of queue occupancies and unit activity ------===//
//
// A VCD (IEEE 1364) with one time unit per cycle: the instruction queue occupancies,
// the token counts and one `active` bit per unit (timeline.h). Written from the records
// after the run, so asking for a waveform does not slow the simulation.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>

#include "isa/program.h"
#include "simulator/systemc/records.h"

namespace tessera::systemc {

std::string buildVcd(const isa::Program &program, const isa::HardwareConfig &config, const SimulationOutcome &outcome);

Status writeVcd(const std::string &path, const isa::Program &program, const isa::HardwareConfig &config,
                const SimulationOutcome &outcome);

} // namespace tessera::systemc
