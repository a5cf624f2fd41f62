//===- cpu_jit_test.cpp - Loop IR compiled by LLVM and run in process -----------------===//
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "compiler/codegen/cpu_jit.h"
#include "compiler/codegen/thread_pool.h"
#include "compiler/loop/parser.h"
#include "compiler/loop/pass_manager.h"
#include "compiler/loop/schedule.h"

namespace tessera::codegen {
namespace {

std::vector<float> randomVector(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1, 1);
  std::vector<float> v(n);
  for (float &x : v) x = dist(rng);
  return v;
}

// Every statement kind and loop kind on the CPU: parallel, vectorized, unrolled (by
// the pass), local and global allocations, conditionals, math and selects.
TEST(CpuJit, RunsEveryLoopKind) {
  auto module = loop::parseModule(R"(func @k(%x: f32[4, 16] global, %y: f32[4, 16] global) {
  alloc %g: f32[4, 16] global {
    parallel for %i from 0 extent 4 {
      alloc %t: f32[16] local {
        vectorized for %j from 0 extent 16 {
          %t[%j] = max(%x[%i, %j], 0.0) + exp(%x[%i, %j] * 0.0)
        }
        unrolled for %u from 0 extent 2 {
          for %j from 0 extent 8 {
            %g[%i, %u * 8 + %j] = %t[%u * 8 + %j]
          }
        }
      }
    }
    for %i from 0 extent 4 {
      vthread for %v from 0 extent 2 {
        for %j from 0 extent 8 {
          if %i < 2 {
            %y[%i, %v * 8 + %j] = select(%j == 0, tanh(%g[%i, %v * 8 + %j]), %g[%i, %v * 8 + %j])
          } else {
            %y[%i, %v * 8 + %j] = f32(%i * 10 + %j)
          }
        }
      }
    }
  }
}
)");
  ASSERT_TRUE(module.ok()) << module.status();
  ASSERT_TRUE(loop::runLoopPipeline(*module, "unroll-loops").ok());
  setParallelThreads(2);
  auto jit = CpuJit::compile(*module);
  ASSERT_TRUE(jit.ok()) << jit.status();
  auto fn = (*jit)->lookup("k");
  ASSERT_TRUE(fn.ok()) << fn.status();
  std::vector<float> x = randomVector(64, 1), y(64, -1);
  void *args[] = {x.data(), y.data()};
  (*fn)(args);
  for (int i = 0; i < 4; ++i) {
    for (int j = 0; j < 16; ++j) {
      float g = std::max(x[i * 16 + j], 0.0f) + 1.0f;
      float want = i < 2 ? ((j % 8) == 0 ? std::tanh(g) : g) : static_cast<float>(i * 10 + j % 8);
      EXPECT_NEAR(y[i * 16 + j], want, 1e-6) << i << "," << j;
    }
  }
}

// A scheduled matmul (register tile in a local buffer, unrolled and vectorized,
// parallel rows) matches a plain triple loop.
TEST(CpuJit, ScheduledMatmulMatchesReference) {
  const int M = 24, N = 40, K = 33;
  loop::Buffer a{"A", DType::F32, {M, K}}, b{"B", DType::F32, {K, N}}, c{"C", DType::F32, {M, N}};
  loop::Stage s;
  s.output = c;
  s.axes = {"i", "j"};
  s.reduceAxes = {{"k", K}};
  s.combiner = loop::Combiner::Sum;
  s.init = loop::floatImm(0.0);
  s.body = loop::load("A", DType::F32, {loop::var("i"), loop::var("k")}) *
           loop::load("B", DType::F32, {loop::var("k"), loop::var("j")});
  loop::Schedule sched(loop::ComputeFunc{"mm", {a, b, c}, {}, {s}});
  ASSERT_TRUE(sched.split("C", "i", 4, "io", "ii").ok());
  ASSERT_TRUE(sched.split("C", "j", 8, "jo", "ji").ok());
  ASSERT_TRUE(sched.reorder("C", {"io", "jo", "k", "ii", "ji"}).ok());
  ASSERT_TRUE(sched.cacheWrite("C", "jo", loop::MemScope::Local).ok());
  ASSERT_TRUE(sched.parallel("C", "io").ok());
  ASSERT_TRUE(sched.unroll("C", "ii").ok());
  ASSERT_TRUE(sched.vectorize("C", "ji").ok());
  auto func = sched.lower();
  ASSERT_TRUE(func.ok()) << func.status();
  loop::Module module{{*func}};
  ASSERT_TRUE(loop::runLoopPipeline(module, "simplify,unroll-loops").ok());
  setParallelThreads(2);
  auto jit = CpuJit::compile(module);
  ASSERT_TRUE(jit.ok()) << jit.status();
  auto fn = (*jit)->lookup("mm");
  ASSERT_TRUE(fn.ok());
  std::vector<float> av = randomVector(M * K, 2), bv = randomVector(K * N, 3), cv(M * N);
  void *args[] = {av.data(), bv.data(), cv.data()};
  (*fn)(args);
  for (int i = 0; i < M; ++i)
    for (int j = 0; j < N; ++j) {
      double want = 0;
      for (int k = 0; k < K; ++k) want += av[i * K + k] * bv[k * N + j];
      EXPECT_NEAR(cv[i * N + j], want, 1e-4);
    }
}

TEST(CpuJit, IntrinsicWithoutCpuLoweringIsAnError) {
  auto module = loop::parseModule("func @k(%x: f32[4] global) {\n  call @tessera.gemm(&%x[0], 4)\n}\n");
  ASSERT_TRUE(module.ok());
  auto jit = CpuJit::compile(*module);
  ASSERT_FALSE(jit.ok());
  EXPECT_EQ(jit.status().message(), "LLVM codegen of @k: intrinsic @tessera.gemm has no CPU lowering");
}

} // namespace
} // namespace tessera::codegen
