//===- guard_accumulations_test.cpp - The `guard-accumulations` pass, text in -> out -===//
#include <gtest/gtest.h>

#include "compiler/loop/parser.h"
#include "compiler/loop/pass_manager.h"
#include "compiler/loop/printer.h"

namespace tessera::loop {
namespace {

std::string guarded(const std::string &text) {
  auto func = parseFunc(text);
  EXPECT_TRUE(func.ok()) << func.status();
  if (!func.ok()) return "";
  Status status = runLoopPipeline(*func, "guard-accumulations", {.verifyEach = true});
  EXPECT_TRUE(status.ok()) << status;
  return printFunc(*func);
}

// A depthwise tile of two channel rows: the row condition (same in every lane) leaves
// the selects, the two rows' guards merge, and the guard goes outside the %kw loop
// (it does not use %kw); the column condition stays a select.
TEST(GuardAccumulationsPass, MovesLaneInvariantAtomsIntoOneHoistedBranch) {
  EXPECT_EQ(guarded(R"(func @f(%x: f32[2, 6, 8] global, %w: f32[2, 3, 3] global, %acc: f32[2, 8] global) {
  for %r from 0 extent 6 {
    for %kh from 0 extent 3 {
      for %kw from 0 extent 3 {
        vectorized for %v from 0 extent 8 {
          %acc[0, %v] = %acc[0, %v] + select(%r + %kh - 1 >= 0 && %r + %kh - 1 < 6 && %v + %kw - 1 >= 0, %x[0, %r + %kh - 1, %v + %kw - 1], 0.0) * %w[0, %kh, %kw]
        }
        vectorized for %v from 0 extent 8 {
          %acc[1, %v] = %acc[1, %v] + select(%r + %kh - 1 >= 0 && %r + %kh - 1 < 6, %x[1, %r + %kh - 1, %v + %kw], 0.0) * %w[1, %kh, %kw]
        }
      }
    }
  }
}
)"),
            R"(func @f(%x: f32[2, 6, 8] global, %w: f32[2, 3, 3] global, %acc: f32[2, 8] global) {
  for %r from 0 extent 6 {
    for %kh from 0 extent 3 {
      if %r + %kh - 1 >= 0 && %r + %kh - 1 < 6 {
        for %kw from 0 extent 3 {
          vectorized for %v from 0 extent 8 {
            %acc[0, %v] = %acc[0, %v] + select(%v + %kw - 1 >= 0, %x[0, %r + %kh - 1, %v + %kw - 1], 0.0) * %w[0, %kh, %kw]
          }
          vectorized for %v from 0 extent 8 {
            %acc[1, %v] = %acc[1, %v] + %x[1, %r + %kh - 1, %v + %kw] * %w[1, %kh, %kw]
          }
        }
      }
    }
  }
}
)");
}

// Not an accumulation of a padded term (another buffer on the right, or a non-zero
// else), or a guard that reads memory: left alone.
TEST(GuardAccumulationsPass, LeavesOtherSelectsAndGuardsAlone) {
  std::string text = R"(func @f(%x: f32[8] global, %y: f32[8] global, %n: i64[1] global) {
  for %k from 0 extent 3 {
    for %i from 0 extent 8 {
      %y[%i] = %x[%i] + select(%k < 2, %x[%i], 0.0)
      %y[%i] = %y[%i] + select(%k < 2, %x[%i], 1.0)
    }
  }
  for %k from 0 extent 3 {
    if %n[0] > 0 {
      %y[%k] = 0.0
    }
  }
}
)";
  EXPECT_EQ(guarded(text), text);
}

} // namespace
} // namespace tessera::loop
