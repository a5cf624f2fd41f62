//===- cpu_tuner_test.cpp - Tuning CPU schedules, recording and applying them ----------===//
#include "compiler/tune/cpu_tuner.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "compiler/exec/graph_executor.h"
#include "compiler/exec/test_graphs.h"
#include "compiler/tune/cpu_space.h"

namespace tessera::tune {
namespace {

TEST(CpuSpace, ScheduleTextRoundTrips) {
  lower::CpuScheduleParams base = exec::hostScheduleParams();
  auto changed = withParam(base, "convWidthBlock", 7);
  ASSERT_TRUE(changed.ok()) << changed.status();
  auto back = parseScheduleText(scheduleText(*changed), base);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(scheduleText(*back), scheduleText(*changed));
  EXPECT_NE(scheduleText(*changed), scheduleText(base));
  EXPECT_FALSE(withParam(base, "noSuchParam", 1).ok());
  for (const CpuParamAxis &axis : cpuScheduleSpace())
    for (int64_t value : axis.values) {
      auto params = withParam(base, axis.name, value);
      EXPECT_TRUE(params.ok()) << axis.name << "=" << value << ": " << params.status();
    }
}

// The mini network tuned within 60 timings: every kernel has an outcome no slower than
// its default (the final comparison keeps the default otherwise), every timing is a
// record, and a compile from those records gives each kernel a recorded schedule and
// the interpreter's outputs.
TEST(CpuTuner, TunesRecordsAndApplies) {
  graph::Graph g = exec::testing::miniNet();
  std::string path = ::testing::TempDir() + "/cpu_tuner_test.jsonl";
  std::filesystem::remove(path);
  auto writer = RecordWriter::open(path);
  ASSERT_TRUE(writer.ok()) << writer.status();
  exec::PlanOptions options;
  CpuTuner tuner(options.schedule, 60, 8, &*writer, {}, nullptr);
  options.chooseSchedule = tuner.chooser();
  auto tuned = exec::compileForCpu(g, options);
  ASSERT_TRUE(tuned.ok()) << tuned.status();
  ASSERT_FALSE(tuner.outcomes().empty());
  for (const CpuKernelOutcome &outcome : tuner.outcomes()) {
    EXPECT_LE(outcome.tunedMs, outcome.untunedMs) << outcome.workload;
    EXPECT_GE(outcome.timed, 2) << outcome.workload;
  }
  auto records = readRecords(path);
  ASSERT_TRUE(records.ok()) << records.status();
  EXPECT_EQ(int64_t(records->size()), tuner.trialsUsed());
  RecordSet set = selectRecords(*records, "cpu", hostConfigHash());
  EXPECT_EQ(set.records.size(), records->size());
  int64_t applied = 0;
  exec::PlanOptions replay;
  replay.chooseSchedule = recordedScheduleChooser(set, replay.schedule, &applied);
  auto model = exec::compileForCpu(g, replay);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ(applied, int64_t(tuned->executor->plan().count(exec::StepKind::Kernel)));
  interp::TensorMap inputs{{"x", exec::testing::randomTensor({1, 4, 15, 15}, 1)}};
  auto got = model->executor->run(inputs);
  auto want = interp::runGraph(g, inputs);
  ASSERT_TRUE(got.ok() && want.ok());
  for (const std::string &name : g.outputs) exec::testing::expectClose(got->at(name), want->at(name), name);
}

} // namespace
} // namespace tessera::tune
