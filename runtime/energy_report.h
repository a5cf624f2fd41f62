//===- energy_report.h - The `energy` and `area_mm2` keys of a run report ------------===//
//
// Turns a run's work counters into the action counts of isa::computeEnergy (which
// scratchpad bytes each GEMM/ALU micro-op, load and store moves) and adds the energy
// and the config's area to the report. docs/energy.md, docs/reports.md.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <optional>

#include <nlohmann/json.hpp>

#include "isa/energy_model.h"
#include "simulator/golden/counters.h"

namespace tessera::runtime {

/// The action counts of a run with `counters` on `config`; `cycles` when the backend has them.
isa::EnergyCounts energyCountsFrom(const sim::Counters &counters, const isa::HardwareConfig &config,
                                   std::optional<uint64_t> cycles);

/// Reads back the "counters" object of a run report (Counters::toJson); errors name the key.
StatusOr<sim::Counters> countersFromJson(const nlohmann::json &json);

/// Adds "energy" (from the report's counters and total_cycles) and "area_mm2" to `report`.
Status addEnergyToReport(nlohmann::json &report, const isa::EnergyTable &table, const isa::HardwareConfig &config);

} // namespace tessera::runtime
