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

// Inline padding: the bounds select on each input load fails only in the first
// tile (the left pad) and the last (the right pad), so the loop splits in three and
// the middle part loads without a select.
TEST(PartitionLoopsPass, SplitsOffBothPaddedEnds) {
  EXPECT_EQ(partitioned(R"(func @f(%x: f32[32] global, %y: f32[32] global) {
  for %wo from 0 extent 4 {
    for %kw from 0 extent 3 {
      vectorized for %wi from 0 extent 8 {
        %y[%wo * 8 + %wi] = %y[%wo * 8 + %wi] + select(%wo * 8 + %wi + %kw - 1 >= 0 && %wo * 8 + %wi + %kw - 1 < 32, %x[%wo * 8 + %wi + %kw - 1], 0.0)
      }
    }
  }
}
)"),
            R"(func @f(%x: f32[32] global, %y: f32[32] global) {
  for %kw from 0 extent 3 {
    vectorized for %wi from 0 extent 8 {
      %y[%wi] = %y[%wi] + select(%wi + %kw - 1 >= 0 && %wi + %kw - 1 < 32, %x[%wi + %kw - 1], 0.0)
    }
  }
  for %wo from 1 extent 2 {
    for %kw from 0 extent 3 {
      vectorized for %wi from 0 extent 8 {
        %y[%wo * 8 + %wi] = %y[%wo * 8 + %wi] + %x[%wo * 8 + %wi + %kw - 1]
      }
    }
  }
  for %kw from 0 extent 3 {
    vectorized for %wi from 0 extent 8 {
      %y[%wi + 24] = %y[%wi + 24] + select(%wi + 24 + %kw - 1 >= 0 && %wi + 24 + %kw - 1 < 32, %x[%wi + 24 + %kw - 1], 0.0)
    }
  }
}
)");
}

// A fused parallel loop over column tiles (a 1x1 conv over 3025 pixels in tiles of
// 16): only its last iteration is guarded, so it splits into a parallel loop without
// the guard and the last tile.
TEST(PartitionLoopsPass, SplitsParallelLoops) {
  EXPECT_EQ(partitioned(R"(func @f(%x: f32[40] global) {
  parallel for %t from 0 extent 3 {
    vectorized for %v from 0 extent 16 {
      if %t * 16 + %v < 40 {
        %x[%t * 16 + %v] = 1.0
      }
    }
  }
}
)"),
            R"(func @f(%x: f32[40] global) {
  parallel for %t from 0 extent 2 {
    vectorized for %v from 0 extent 16 {
      %x[%t * 16 + %v] = 1.0
    }
  }
  vectorized for %v from 0 extent 16 {
    if %v + 32 < 40 {
      %x[%v + 32] = 1.0
    }
  }
}
)");
}

} // namespace
} // namespace tessera::loop
