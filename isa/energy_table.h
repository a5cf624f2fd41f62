//===- energy_table.h - Per-action energies, static power and areas -----------------===//
//
// The energy/area table (configs/energy/*.json, docs/energy.md): what one int8 MAC, one
// ALU lane op, one lookup-table read, one 64-bit scratchpad read at a given buffer size, one DRAM bit and one
// instruction-queue byte cost, static power per component, and areas. The default table
// (configs/energy/default-45nm.json) is compiled into the library, so it needs no file
// at run time.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/status.h"

namespace tessera::isa {

/// One point of the SRAM curve: a buffer of `kb` KiB.
struct SramPoint {
  double kb = 0;
  double readPjPer64Bit = 0; ///< energy of one 64-bit read
  double areaMm2PerKb = 0;
};

struct EnergyTable {
  std::string name;
  double macInt8Pj = 0;        ///< int8 multiply + int32 accumulate add
  double aluLaneOpPj = 0;      ///< one 32-bit ALU lane operation
  double lutReadPj = 0;        ///< one lane's read of the ALU's 256-entry int8 lookup table
  double sramWriteOverRead = 1; ///< write energy / read energy
  double dramPjPerBit = 0;
  double queuePjPerByte = 0;   ///< one byte written into and read out of an instruction queue
  std::vector<SramPoint> sram; ///< ascending kb
  double staticSramMwPerKb = 0, staticMacMw = 0, staticAluLaneMw = 0;
  double areaMacMm2 = 0, areaAluLaneMm2 = 0, areaQueueMm2PerByte = 0;

  /// pJ of reading `bits` bits from a buffer of `bufferBytes`: the 64-bit read energy
  /// interpolated linearly in log2(size) between the SRAM points (clamped at the ends),
  /// scaled by bits / 64.
  double sramReadPj(double bufferBytes, double bits) const;
  double sramWritePj(double bufferBytes, double bits) const { return sramWriteOverRead * sramReadPj(bufferBytes, bits); }
  /// mm² of a buffer of `bufferBytes` (area per KB interpolated the same way).
  double sramAreaMm2(double bufferBytes) const;
};

/// Parses and validates a table; errors name `source` and the key.
StatusOr<EnergyTable> parseEnergyTable(const nlohmann::json &json, const std::string &source);
/// Reads a table file; errors name the path (and the key).
StatusOr<EnergyTable> loadEnergyTableFile(const std::string &path);
/// The shipped configs/energy/default-45nm.json, compiled in.
const EnergyTable &defaultEnergyTable();

} // namespace tessera::isa
