//===- recorded_costs_test.cpp - A layer measured alone again costs what was recorded ---===//
#include <filesystem>

#include <gtest/gtest.h>

#include "compiler/driver/driver.h"
#include "compiler/tune/measure.h"
#include "compiler/tune/records.h"
#include "compiler/tune/tuner.h"
#include "isa/test_util.h"

namespace tessera::tune {
namespace {

// The digits CNN tuned with the measuring model; compile --records would give each layer
// the best record of its workload (BestRecords), and that mapping measured alone again
// costs exactly the recorded cycles (SystemC is deterministic and cycle-exact).
TEST(RecordedCosts, EachAppliedRecordMeasuresItsRecordedCost) {
  isa::HardwareConfig config = isa::testing::loadTestConfig("default");
  driver::CompileOptions compile;
  compile.target = "accel";
  compile.accel.config = config;
  compile.accel.calibrate = std::string(TESSERA_SOURCE_DIR) + "/examples/models/digits_calib";
  auto model = driver::compileAccelModel(
      driver::ModelSource(std::string(TESSERA_SOURCE_DIR) + "/examples/models/digits_cnn.onnx"), compile);
  ASSERT_TRUE(model.ok()) << model.status();
  std::string path = ::testing::TempDir() + "/recorded_costs_test.jsonl";
  std::filesystem::remove(path);
  TuneOptions options;
  options.trials = 20;
  options.recordsPath = path;
  ASSERT_TRUE(tuneModel(*model, config, options).ok());
  auto records = readRecords(path);
  ASSERT_TRUE(records.ok()) << records.status();
  RecordSet set = selectRecords(*records, "accel", configHashOf(config));
  BestRecords best(set, config);
  int checked = 0;
  for (const accel::LayerSummary &summary : model->layers) {
    std::optional<accel::Mapping> mapping = best.mappingFor(summary.layer);
    ASSERT_TRUE(mapping) << summary.name;
    double recorded = -1;
    for (const TuneRecord &record : set.records)
      if (record.workload == workloadKey(summary.layer) && record.mapping == accel::printMapping(*mapping))
        recorded = recorded < 0 ? record.cost : std::min(recorded, record.cost);
    auto again = measureLayer(summary.layer, *mapping, config);
    ASSERT_TRUE(again.ok()) << again.status();
    EXPECT_EQ(double(*again), recorded) << summary.name << ": " << accel::printMapping(*mapping);
    ++checked;
  }
  EXPECT_EQ(checked, int(model->layers.size()));
}

} // namespace
} // namespace tessera::tune
