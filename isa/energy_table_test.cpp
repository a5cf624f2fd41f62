//===- energy_table_test.cpp - Energy table loading and the energy/area model ----------===//
#include "isa/energy_table.h"

#include "isa/energy_model.h"
#include "isa/test_util.h"

namespace tessera::isa {
namespace {

using testing::loadTestConfig;

/// A table with round numbers, so the expected energies are easy to compute by hand.
nlohmann::json smallTable() {
  return nlohmann::json::parse(R"({
    "name": "hand",
    "energy_pj": {"mac_int8": 1, "alu_lane_op": 2, "lut_read": 3, "sram_write_over_read": 2, "dram_per_bit": 0.5, "queue_per_byte": 1},
    "sram": [{"kb": 1, "read_pj_per_64bit": 64, "area_mm2_per_kb": 0.01},
             {"kb": 4, "read_pj_per_64bit": 128, "area_mm2_per_kb": 0.02}],
    "static_mw": {"sram_per_kb": 0, "mac": 0.001, "alu_lane": 0},
    "area_mm2": {"mac": 0.001, "alu_lane": 0.002, "queue_per_byte": 0}
  })");
}

TEST(EnergyTable, ShippedTableLoads) {
  auto table = loadEnergyTableFile(std::string(TESSERA_SOURCE_DIR) + "/configs/energy/default-45nm.json");
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_DOUBLE_EQ(table->macInt8Pj, 0.3);
  EXPECT_DOUBLE_EQ(table->sramReadPj(32 * 1024, 64), 20.0);
  EXPECT_EQ(defaultEnergyTable().name, "default-45nm");
  EXPECT_DOUBLE_EQ(defaultEnergyTable().dramPjPerBit, table->dramPjPerBit);
}

TEST(EnergyTable, InterpolatesInLogSizeAndClamps) {
  auto table = parseEnergyTable(smallTable(), "t.json");
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_DOUBLE_EQ(table->sramReadPj(2048, 64), 96.0);   // halfway between 1 KB and 4 KB in log2
  EXPECT_DOUBLE_EQ(table->sramReadPj(512, 32), 32.0);    // below the first point: clamped, half width
  EXPECT_DOUBLE_EQ(table->sramWritePj(1 << 20, 64), 256.0);
  EXPECT_DOUBLE_EQ(table->sramAreaMm2(4096), 0.08);
}

TEST(EnergyTable, MissingKeyNamesFileAndKey) {
  nlohmann::json json = smallTable();
  json["energy_pj"].erase("dram_per_bit");
  EXPECT_ERROR_CONTAINS(parseEnergyTable(json, "t.json"), "t.json: missing energy table key 'energy_pj.dram_per_bit'");
  json = smallTable();
  json.erase("static_mw");
  EXPECT_ERROR_CONTAINS(parseEnergyTable(json, "t.json"), "missing energy table object 'static_mw'");
}

TEST(EnergyTable, NegativeValueIsRejected) {
  nlohmann::json json = smallTable();
  json["sram"][1]["read_pj_per_64bit"] = -3;
  EXPECT_ERROR_CONTAINS(parseEnergyTable(json, "t.json"),
                        "t.json: energy table key 'sram[1].read_pj_per_64bit' must be a non-negative number, got -3");
  json = smallTable();
  json["sram"][1]["kb"] = 1;
  EXPECT_ERROR_CONTAINS(parseEnergyTable(json, "t.json"), "'sram[1].kb' must be positive and larger");
}

TEST(EnergyTable, BadFileNamesThePath) {
  EXPECT_ERROR_CONTAINS(loadEnergyTableFile("/nonexistent/e.json"), "/nonexistent/e.json");
  EXPECT_ERROR_CONTAINS(loadEnergyTableFile(std::string(TESSERA_SOURCE_DIR) + "/README.md"), "README.md: not valid JSON");
}

TEST(EnergyModel, HandComputedCounts) {
  auto table = parseEnergyTable(smallTable(), "t.json");
  ASSERT_TRUE(table.ok()) << table.status();
  HardwareConfig config = loadTestConfig("default"); // every buffer >= 4 KB: 2 pJ/bit read, 4 pJ/bit write
  EnergyCounts counts;
  counts.macs = 100;                                 // 100 pJ
  counts.aluLaneOps = 10;                            // 20 pJ
  counts.lutReads = 16;                              // 48 pJ
  counts.sramReadBytes[size_t(Buffer::inp)] = 4;     // 32 bits * 2 = 64 pJ
  counts.sramWriteBytes[size_t(Buffer::wgt)] = 2;    // 16 bits * 4 = 64 pJ
  counts.dramBytesRead = 10;                         // 16 bytes * 8 * 0.5 = 64 pJ
  counts.dramBytesWritten = 6;
  counts.fetchBytes = 16;                            // 16 * (4 + 1) = 80 pJ
  counts.cycles = 200;                               // 1 us at 200 MHz; 256 MACs * 0.001 mW = 256 pJ
  nlohmann::json energy = computeEnergy(*table, config, counts);
  EXPECT_DOUBLE_EQ(energy["components_pj"]["mac"].get<double>(), 100.0);
  EXPECT_DOUBLE_EQ(energy["components_pj"]["alu"].get<double>(), 20.0);
  EXPECT_DOUBLE_EQ(energy["components_pj"]["lut"].get<double>(), 48.0);
  EXPECT_DOUBLE_EQ(energy["components_pj"]["inp"].get<double>(), 64.0);
  EXPECT_DOUBLE_EQ(energy["components_pj"]["wgt"].get<double>(), 64.0);
  EXPECT_DOUBLE_EQ(energy["components_pj"]["dram"].get<double>(), 64.0);
  EXPECT_DOUBLE_EQ(energy["components_pj"]["fetch"].get<double>(), 80.0);
  EXPECT_NEAR(energy["components_pj"]["static"].get<double>(), 256.0, 1e-9);
  EXPECT_NEAR(energy["total_pj"].get<double>(), 696.0, 1e-9);
  EXPECT_NEAR(energy["pj_per_mac"].get<double>(), 6.96, 1e-12);
  EXPECT_NEAR(energy["avg_power_mw"].get<double>(), 0.696, 1e-12);
  counts.cycles.reset();
  energy = computeEnergy(*table, config, counts);
  EXPECT_FALSE(energy["components_pj"].contains("static"));
  EXPECT_FALSE(energy.contains("avg_power_mw"));
  EXPECT_NEAR(energy["total_uj"].get<double>(), 440e-6, 1e-15);
}

TEST(EnergyModel, AreaPerComponent) {
  auto table = parseEnergyTable(smallTable(), "t.json");
  ASSERT_TRUE(table.ok()) << table.status();
  nlohmann::json area = computeArea(*table, loadTestConfig("default"));
  EXPECT_NEAR(area["components"]["inp"].get<double>(), 32 * 0.02, 1e-12);
  EXPECT_NEAR(area["components"]["mac_array"].get<double>(), 0.256, 1e-12);
  EXPECT_NEAR(area["components"]["alu"].get<double>(), 0.032, 1e-12);
  double sram = (32 + 32 + 256 + 128 + 32) * 0.02;
  EXPECT_NEAR(area["total"].get<double>(), sram + 0.256 + 0.032, 1e-9);
}

} // namespace
} // namespace tessera::isa
