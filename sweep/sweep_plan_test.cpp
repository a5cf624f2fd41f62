//===- sweep_plan_test.cpp - Sweep specs: expansion, names, errors, plan round trip ---===//
#include "sweep/sweep_plan.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "support/file_io.h"

namespace tessera::sweep {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

/// A spec file in a temporary folder, with a model file beside it.
std::string writeSpec(const json &spec) {
  fs::path dir = fs::path(::testing::TempDir()) / "sweep_plan_test";
  fs::create_directories(dir);
  EXPECT_TRUE(writeTextFile((dir / "m.tg").string(), "placeholder").ok());
  std::string path = (dir / "spec.json").string();
  EXPECT_TRUE(writeTextFile(path, spec.dump()).ok());
  return path;
}

json baseSpec() {
  return {{"base", std::string(TESSERA_SOURCE_DIR) + "/configs/default.json"}, {"models", {"m.tg"}}};
}

std::string errorOf(const json &spec) {
  auto plan = loadSweepSpec(writeSpec(spec));
  EXPECT_FALSE(plan.ok());
  return plan.ok() ? "" : std::string(plan.status().message());
}

TEST(SweepPlan, GridIsTheCartesianProductInSpecOrder) {
  json spec = baseSpec();
  spec["grid"] = {{"dram_bytes_per_cycle", {8, 16}}, {"clock_mhz", {200, 400, 800}}};
  auto plan = loadSweepSpec(writeSpec(spec));
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->points.size(), 6u);
  EXPECT_EQ(plan->points[0].name, "default+clock_mhz=200+dram_bytes_per_cycle=8");
  EXPECT_EQ(plan->points[5].name, "default+clock_mhz=800+dram_bytes_per_cycle=16");
  EXPECT_EQ(plan->columns, (std::vector<std::string>{"clock_mhz", "dram_bytes_per_cycle"}));
  ASSERT_TRUE(plan->points[5].config);
  EXPECT_EQ(plan->points[5].config->dram_bytes_per_cycle, 16);
  EXPECT_EQ(plan->points[5].config->clock_mhz, 800.0);
  EXPECT_EQ(plan->models[0].name, "m");
  EXPECT_TRUE(fs::path(plan->models[0].source).is_absolute());
  EXPECT_EQ(plan->backend, "estimate");
}

TEST(SweepPlan, DerivedPointsAndConfigFiles) {
  json spec = baseSpec();
  spec["points"] = {json{{"derive", {{"block", 8}}}}, json{{"derive", {{"block", 32}, {"scale_buffers", 0.5}}}},
                    std::string(TESSERA_SOURCE_DIR) + "/configs/large.json"};
  auto plan = loadSweepSpec(writeSpec(spec));
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->points.size(), 3u);
  EXPECT_EQ(plan->points[0].name, "block8");
  EXPECT_EQ(plan->points[1].name, "block32-x0.5");
  EXPECT_EQ(plan->points[2].name, "large");
  EXPECT_EQ(plan->points[1].config->block_in, 32);
  EXPECT_EQ(plan->columns, (std::vector<std::string>{"block", "scale_buffers", "config"}));
  auto large = isa::loadConfigFile(std::string(TESSERA_SOURCE_DIR) + "/configs/large.json");
  EXPECT_EQ(plan->points[2].config->hash(), large->hash()); // a config file alone keeps its name and hash
}

// An invalid config is a point that fails (recorded, the sweep goes on), not a spec error.
TEST(SweepPlan, InvalidConfigIsAFailedPoint) {
  json spec = baseSpec();
  spec["grid"] = {{"dram_burst_bytes", {256, 100}}};
  auto plan = loadSweepSpec(writeSpec(spec));
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->points.size(), 2u);
  EXPECT_TRUE(plan->points[0].config);
  EXPECT_FALSE(plan->points[1].config);
  EXPECT_NE(plan->points[1].error.find("dram_burst_bytes"), std::string::npos) << plan->points[1].error;
}

TEST(SweepPlan, SpecErrorsNameTheFileAndKey) {
  json spec = baseSpec();
  spec["grdi"] = json::object();
  EXPECT_NE(errorOf(spec).find("'grdi': unknown key"), std::string::npos);
  spec = baseSpec();
  spec["grid"] = {{"dram_bandwidth", {1}}};
  EXPECT_NE(errorOf(spec).find("'grid.dram_bandwidth': not a config key"), std::string::npos);
  spec = baseSpec();
  spec["models"] = {"missing.onnx"};
  std::string error = errorOf(spec);
  EXPECT_NE(error.find("spec.json: 'models[0]': no model file"), std::string::npos) << error;
  spec = baseSpec();
  spec["backend"] = "verilator";
  EXPECT_NE(errorOf(spec).find("'backend': 'verilator' is not one of estimate, functional, systemc, rtl"), std::string::npos);
  spec = baseSpec();
  spec["points"] = {json{{"derive", {{"block", 8}}}}, json{{"derive", {{"block", 8}}}}};
  EXPECT_NE(errorOf(spec).find("point 'block8' appears twice"), std::string::npos);
  spec = baseSpec();
  spec["points"] = {json{{"derive", {{"blocks", 8}}}}};
  EXPECT_NE(errorOf(spec).find("'points[0].derive.blocks'"), std::string::npos);
}

TEST(SweepPlan, PlanRoundTrips) {
  json spec = baseSpec();
  spec["points"] = {json{{"derive", {{"block", 8}}}}, std::string(TESSERA_SOURCE_DIR) + "/configs/small.json"};
  spec["grid"] = {{"dram_burst_bytes", {64, 100}}};
  spec["calibrate"] = "random:2";
  auto plan = loadSweepSpec(writeSpec(spec));
  ASSERT_TRUE(plan.ok()) << plan.status();
  auto back = planFromJson(planToJson(*plan), "plan.json");
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(planToJson(*back), planToJson(*plan));
  EXPECT_EQ(back->calibrate, "random:2");
  EXPECT_FALSE(back->points[1].config); // 100 is no power of two: the error survives
  EXPECT_FALSE(planFromJson(json{{"points", 1}}, "plan.json").ok());
}

} // namespace
} // namespace tessera::sweep
