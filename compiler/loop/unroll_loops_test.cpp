//===- unroll_loops_test.cpp - The `unroll-loops` pass, text in -> text out ------------===//
#include <gtest/gtest.h>

#include "compiler/loop/parser.h"
#include "compiler/loop/pass_manager.h"
#include "compiler/loop/printer.h"

namespace tessera::loop {
namespace {

// An unrolled loop becomes one copy per iteration with constant indices; serial and
// vectorized loops stay.
TEST(UnrollLoopsPass, ExpandsUnrolledLoopsOnly) {
  auto func = parseFunc(R"(func @f(%x: f32[2, 8] global, %acc: f32[2, 8] local) {
  for %k from 0 extent 4 {
    unrolled for %r from 0 extent 2 {
      vectorized for %v from 0 extent 8 {
        %acc[%r, %v] = %acc[%r, %v] + %x[%r, %v]
      }
    }
  }
}
)");
  ASSERT_TRUE(func.ok()) << func.status();
  ASSERT_TRUE(runLoopPipeline(*func, "unroll-loops").ok());
  EXPECT_EQ(printFunc(*func), R"(func @f(%x: f32[2, 8] global, %acc: f32[2, 8] local) {
  for %k from 0 extent 4 {
    vectorized for %v from 0 extent 8 {
      %acc[0, %v] = %acc[0, %v] + %x[0, %v]
    }
    vectorized for %v from 0 extent 8 {
      %acc[1, %v] = %acc[1, %v] + %x[1, %v]
    }
  }
}
)");
}

} // namespace
} // namespace tessera::loop
