//===- energy_model.cpp - Energy and area from action counts -------------------------===//
#include "isa/energy_model.h"

#include "isa/layout.h"

namespace tessera::isa {
namespace {

constexpr Buffer kScratchpads[] = {Buffer::uop, Buffer::inp, Buffer::wgt, Buffer::acc, Buffer::out};

/// Static power in mW: SRAM leakage per KB, the MAC array and the ALU lanes.
double staticPowerMw(const EnergyTable &table, const HardwareConfig &config) {
  double kb = 0;
  for (Buffer buffer : kScratchpads) kb += double(scratchpadBytes(config, buffer)) / 1024.0;
  return kb * table.staticSramMwPerKb + double(config.macsPerCycle()) * table.staticMacMw +
         double(config.batch * config.block_out) * table.staticAluLaneMw;
}

/// Bytes of the instruction and token queues: the instruction queue's words and one
/// byte per token-queue slot (four token queues between load, compute and store).
double queueBytes(const HardwareConfig &config) {
  return double(config.instruction_queue_depth * isaWidthsFor(config).instructionBytes()) +
         4.0 * double(config.token_queue_depth);
}

} // namespace

int64_t scratchpadBytes(const HardwareConfig &config, Buffer buffer) {
  switch (buffer) {
  case Buffer::uop: return config.uop_buffer_bytes;
  case Buffer::inp: return config.input_buffer_bytes;
  case Buffer::wgt: return config.weight_buffer_bytes;
  case Buffer::acc:
  case Buffer::acc8: return config.acc_buffer_bytes;
  case Buffer::out: return config.output_buffer_bytes;
  }
  return 0;
}

nlohmann::json computeEnergy(const EnergyTable &table, const HardwareConfig &config, const EnergyCounts &counts) {
  nlohmann::json components = nlohmann::json::object();
  components["mac"] = double(counts.macs) * table.macInt8Pj;
  components["alu"] = double(counts.aluLaneOps) * table.aluLaneOpPj;
  components["lut"] = double(counts.lutReads) * table.lutReadPj;
  double scratchpad = 0;
  for (Buffer buffer : kScratchpads) {
    double size = double(scratchpadBytes(config, buffer));
    double pj = table.sramReadPj(size, 8.0 * double(counts.sramReadBytes[size_t(buffer)])) +
                table.sramWritePj(size, 8.0 * double(counts.sramWriteBytes[size_t(buffer)]));
    components[std::string(bufferName(buffer))] = pj;
    scratchpad += pj;
  }
  components["dram"] = 8.0 * double(counts.dramBytesRead + counts.dramBytesWritten) * table.dramPjPerBit;
  components["fetch"] = double(counts.fetchBytes) * (8.0 * table.dramPjPerBit + table.queuePjPerByte);
  std::optional<double> timeUs;
  if (counts.cycles) {
    timeUs = double(*counts.cycles) / double(config.clock_mhz);
    components["static"] = staticPowerMw(table, config) * *timeUs * 1e3; // mW * us = nJ
  }
  double total = 0;
  for (const auto &item : components.items()) total += item.value().get<double>();
  nlohmann::json energy = {{"table", table.name},
                           {"components_pj", components},
                           {"scratchpad_pj", scratchpad},
                           {"total_pj", total},
                           {"total_uj", total * 1e-6},
                           {"pj_per_mac", counts.macs ? total / double(counts.macs) : 0.0}};
  if (timeUs && *timeUs > 0) energy["avg_power_mw"] = total / *timeUs * 1e-3; // pJ/us = uW
  return energy;
}

nlohmann::json computeArea(const EnergyTable &table, const HardwareConfig &config) {
  nlohmann::json components = nlohmann::json::object();
  for (Buffer buffer : kScratchpads)
    components[std::string(bufferName(buffer))] = table.sramAreaMm2(double(scratchpadBytes(config, buffer)));
  components["mac_array"] = double(config.macsPerCycle()) * table.areaMacMm2;
  components["alu"] = double(config.batch * config.block_out) * table.areaAluLaneMm2;
  components["queues"] = queueBytes(config) * table.areaQueueMm2PerByte;
  double total = 0;
  for (const auto &item : components.items()) total += item.value().get<double>();
  return {{"total", total}, {"components", components}, {"table", table.name}};
}

} // namespace tessera::isa
