//===- energy_report.cpp - Energy and area keys of a run report ----------------------===//
#include "runtime/energy_report.h"

#include "isa/layout.h"
#include "support/json_number.h"

namespace tessera::runtime {

using isa::Buffer;

isa::EnergyCounts energyCountsFrom(const sim::Counters &c, const isa::HardwareConfig &config,
                                   std::optional<uint64_t> cycles) {
  isa::EnergyCounts counts;
  auto entry = [&](Buffer buffer) { return uint64_t(config.entryBytes(buffer)); };
  const uint64_t macUops = c.gemmMacs / uint64_t(config.macsPerCycle()); // GEMM iterations that are not resets
  const uint64_t computeUops = c.gemmUops + c.aluUops;
  counts.macs = c.gemmMacs;
  counts.aluLaneOps = c.aluUops * uint64_t(config.batch * config.block_out);
  counts.lutReads = c.aluLutUops * uint64_t(config.batch * config.block_out);
  // Each compute micro-op iteration reads its micro-op; a GEMM reads an inp and a wgt
  // entry and its acc row; an ALU op reads its acc destination row (a register source
  // row is not counted: the counters do not tell it apart). Both write the acc row and
  // its int8 mirror in out.
  counts.sramReadBytes[size_t(Buffer::uop)] = computeUops * uint64_t(isa::isaWidthsFor(config).uopBytes());
  counts.sramReadBytes[size_t(Buffer::inp)] = macUops * entry(Buffer::inp);
  counts.sramReadBytes[size_t(Buffer::wgt)] = macUops * entry(Buffer::wgt);
  counts.sramReadBytes[size_t(Buffer::acc)] = (macUops + c.aluUops) * entry(Buffer::acc);
  counts.sramWriteBytes[size_t(Buffer::acc)] = computeUops * entry(Buffer::acc);
  counts.sramWriteBytes[size_t(Buffer::out)] = computeUops * entry(Buffer::out);
  // Loads write their scratchpad (an acc8 load widens each byte to an int32 lane); stores read out.
  for (int i = 0; i < isa::kBufferCount; ++i) {
    Buffer buffer = Buffer(i);
    uint64_t bytes = c.bytesLoaded[size_t(i)];
    counts.dramBytesRead += bytes;
    if (buffer == Buffer::acc8) counts.sramWriteBytes[size_t(Buffer::acc)] += 4 * bytes;
    else counts.sramWriteBytes[size_t(i)] += bytes;
  }
  counts.sramReadBytes[size_t(Buffer::out)] += c.bytesStored;
  counts.dramBytesWritten = c.bytesStored;
  uint64_t instructions = 0;
  for (uint64_t n : c.instructions) instructions += n;
  counts.fetchBytes = instructions * uint64_t(isa::isaWidthsFor(config).instructionBytes());
  counts.cycles = cycles;
  return counts;
}

namespace {

Status readCount(const nlohmann::json &object, const std::string &key, const std::string &path, uint64_t &out) {
  if (!object.contains(key) || !object.at(key).is_number_unsigned())
    return invalidInput("report counters: '%s' must be a non-negative integer", path);
  out = object.at(key).get<uint64_t>();
  return absl::OkStatus();
}

} // namespace

StatusOr<sim::Counters> countersFromJson(const nlohmann::json &json) {
  sim::Counters c;
  if (!json.is_object() || !json.contains("bytes_loaded") || !json.contains("instructions"))
    return invalidInput("report counters: expected an object with 'bytes_loaded' and 'instructions'");
  for (int i = 0; i < isa::kBufferCount; ++i) {
    std::string name(isa::bufferName(Buffer(i)));
    if (json["bytes_loaded"].contains(name))
      TS_RETURN_IF_ERROR(readCount(json["bytes_loaded"], name, "bytes_loaded." + name, c.bytesLoaded[size_t(i)]));
  }
  for (int i = 0; i < isa::kOpcodeCount; ++i) {
    std::string name(isa::opcodeName(isa::Opcode(i)));
    TS_RETURN_IF_ERROR(readCount(json["instructions"], name, "instructions." + name, c.instructions[size_t(i)]));
  }
  TS_RETURN_IF_ERROR(readCount(json, "bytes_stored", "bytes_stored", c.bytesStored));
  TS_RETURN_IF_ERROR(readCount(json, "gemm_uops", "gemm_uops", c.gemmUops));
  TS_RETURN_IF_ERROR(readCount(json, "gemm_macs", "gemm_macs", c.gemmMacs));
  TS_RETURN_IF_ERROR(readCount(json, "alu_uops", "alu_uops", c.aluUops));
  TS_RETURN_IF_ERROR(readCount(json, "alu_lut_uops", "alu_lut_uops", c.aluLutUops));
  return c;
}

Status addEnergyToReport(nlohmann::json &report, const isa::EnergyTable &table, const isa::HardwareConfig &config) {
  if (!report.contains("counters")) return invalidInput("the run report has no counters");
  TS_ASSIGN_OR_RETURN(sim::Counters counters, countersFromJson(report["counters"]));
  std::optional<uint64_t> cycles;
  if (report.contains("total_cycles")) {
    if (!jsonNumberFits<uint64_t>(report["total_cycles"]))
      return invalidInput("the run report's 'total_cycles' must be a non-negative integer");
    cycles = report["total_cycles"].get<uint64_t>();
  }
  report["energy"] = isa::computeEnergy(table, config, energyCountsFrom(counters, config, cycles));
  report["area_mm2"] = isa::computeArea(table, config);
  return absl::OkStatus();
}

} // namespace tessera::runtime
