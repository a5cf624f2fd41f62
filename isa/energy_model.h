//===- energy_model.h - Energy and area of a run from action counts ------------------===//
//
// One function turns action counts (MACs, ALU lane ops, scratchpad bytes read/written,
// DRAM bytes, instruction bytes fetched, cycles) into per-component energy with an
// energy table; any source of counts (a simulator's counters, a cost model's estimate)
// uses it. A second gives the config's area per component. docs/energy.md.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include <nlohmann/json.hpp>

#include "isa/config.h"
#include "isa/energy_table.h"
#include "isa/isa.h"

namespace tessera::isa {

struct EnergyCounts {
  uint64_t macs = 0;
  uint64_t aluLaneOps = 0;
  uint64_t lutReads = 0;         ///< lookup-table reads, one per lane of a lut row
  std::array<uint64_t, kBufferCount> sramReadBytes{};  ///< per scratchpad (acc8 unused)
  std::array<uint64_t, kBufferCount> sramWriteBytes{};
  uint64_t dramBytesRead = 0;    ///< data loads, without instruction fetch
  uint64_t dramBytesWritten = 0;
  uint64_t fetchBytes = 0;       ///< instruction bytes read from DRAM into the queues
  std::optional<uint64_t> cycles; ///< absent: no static energy, no average power
};

/// {"components_pj": {"mac","alu","lut","uop","inp","wgt","acc","out","dram","fetch","static"},
///  "scratchpad_pj", "total_pj", "total_uj", "pj_per_mac", "avg_power_mw" (with cycles),
///  "table"}. "static" and "avg_power_mw" only when counts.cycles is set.
nlohmann::json computeEnergy(const EnergyTable &table, const HardwareConfig &config, const EnergyCounts &counts);

/// {"total": mm², "components": {"uop","inp","wgt","acc","out","mac_array","alu","queues"}}.
nlohmann::json computeArea(const EnergyTable &table, const HardwareConfig &config);

/// Bytes of the scratchpad `buffer` in `config` (acc8 shares acc).
int64_t scratchpadBytes(const HardwareConfig &config, Buffer buffer);

} // namespace tessera::isa
