//===- schedule_test.cpp - Schedule primitives, checked on the loop IR they produce ---===//
#include <gtest/gtest.h>

#include "compiler/loop/printer.h"
#include "compiler/loop/schedule.h"
#include "compiler/loop/verifier.h"

namespace tessera::loop {
namespace {

/// C[i, j] = sum_k A[i, k] * B[k, j] with C of 8x16, A of 8x4.
ComputeFunc matmul() {
  Buffer a{"A", DType::F32, {8, 4}}, b{"B", DType::F32, {4, 16}}, c{"C", DType::F32, {8, 16}};
  Stage s;
  s.output = c;
  s.axes = {"i", "j"};
  s.reduceAxes = {{"k", 4}};
  s.combiner = Combiner::Sum;
  s.init = floatImm(0.0);
  s.body = load("A", DType::F32, {var("i"), var("k")}) * load("B", DType::F32, {var("k"), var("j")});
  return ComputeFunc{"matmul", {a, b, c}, {}, {s}};
}

std::string lowered(const Schedule &schedule) {
  auto func = schedule.lower();
  EXPECT_TRUE(func.ok()) << func.status();
  if (!func.ok()) return "";
  Status status = verifyFunc(*func);
  EXPECT_TRUE(status.ok()) << status << "\n" << printFunc(*func);
  return printFunc(*func);
}

TEST(Schedule, DefaultIsTheNaiveNest) {
  EXPECT_EQ(lowered(Schedule(matmul())), R"(func @matmul(%A: f32[8, 4] global, %B: f32[4, 16] global, %C: f32[8, 16] global) {
  for %i from 0 extent 8 {
    for %j from 0 extent 16 {
      %C[%i, %j] = 0.0
      for %k from 0 extent 4 {
        %C[%i, %j] = %C[%i, %j] + %A[%i, %k] * %B[%k, %j]
      }
    }
  }
}
)");
}

// Register blocking: a 4x8 tile of C accumulates in a local buffer inside %jo, the
// reduction runs outside the tile loops, %ii unrolls and %ji vectorizes.
TEST(Schedule, SplitReorderCacheWrite) {
  Schedule s(matmul());
  ASSERT_TRUE(s.split("C", "i", 4, "io", "ii").ok());
  ASSERT_TRUE(s.split("C", "j", 8, "jo", "ji").ok());
  ASSERT_TRUE(s.reorder("C", {"io", "jo", "k", "ii", "ji"}).ok());
  ASSERT_TRUE(s.cacheWrite("C", "jo", MemScope::Local).ok());
  ASSERT_TRUE(s.parallel("C", "io").ok());
  ASSERT_TRUE(s.unroll("C", "ii").ok());
  ASSERT_TRUE(s.vectorize("C", "ji").ok());
  EXPECT_EQ(lowered(s), R"(func @matmul(%A: f32[8, 4] global, %B: f32[4, 16] global, %C: f32[8, 16] global) {
  parallel for %io from 0 extent 2 {
    for %jo from 0 extent 2 {
      alloc %C_local: f32[4, 8] local {
        unrolled for %ii from 0 extent 4 {
          vectorized for %ji from 0 extent 8 {
            %C_local[%ii, %ji] = 0.0
          }
        }
        for %k from 0 extent 4 {
          unrolled for %ii from 0 extent 4 {
            vectorized for %ji from 0 extent 8 {
              %C_local[%ii, %ji] = %C_local[%ii, %ji] + %A[%io * 4 + %ii, %k] * %B[%k, %jo * 8 + %ji]
            }
          }
        }
        unrolled for %ii from 0 extent 4 {
          vectorized for %ji from 0 extent 8 {
            %C[%io * 4 + %ii, %jo * 8 + %ji] = %C_local[%ii, %ji]
          }
        }
      }
    }
  }
}
)");
}

