//===- pass_manager_test.cpp - The loop pass manager's errors --------------------------===//
//
// The loop passes are tested as text in tests/lit/loop/ (one .tl file per pass).
//
//===----------------------------------------------------------------------===//
#include <gtest/gtest.h>

#include "compiler/loop/parser.h"
#include "compiler/loop/pass_manager.h"

namespace tessera::loop {
namespace {

TEST(PassManager, RejectsUnknownPassBeforeRunning) {
  auto func = parseFunc("func @f(%x: f32[4] global) {\n  %x[0] = 1.0\n}\n");
  ASSERT_TRUE(func.ok());
  Status status = runLoopPipeline(*func, "simplify,no-such-pass");
  EXPECT_EQ(status.message(), "unknown loop pass 'no-such-pass' (available: simplify, partition-loops, guard-accumulations, unroll-loops)");
}

} // namespace
} // namespace tessera::loop
