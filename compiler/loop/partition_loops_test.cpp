//===- partition_loops_test.cpp - The `partition-loops` pass, text in -> text out -----===//
#include <gtest/gtest.h>

#include "compiler/loop/parser.h"
#include "compiler/loop/pass_manager.h"
#include "compiler/loop/printer.h"

namespace tessera::loop {
namespace {

std::string partitioned(const std::string &text) {
  auto func = parseFunc(text);
  EXPECT_TRUE(func.ok()) << func.status();
  if (!func.ok()) return "";
  Status status = runLoopPipeline(*func, "partition-loops", {.verifyEach = true});
  EXPECT_TRUE(status.ok()) << status;
  return printFunc(*func);
}

// 20 columns in tiles of 8: the first two tiles need no guard, the last keeps it
// (its one-iteration loop folds away).
TEST(PartitionLoopsPass, SplitsOffTheGuardedTail) {
  EXPECT_EQ(partitioned(R"(func @f(%x: f32[20] global, %y: f32[20] global) {
  for %po from 0 extent 3 {
    vectorized for %pv from 0 extent 8 {
      if %po * 8 + %pv < 20 {
        %y[%po * 8 + %pv] = %x[%po * 8 + %pv]
      }
    }
  }
}
)"),
            R"(func @f(%x: f32[20] global, %y: f32[20] global) {
  for %po from 0 extent 2 {
    vectorized for %pv from 0 extent 8 {
      %y[%po * 8 + %pv] = %x[%po * 8 + %pv]
    }
  }
  vectorized for %pv from 0 extent 8 {
    if %pv + 16 < 20 {
      %y[%pv + 16] = %x[%pv + 16]
    }
  }
}
)");
}

// Only the atoms proven for the first part go; a guard on an outer variable and a
// guard that fails from the first iteration leave the loop whole.
TEST(PartitionLoopsPass, KeepsWhatItCannotProve) {
  std::string outer = R"(func @f(%x: f32[4, 20] global) {
  for %r from 0 extent 4 {
    for %c from 0 extent 20 {
      if %r + %c < 10 {
        %x[%r, %c] = 0.0
      }
    }
  }
}
)";
  // %c's guard involves %r, an outer loop: %c's loop cannot be split; %r's loop
  // cannot either (%c's range makes the guard fail at %r = 0).
  EXPECT_EQ(partitioned(outer), outer);
}

TEST(PartitionLoopsPass, DropsOnlyProvenAtoms) {
  EXPECT_EQ(partitioned(R"(func @f(%x: f32[20] global, %n: i64[1] global) {
  for %po from 0 extent 3 {
    vectorized for %pv from 0 extent 8 {
      if %po * 8 + %pv < 20 && %pv < %n[0] {
        %x[%po * 8 + %pv] = 1.0
      }
    }
  }
}
)"),
            R"(func @f(%x: f32[20] global, %n: i64[1] global) {
  for %po from 0 extent 2 {
    vectorized for %pv from 0 extent 8 {
      if %pv < %n[0] {
        %x[%po * 8 + %pv] = 1.0
      }
    }
  }
  vectorized for %pv from 0 extent 8 {
    if %pv + 16 < 20 && %pv < %n[0] {
      %x[%pv + 16] = 1.0
    }
  }
}
)");
}

} // namespace
} // namespace tessera::loop