// A split that does not divide the extent guards the stores; fuse joins two loops.
TEST(Schedule, GuardedSplitAndFuse) {
  Schedule s(matmul());
  ASSERT_TRUE(s.split("C", "j", 5, "jo", "ji").ok());
  ASSERT_TRUE(s.fuse("C", "i", "jo", "ij").ok());
  EXPECT_EQ(lowered(s), R"(func @matmul(%A: f32[8, 4] global, %B: f32[4, 16] global, %C: f32[8, 16] global) {
  for %ij from 0 extent 32 {
    for %ji from 0 extent 5 {
      if %ij % 4 * 5 + %ji < 16 {
        %C[%ij / 4, %ij % 4 * 5 + %ji] = 0.0
      }
      for %k from 0 extent 4 {
        if %ij % 4 * 5 + %ji < 16 {
          %C[%ij / 4, %ij % 4 * 5 + %ji] = %C[%ij / 4, %ij % 4 * 5 + %ji] + %A[%ij / 4, %k] * %B[%k, %ij % 4 * 5 + %ji]
        }
      }
    }
  }
}
)");
}

/// pad[h] = select(1 <= h < 9, X[h - 1], 0); Y[o] = sum_r pad[o + r], r < 3.
ComputeFunc padConv() {
  Buffer x{"X", DType::F32, {8}}, pad{"P", DType::F32, {10}}, y{"Y", DType::F32, {8}};
  Stage p;
  p.output = pad;
  p.axes = {"h"};
  Expr h = var("h");
  p.body = select(andExpr(geExpr(h, intImm(1)), ltExpr(h, intImm(9))),
                  load("X", DType::F32, {minExpr(maxExpr(h - intImm(1), intImm(0)), intImm(7))}), floatImm(0.0));
  Stage c;
  c.output = y;
  c.axes = {"o"};
  c.reduceAxes = {{"r", 3}};
  c.combiner = Combiner::Sum;
  c.init = floatImm(0.0);
  c.body = load("P", DType::F32, {var("o") + var("r")});
  return ComputeFunc{"pad_conv", {x, y}, {pad}, {p, c}};
}

// compute_at computes the 6-element window of P that one %oo iteration reads, inside it.
TEST(Schedule, ComputeAtComputesTheWindowInside) {
  Schedule s(padConv());
  ASSERT_TRUE(s.split("Y", "o", 4, "oo", "oi").ok());
  ASSERT_TRUE(s.computeAt("P", "Y", "oo").ok());
  EXPECT_EQ(lowered(s), R"(func @pad_conv(%X: f32[8] global, %Y: f32[8] global) {
  alloc %P: f32[10] global {
    for %oo from 0 extent 2 {
      for %h from %oo * 4 extent 6 {
        %P[%h] = select(%h >= 1 && %h < 9, %X[min(max(%h - 1, 0), 7)], 0.0)
      }
      for %oi from 0 extent 4 {
        %Y[%oo * 4 + %oi] = 0.0
        for %r from 0 extent 3 {
          %Y[%oo * 4 + %oi] = %Y[%oo * 4 + %oi] + %P[%oo * 4 + %oi + %r]
        }
      }
    }
  }
}
)");
}

// cache_read copies the window of A and B into scratchpad scopes; tensorize replaces
// the update loops with the intrinsic, whose operands are the tile origins.
TEST(Schedule, CacheReadAndTensorize) {
  Schedule s(matmul());
  ASSERT_TRUE(s.split("C", "i", 4, "io", "ii").ok());
  ASSERT_TRUE(s.cacheRead("C", "A", "io", MemScope::Inp).ok());
  ASSERT_TRUE(s.cacheRead("C", "B", "io", MemScope::Wgt).ok());
  ASSERT_TRUE(s.cacheWrite("C", "io", MemScope::Acc).ok());
  ASSERT_TRUE(s.tensorize("C", "io", "tessera.gemm").ok());
  EXPECT_EQ(lowered(s), R"(func @matmul(%A: f32[8, 4] global, %B: f32[4, 16] global, %C: f32[8, 16] global) {
  for %io from 0 extent 2 {
    alloc %B_wgt1: f32[4, 16] wgt {
      for %B_wgt1_0 from 0 extent 4 {
        for %B_wgt1_1 from 0 extent 16 {
          %B_wgt1[%B_wgt1_0, %B_wgt1_1] = %B[%B_wgt1_0, %B_wgt1_1]
        }
      }
      alloc %A_inp0: f32[4, 4] inp {
        for %A_inp0_0 from 0 extent 4 {
          for %A_inp0_1 from 0 extent 4 {
            %A_inp0[%A_inp0_0, %A_inp0_1] = %A[%io * 4 + %A_inp0_0, %A_inp0_1]
          }
        }
        alloc %C_acc: f32[4, 16] acc {
          for %ii from 0 extent 4 {
            for %j from 0 extent 16 {
              %C_acc[%ii, %j] = 0.0
            }
          }
          call @tessera.gemm(&%C_acc[0, 0], &%A_inp0[0, 0], &%B_wgt1[0, 0], 4, 16, 4)
          for %ii from 0 extent 4 {
            for %j from 0 extent 16 {
              %C[%io * 4 + %ii, %j] = %C_acc[%ii, %j]
            }
          }
        }
      }
    }
  }
}
)");
}

