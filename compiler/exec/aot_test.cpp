//===- aot_test.cpp - Ahead-of-time libraries: write, load, run ------------------------===//
#include <gtest/gtest.h>

#include <filesystem>

#include <llvm/TargetParser/Host.h>

#include "compiler/codegen/cpu_jit.h"
#include "compiler/exec/aot.h"
#include "compiler/exec/test_graphs.h"
#include "runtime/model/model_library.h"

namespace tessera::exec {
namespace {

using namespace testing;

TEST(AotLibrary, LoadedLibraryMatchesTheInterpreter) {
  graph::Graph g = miniNet();
  auto plan = planGraph(g);
  ASSERT_TRUE(plan.ok()) << plan.status();
  std::string path = (std::filesystem::temp_directory_path() / strCat("tessera_aot_test_", getpid(), ".so")).string();
  Status written = writeSharedLibrary(g, *plan, path);
  ASSERT_TRUE(written.ok()) << written;
  auto model = runtime::LoadedModel::load(path);
  std::filesystem::remove(path);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ((*model)->executor().plan().count(StepKind::Kernel), plan->count(StepKind::Kernel));
  interp::TensorMap inputs{{"x", randomTensor({1, 4, 15, 15}, 3)}};
  auto got = (*model)->executor().run(inputs);
  ASSERT_TRUE(got.ok()) << got.status();
  auto want = interp::runGraph(g, inputs);
  ASSERT_TRUE(want.ok());
  for (const std::string &name : g.outputs) expectClose(got->at(name), want->at(name), name);
}

TEST(AotLibrary, TheHostRunsItsOwnAndAvx2CodeButNoUnknownCpu) {
  Status status = codegen::checkHostRuns("no-such-cpu");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(codegen::checkHostRuns("x86-64-v3").ok());
  std::string host = llvm::sys::getHostCPUName().str();
  EXPECT_TRUE(codegen::checkHostRuns(host).ok()) << host;
}

TEST(AotLibrary, RejectsAForeignLibrary) {
  auto model = runtime::LoadedModel::load("/no/such/model.so");
  ASSERT_FALSE(model.ok());
  EXPECT_NE(model.status().message().find("cannot load '/no/such/model.so'"), std::string::npos);
}

} // namespace
} // namespace tessera::exec
