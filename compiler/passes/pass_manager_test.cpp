//===- pass_manager_test.cpp - Pipelines, verification, statistics, dumps ------===//
#include "compiler/passes/pass_manager.h"

#include <gtest/gtest.h>

#include <sstream>

#include "compiler/graph/parser.h"
#include "compiler/passes/pass_test_util.h"

namespace tessera::passes {
namespace {

constexpr const char *kInput = R"(graph @main(%x: f32[2,3]) {
  %a = Identity(%x) : f32[2,3]
  %b = Relu(%a) : f32[2,3]
  %c = Relu(%x) : f32[2,3]
  return %b
}
)";

TEST(PassManager, RejectsUnknownPassesListingKnownOnes) {
  PassManager manager;
  Status status = manager.addPipeline("dce,frobnicate");
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("unknown pass 'frobnicate' (known: nop-elim, "), std::string::npos) << status;
}

TEST(PassManager, EveryRegisteredPassRunsAndKeepsTheGraphValid) {
  for (const PassInfo &pass : registeredPasses()) {
    std::string result = runPipelineOnText(pass.name, kInput);
    EXPECT_EQ(result.find("error"), std::string::npos) << pass.name << ": " << result;
    EXPECT_EQ(checkSameResults(kInput, result), "") << pass.name;
  }
  std::string result = runPipelineOnText(kDefaultPipeline, kInput);
  EXPECT_EQ(checkSameResults(kInput, result), "");
}

StatusOr<bool> runNothing(graph::Graph &, PassContext &) { return false; }
StatusOr<bool> runNothingElse(graph::Graph &, PassContext &) { return false; }

// A library above tessera_passes adds its passes to the registry; pipelines name them.
TEST(PassManager, RegisteredPassesOfHigherLibrariesJoinPipelines) {
  EXPECT_EQ(findPass("test-nothing"), nullptr);
  ASSERT_TRUE(registerPass({"test-nothing", &runNothing, "does nothing"}).ok());
  EXPECT_TRUE(registerPass({"test-nothing", &runNothing, "does nothing"}).ok()) << "same pass again: no-op";
  Status clash = registerPass({"test-nothing", &runNothingElse, "another"});
  EXPECT_EQ(clash.code(), absl::StatusCode::kAlreadyExists) << clash;
  clash = registerPass({"dce", &runNothing, "not dce"});
  EXPECT_EQ(clash.code(), absl::StatusCode::kAlreadyExists) << clash;
  EXPECT_EQ(registeredPasses().back().name, "test-nothing");
  EXPECT_EQ(runPipelineOnText("dce,test-nothing", kInput), runPipelineOnText("dce", kInput));
}

TEST(PassManager, RecordsStatisticsAndPrintsAfterChange) {
  std::ostringstream dump;
  PassManagerOptions options;
  options.printAfterChange = true;
  options.dump = &dump;
  PassManager manager(options);
  ASSERT_TRUE(manager.addPipeline("nop-elim,nop-elim,dce").ok());
  auto graph = graph::parseGraph(kInput);
  ASSERT_TRUE(graph.ok());
  ASSERT_TRUE(manager.run(*graph).ok());
  ASSERT_EQ(manager.records().size(), 3u);
  EXPECT_TRUE(manager.records()[0].changed);
  EXPECT_EQ(manager.records()[0].statistics.at("Identity"), 1);
  EXPECT_FALSE(manager.records()[1].changed);
  EXPECT_EQ(manager.records()[2].statistics.at("nodes-removed"), 1);
  std::string text = dump.str();
  EXPECT_NE(text.find("# IR after nop-elim\n"), std::string::npos);
  EXPECT_NE(text.find("# IR after dce\n"), std::string::npos);
  EXPECT_EQ(text.find("(unchanged)"), std::string::npos);
  std::string report = manager.statisticsReport();
  EXPECT_NE(report.find("nodes-removed=1"), std::string::npos) << report;
}

} // namespace
} // namespace tessera::passes
