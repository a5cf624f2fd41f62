//===- energy_report_test.cpp - Counters to energy counts, and the report keys --------===//
#include "runtime/energy_report.h"

#include <gtest/gtest.h>

namespace tessera::runtime {
namespace {

using isa::Buffer;

isa::HardwareConfig defaultConfig() {
  auto config = isa::loadConfigFile(std::string(TESSERA_SOURCE_DIR) + "/configs/default.json");
  EXPECT_TRUE(config.ok());
  return *config;
}

sim::Counters sampleCounters() {
  sim::Counters c;
  c.gemmUops = 3;            // one reset, two with MACs
  c.gemmMacs = 2 * 256;
  c.aluUops = 1;
  c.aluLutUops = 1;          // the ALU row is a lut
  c.bytesLoaded[size_t(Buffer::wgt)] = 512;
  c.bytesLoaded[size_t(Buffer::acc8)] = 16;
  c.bytesStored = 16;
  c.instructions[0] = 5;
  return c;
}

TEST(EnergyReport, CountsFollowTheMicroOps) {
  isa::HardwareConfig config = defaultConfig(); // inp entry 16 B, wgt 256 B, acc 64 B, out 16 B
  isa::EnergyCounts counts = energyCountsFrom(sampleCounters(), config, 100);
  EXPECT_EQ(counts.macs, 512u);
  EXPECT_EQ(counts.aluLaneOps, 16u);
  EXPECT_EQ(counts.lutReads, 16u);
  EXPECT_EQ(counts.sramReadBytes[size_t(Buffer::inp)], 2u * 16);
  EXPECT_EQ(counts.sramReadBytes[size_t(Buffer::wgt)], 2u * 256);
  EXPECT_EQ(counts.sramReadBytes[size_t(Buffer::acc)], 3u * 64);     // two GEMM rows + one ALU row
  EXPECT_EQ(counts.sramWriteBytes[size_t(Buffer::acc)], 4u * 64 + 64); // four compute rows + acc8 widened
  EXPECT_EQ(counts.sramWriteBytes[size_t(Buffer::wgt)], 512u);
  EXPECT_EQ(counts.sramWriteBytes[size_t(Buffer::out)], 4u * 16);
  EXPECT_EQ(counts.sramReadBytes[size_t(Buffer::out)], 16u);
  EXPECT_EQ(counts.dramBytesRead, 528u);
  EXPECT_EQ(counts.dramBytesWritten, 16u);
  EXPECT_EQ(counts.fetchBytes, 5u * 16);
  EXPECT_EQ(counts.cycles, 100u);
}

TEST(EnergyReport, AddsEnergyAndAreaFromTheCounters) {
  isa::HardwareConfig config = defaultConfig();
  sim::Counters counters = sampleCounters();
  auto roundTrip = countersFromJson(counters.toJson());
  ASSERT_TRUE(roundTrip.ok()) << roundTrip.status();
  counters.bytesLoaded[size_t(Buffer::out)] = 0; // toJson leaves out the (never loaded) out buffer
  EXPECT_EQ(*roundTrip, counters);
  nlohmann::json report = {{"counters", counters.toJson()}, {"total_cycles", 200}};
  ASSERT_TRUE(addEnergyToReport(report, isa::defaultEnergyTable(), config).ok());
  EXPECT_NEAR(report["energy"]["components_pj"]["mac"].get<double>(), 512 * 0.3, 1e-9);
  EXPECT_NEAR(report["energy"]["components_pj"]["lut"].get<double>(), 16 * 0.05, 1e-9);
  EXPECT_TRUE(report["energy"].contains("avg_power_mw"));
  EXPECT_GT(report["area_mm2"]["total"].get<double>(), 0.0);
  nlohmann::json bad = {{"counters", {{"bytes_loaded", nlohmann::json::object()}, {"instructions", 3}}}};
  Status status = addEnergyToReport(bad, isa::defaultEnergyTable(), config);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("instructions.load"), std::string::npos) << status.message();
  nlohmann::json floatCycles = {{"counters", counters.toJson()}, {"total_cycles", 1e30}};
  status = addEnergyToReport(floatCycles, isa::defaultEnergyTable(), config);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.message(), "the run report's 'total_cycles' must be a non-negative integer");
}

} // namespace
} // namespace tessera::runtime
