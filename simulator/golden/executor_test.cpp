//===- executor_test.cpp - Token protocol checking --------------------------------===//
#include "simulator/golden/test_programs.h"

namespace tessera::sim {
namespace {

using testing::assembleAndRun;
using testing::loadConfig;
using testing::ProgramRun;

void expectError(const char *text, const std::string &fragment) {
  ProgramRun run = assembleAndRun(text, loadConfig("small"));
  ASSERT_FALSE(run.result.ok()) << "expected: " << fragment;
  EXPECT_NE(run.result.status().message().find(fragment), std::string::npos) << run.result.status();
}

TEST(Protocol, PopWithoutPushIsADeadlockNamingTheInstruction) {
  expectError("load buffer=inp y_size=0 x_size=0 x_stride=0\ngemm pop_prev uop_end=0 iter_out=1 iter_in=1\nfinish",
              "compute: instruction 1 (gemm) waiting for a token on l2c");
}

TEST(Protocol, TokensLeftOverAtFinish) {
  expectError("load buffer=inp y_size=0 x_size=0 x_stride=0 push_next\nfinish",
              "tokens left over at finish (instruction 1): l2c=1");
}

TEST(Protocol, FinishBeforeStoreDrains) {
  expectError("store y_size=0 x_size=0 x_stride=0\nfinish",
              "finish (instruction 1) executed while the store unit still has 1 instruction(s) from instruction 0");
}

TEST(Protocol, FullTokenQueueDeadlocks) {
  // The small config's token queues hold 4: the fifth push blocks the load unit, while
  // compute waits for a store token that never comes.
  std::string text;
  for (int i = 0; i < 5; ++i) text += "load buffer=inp y_size=0 x_size=0 x_stride=0 push_next\n";
  text += "gemm pop_next uop_end=0 iter_out=1 iter_in=1\nfinish\n";
  ProgramRun run = assembleAndRun(text, loadConfig("small"));
  ASSERT_FALSE(run.result.ok());
  std::string message(run.result.status().message());
  EXPECT_NE(message.find("load: instruction 4 (load) token queue l2c is full (depth 4)"), std::string::npos) << message;
  EXPECT_NE(message.find("compute: instruction 5 (gemm) waiting for a token on s2c"), std::string::npos) << message;
}

TEST(Protocol, BalancedPingPongRuns) {
  // Load and compute hand two tokens back and forth: the classic double buffer.
  const char *text = R"(
load buffer=inp y_size=0 x_size=0 x_stride=0 push_next
load buffer=inp y_size=0 x_size=0 x_stride=0 push_next
gemm pop_prev push_prev uop_end=0 iter_out=1 iter_in=1
load buffer=inp y_size=0 x_size=0 x_stride=0 pop_next push_next
gemm pop_prev push_prev uop_end=0 iter_out=1 iter_in=1
gemm pop_prev push_prev uop_end=0 iter_out=1 iter_in=1
load buffer=inp y_size=0 x_size=0 x_stride=0 pop_next
load buffer=inp y_size=0 x_size=0 x_stride=0 pop_next
gemm push_next uop_end=0 iter_out=1 iter_in=1
store y_size=0 x_size=0 x_stride=0 pop_prev push_prev
finish pop_next
)";
  ProgramRun run = assembleAndRun(text, loadConfig("small"));
  EXPECT_TRUE(run.result.ok()) << run.result.status();
  EXPECT_EQ(run.result->instructions[size_t(isa::Opcode::load)], 5u);
}

} // namespace
} // namespace tessera::sim
