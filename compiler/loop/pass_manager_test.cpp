//===- simplify_test.cpp - The `simplify` pass, text in -> text out -------------------===//
#include <gtest/gtest.h>

#include "compiler/loop/parser.h"
#include "compiler/loop/pass_manager.h"
#include "compiler/loop/printer.h"

namespace tessera::loop {
namespace {

std::string runPasses(const std::string &text, const std::string &pipeline) {
  auto func = parseFunc(text);
  EXPECT_TRUE(func.ok()) << func.status();
  if (!func.ok()) return "";
  Status status = runLoopPipeline(*func, pipeline);
  EXPECT_TRUE(status.ok()) << status;
  return printFunc(*func);
}

// Constant offsets fold, unit loops disappear, x*1 and x+0 vanish.
TEST(SimplifyPass, FoldsIndexArithmeticAndUnitLoops) {
  EXPECT_EQ(runPasses(R"(func @f(%x: f32[8, 8] global) {
  for %o from 0 extent 1 {
    for %i from 0 extent 8 {
      %x[%o * 8 + %i + 0, (%i + 1) + 2] = %x[%i * 1, 2 * 3] * 1.0 + (2.0 + 3.0)
    }
  }
}
)",
                      "simplify"),
            R"(func @f(%x: f32[8, 8] global) {
  for %i from 0 extent 8 {
    %x[%i, %i + 3] = %x[%i, 6] + 5.0
  }
}
)");
}

// A clamp whose operand cannot leave the range (loop bounds, % and / by constants)
// goes; of one that can, the side that can stays.
TEST(SimplifyPass, DropsClampsTheLoopBoundsProve) {
  EXPECT_EQ(runPasses(R"(func @f(%x: f32[111] global, %y: f32[55, 3] global) {
  for %f from 0 extent 110 {
    for %k from 0 extent 3 {
      %y[%f % 55, %k] = %x[min(max(%f % 55 * 2 + %k, 0), 110)] + %x[min(max(%f % 55 * 2 + %k - 1, 0), 110)]
    }
  }
}
)",
                      "simplify"),
            R"(func @f(%x: f32[111] global, %y: f32[55, 3] global) {
  for %f from 0 extent 110 {
    for %k from 0 extent 3 {
      %y[%f % 55, %k] = %x[%f % 55 * 2 + %k] + %x[max(%f % 55 * 2 + %k - 1, 0)]
    }
  }
}
)");
}

// Under `if`, a guard on one loop variable narrows its range (a guarded last tile:
// %wi <= 4), so the clamp of a ceil-mode pooling window folds away; and a loop
// whose range has one quotient drops its / and % (a fused loop over one image).
TEST(SimplifyPass, NarrowsRangesUnderGuards) {
  EXPECT_EQ(runPasses(R"(func @f(%x: f32[27] global, %y: f32[13] global) {
  for %f from 0 extent 5 {
    for %wi from 0 extent 8 {
      if %wi + 8 < 13 {
        %y[%f / 5 + %wi + 8] = %x[min((%wi + 8) * 2 + %f % 5 % 3, 26)]
      }
    }
  }
}
)",
                      "simplify"),
            R"(func @f(%x: f32[27] global, %y: f32[13] global) {
  for %f from 0 extent 5 {
    for %wi from 0 extent 8 {
      if %wi + 8 < 13 {
        %y[%wi + 8] = %x[(%wi + 8) * 2 + %f % 3]
      }
    }
  }
}
)");
}

// Conditionals with constant predicates are resolved; empty loops are removed.
TEST(SimplifyPass, ResolvesConstantConditionals) {
  EXPECT_EQ(runPasses(R"(func @f(%x: f32[4] global) {
  if 3 < 4 {
    %x[0] = 1.0
  } else {
    %x[0] = 2.0
  }
  for %i from 0 extent 0 {
    %x[%i] = 3.0
  }
  %x[1] = select(1 >= 2, 1.0, 4.0)
}
)",
                      "simplify"),
            R"(func @f(%x: f32[4] global) {
  %x[0] = 1.0
  %x[1] = 4.0
}
)");
}

// Splits leave (x * c + k) / c and % c in indices; they fold for 0 <= k < c.
TEST(SimplifyPass, FoldsDivModOfSplitIndices) {
  EXPECT_EQ(runPasses(R"(func @f(%x: f32[4, 8] global) {
  for %o from 0 extent 4 {
    %x[(%o * 8 + 3) / 8, (%o * 8 + 3) % 8] = %x[(%o * 8 + 9) / 8, %o * 8 % 8]
    for %i from 0 extent 8 {
      %x[(%o * 8 + %i) / 8, (%o * 8 + %i) % 8] = 0.0
    }
  }
}
)",
                      "simplify"),
            R"(func @f(%x: f32[4, 8] global) {
  for %o from 0 extent 4 {
    %x[%o, 3] = %x[(%o * 8 + 9) / 8, 0]
    for %i from 0 extent 8 {
      %x[%o, %i] = 0.0
    }
  }
}
)");
}

TEST(PassManager, RejectsUnknownPassBeforeRunning) {
  auto func = parseFunc("func @f(%x: f32[4] global) {\n  %x[0] = 1.0\n}\n");
  ASSERT_TRUE(func.ok());
  Status status = runLoopPipeline(*func, "simplify,no-such-pass");
  EXPECT_EQ(status.message(), "unknown loop pass 'no-such-pass' (available: simplify, partition-loops, guard-accumulations, unroll-loops)");
}

} // namespace
} // namespace tessera::loop
