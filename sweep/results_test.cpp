//===- results_test.cpp - Pareto fronts, results.csv, missing points -----------------===//
#include "sweep/results.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "sweep/pareto_plot.h"
#include "sweep/point_runner.h"

namespace tessera::sweep {
namespace {
using nlohmann::json;

ResultRow row(const std::string &point, const std::string &model, double latency, double energy) {
  return ResultRow{point, model, json{{"status", "ok"}, {"latency_ms", latency}, {"energy_uj", energy}, {"area_mm2", 1.0}}};
}

TEST(SweepResults, ParetoFrontPerModel) {
  std::vector<ResultRow> rows = {row("a", "m", 1.0, 10.0), row("b", "m", 2.0, 5.0), row("c", "m", 2.5, 6.0),
                                 row("d", "m", 1.0, 12.0), row("a", "n", 9.0, 9.0), row("e", "m", 3.0, 5.0)};
  rows.push_back(ResultRow{"f", "m", json{{"status", "error"}, {"error", "x"}}});
  markParetoFront(rows);
  std::vector<bool> pareto;
  for (const ResultRow &r : rows) pareto.push_back(r.pareto);
  // c is dominated by b, d by a, e by b (equal energy, higher latency); n's only point is on its front.
  EXPECT_EQ(pareto, (std::vector<bool>{true, true, false, false, true, false, false}));
}

TEST(SweepResults, CsvColumnsAndQuoting) {
  SweepPlan plan;
  plan.columns = {"block"};
  std::vector<ResultRow> rows = {row("block8", "m", 0.5, 2.0)};
  rows[0].values["block"] = "8";
  rows[0].values["total_cycles"] = 100000;
  rows.push_back(ResultRow{"block4", "m", json{{"status", "error"}, {"error", "layer x, buffer \"inp\""}, {"block", "4"}}});
  std::string csv = resultsCsv(plan, rows);
  EXPECT_EQ(csv, "point,block,config_hash,model,status,error,total_cycles,latency_ms,energy_uj,area_mm2,gemm_utilization,"
                 "accel_mac_fraction\n"
                 "block8,8,,m,ok,,100000,0.5,2,1,,\n"
                 "block4,4,,m,error,\"layer x, buffer \"\"inp\"\"\",,,,,,\n");
}

TEST(SweepResults, MissingPointsAreNamed) {
  SweepPlan plan;
  plan.points = {SweepPoint{"p1", {}, std::nullopt, "bad"}, SweepPoint{"p2", {}, std::nullopt, "bad"}};
  plan.models = {SweepModel{"m", "/m.tg"}};
  std::string dir = ::testing::TempDir() + "/sweep_results_test";
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(writePointError(plan, plan.points[0], dir, "boom").ok());
  auto rows = readResults(plan, dir);
  ASSERT_FALSE(rows.ok());
  EXPECT_NE(rows.status().message().find("1 of 2 points have no result yet"), std::string::npos) << rows.status();
  EXPECT_NE(rows.status().message().find("p2"), std::string::npos);
  ASSERT_TRUE(writePointError(plan, plan.points[1], dir, "boom").ok());
  rows = readResults(plan, dir);
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[1].values["error"], "boom");
  std::string svg = paretoSvg(plan, *rows);
  EXPECT_NE(svg.find("no point has both a latency and an energy"), std::string::npos);
}

TEST(SweepResults, SvgMarksTheFront) {
  SweepPlan plan;
  plan.models = {SweepModel{"m", "/m.tg"}};
  plan.backend = "estimate";
  std::vector<ResultRow> rows = {row("fast", "m", 1.0, 10.0), row("frugal", "m", 3.0, 2.0), row("worse", "m", 3.5, 11.0)};
  markParetoFront(rows);
  std::string svg = paretoSvg(plan, rows);
  EXPECT_NE(svg.find("<polyline"), std::string::npos);
  EXPECT_NE(svg.find("1  fast: 1 ms, 10 uJ"), std::string::npos);
  EXPECT_NE(svg.find("2  frugal: 3 ms, 2 uJ"), std::string::npos);
  EXPECT_EQ(svg.find("3  "), std::string::npos);
  EXPECT_NE(svg.find("worse: 3.5 ms"), std::string::npos);
  EXPECT_EQ(svg.find("nan"), std::string::npos);
}

} // namespace
} // namespace tessera::sweep
