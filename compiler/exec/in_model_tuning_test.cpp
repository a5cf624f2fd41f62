//===- in_model_tuning_test.cpp - Schedules timed inside the whole model -------------===//
#include "compiler/exec/in_model_tuning.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <sstream>

#include "compiler/exec/test_graphs.h"

namespace tessera::exec {
namespace {

/// The kernels the log's "in-model" lines name, and how many lines there are.
std::set<std::string> inModelKernels(const std::string &log, size_t *lines) {
  std::set<std::string> kernels;
  *lines = 0;
  std::regex line("(^|\n)in-model (k[0-9]+_[a-z]+): [^\n]* ms -> [^\n]*");
  for (auto it = std::sregex_iterator(log.begin(), log.end(), line); it != std::sregex_iterator(); ++it) {
    kernels.insert((*it)[2]);
    ++*lines;
  }
  return kernels;
}

/// Tuning on one thread, logged to `log`.
PlanOptions oneThreadLogging(std::ostringstream &log) {
  PlanOptions options;
  options.tuneThreads = {1};
  options.tuneLog = &log;
  return options;
}

// Every kernel tuning alone timed under several schedules is timed again inside the
// model, once per kernel; the chosen schedules build a model that computes what the
// interpreter does.
TEST(InModelTuning, TimesTunedKernelsInTheModelAndKeepsTheOutputs) {
  graph::Graph g = testing::miniNet();
  std::ostringstream log;
  PlanOptions options = oneThreadLogging(log);
  auto chooser = tuneInModel(g, options, {.candidates = 2, .runs = 2});
  ASSERT_TRUE(chooser.ok()) << chooser.status();
  std::string text = log.str();
  EXPECT_NE(text.find("in-model tuning: 2 compiled models (each kernel's 2 fastest schedules alone), 2 runs each on "
                      "threads 1\n"),
            std::string::npos)
      << text;
  std::set<std::string> tunedAlone;
  std::regex tuneLine("(^|\n)tune (k[0-9]+_[a-z]+): ");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), tuneLine); it != std::sregex_iterator(); ++it)
    tunedAlone.insert((*it)[2]);
  ASSERT_FALSE(tunedAlone.empty()) << text;
  size_t lines = 0;
  EXPECT_EQ(inModelKernels(text, &lines), tunedAlone) << text;
  EXPECT_EQ(lines, tunedAlone.size()) << text;

  options.tuneLog = nullptr;
  options.chooseSchedule = *chooser;
  auto model = compileForCpu(g, options);
  ASSERT_TRUE(model.ok()) << model.status();
  testing::expectMiniNetMatchesTheInterpreter(g, *model);
}

// One candidate per kernel: tuning alone only, no model compiled for timing.
TEST(InModelTuning, OneCandidateTunesKernelsAloneOnly) {
  std::ostringstream log;
  auto chooser = tuneInModel(testing::miniNet(), oneThreadLogging(log), {.candidates = 1});
  ASSERT_TRUE(chooser.ok()) << chooser.status();
  EXPECT_NE(log.str().find("tune k0_conv: default"), std::string::npos) << log.str();
  EXPECT_EQ(log.str().find("in-model"), std::string::npos) << log.str();
}

} // namespace
} // namespace tessera::exec