// prefetch: inside %k, the line of B the next column tile (%j + 8, clamped to 15) reads
// at the same %k, with the vectorized %ji at its first lane.
TEST(Schedule, PrefetchAheadAlongAnAxis) {
  Schedule s(matmul());
  ASSERT_TRUE(s.split("C", "j", 8, "jo", "ji").ok());
  ASSERT_TRUE(s.reorder("C", {"i", "jo", "k", "ji"}).ok());
  ASSERT_TRUE(s.cacheWrite("C", "jo", MemScope::Local).ok());
  ASSERT_TRUE(s.vectorize("C", "ji").ok());
  ASSERT_TRUE(s.prefetch("C", "B", "k", "j", 8).ok());
  EXPECT_EQ(lowered(s), R"(func @matmul(%A: f32[8, 4] global, %B: f32[4, 16] global, %C: f32[8, 16] global) {
  for %i from 0 extent 8 {
    for %jo from 0 extent 2 {
      alloc %C_local: f32[8] local {
        vectorized for %ji from 0 extent 8 {
          %C_local[%ji] = 0.0
        }
        for %k from 0 extent 4 {
          call @prefetch(&%B[%k, min(%jo * 8 + 8, 15)])
          vectorized for %ji from 0 extent 8 {
            %C_local[%ji] = %C_local[%ji] + %A[%i, %k] * %B[%k, %jo * 8 + %ji]
          }
        }
        vectorized for %ji from 0 extent 8 {
          %C[%i, %jo * 8 + %ji] = %C_local[%ji]
        }
      }
    }
  }
}
)");
}

TEST(Schedule, RejectsInvalidPrimitives) {
  Schedule s(matmul());
  EXPECT_EQ(s.split("C", "q", 4, "a", "b").message(), "schedule: stage %C has no loop %q");
  EXPECT_EQ(s.parallel("C", "k").message(), "schedule: reduction loop %k cannot run in parallel");
  EXPECT_EQ(s.cacheWrite("C", "k", MemScope::Local).message(),
            "schedule: cache_write of %C at %k: reduction loop %k is outside it");
  EXPECT_EQ(s.fuse("C", "i", "k", "ik").message(), "schedule: fuse needs %k directly inside %i");
  EXPECT_EQ(s.prefetch("C", "Q", "k", "j", 1).message(), "schedule: prefetch of unknown buffer %Q");
  EXPECT_EQ(s.prefetch("C", "B", "k", "q", 1).message(), "schedule: prefetch of %B: stage %C has no axis %q");
  EXPECT_EQ(s.prefetch("C", "B", "k", "j", 0).message(), "schedule: prefetch of %B along %j: the offset is 0");
  ASSERT_TRUE(s.prefetch("C", "B", "i", "j", 1).ok());
  EXPECT_EQ(s.lower().status().message(),
            "prefetch of %B in %C: loop %i is not an update loop inside the accumulator");
  Schedule unread(matmul());
  ASSERT_TRUE(unread.prefetch("C", "C", "k", "j", 1).ok());
  EXPECT_EQ(unread.lower().status().message(), "prefetch of %C in %C: the stage does not read it");
}

} // namespace
} // namespace tessera::loop
