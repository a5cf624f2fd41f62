//===- cpu_jit_test.cpp - Loop IR compiled by LLVM and run in process -----------------===//
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include <llvm/IR/Module.h>
#include <llvm/Support/raw_ostream.h>

#include "compiler/codegen/cpu_jit.h"
#include "compiler/codegen/llvm_codegen.h"
#include "compiler/codegen/thread_pool.h"
#include "compiler/loop/parser.h"
#include "compiler/loop/pass_manager.h"
#include "compiler/loop/schedule.h"
#include "support/strings.h"

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

// A zero-padding kernel: x of [1, 2, 3, 5] into y of [1, 2, 5, 7], one padded row
// (7 wide: not a multiple of 8) per vector loop. `wBound` is the condition's part on
// the column; the row is always bounded.
std::string padKernel(const std::string &wBound) {
  return R"(func @pad(%x: f32[1, 2, 3, 5] global, %y: f32[1, 2, 5, 7] global) {
  parallel for %r from 0 extent 10 {
    vectorized for %w from 0 extent 7 {
      %y[0, %r / 5, %r % 5, %w] = select(%r % 5 - 1 >= 0 && %r % 5 - 1 < 3 && ()" +
         wBound + R"(), %x[0, %r / 5, min(max(%r % 5 - 1, 0), 2), min(max(%w - 1, 0), 4)], 0.0)
    }
  }
}
)";
}

/// The unoptimized LLVM IR of `module` (what the codegen chose, before O3).
std::string llvmIr(const loop::Module &module) {
  llvm::LLVMContext context;
  auto llvmModule = emitLlvmModule(module, context, "test");
  if (!llvmModule.ok()) return "error: " + std::string(llvmModule.status().message());
  std::string text;
  llvm::raw_string_ostream os(text);
  (*llvmModule)->print(os, nullptr);
  return text;
}

// A parallel loop that starts past 0 (a part of a loop partition-loops split) runs in
// parallel too, over its own iterations only.
TEST(CpuJit, ParallelLoopFromANonZeroStart) {
  auto module = loop::parseModule(R"(func @part(%x: f32[64, 16] global, %y: f32[64, 16] global) {
  parallel for %i from 5 extent 50 {
    vectorized for %j from 0 extent 16 {
      %y[%i, %j] = %x[%i, %j] * 2.0 + f32(%i)
    }
  }
}
)");
  ASSERT_TRUE(module.ok()) << module.status();
  std::string ir = llvmIr(*module);
  EXPECT_NE(ir.find("@part.body.par0"), std::string::npos) << "the loop was not outlined for the thread pool\n" << ir;
  setParallelThreads(2);
  auto jit = CpuJit::compile(*module);
  ASSERT_TRUE(jit.ok()) << jit.status();
  auto fn = (*jit)->lookup("part");
  ASSERT_TRUE(fn.ok()) << fn.status();
  std::vector<float> x = randomVector(64 * 16, 4), y(64 * 16, -1);
  void *args[] = {x.data(), y.data()};
  (*fn)(args);
  for (int i = 0; i < 64; ++i)
    for (int j = 0; j < 16; ++j) {
      float want = i >= 5 && i < 55 ? x[i * 16 + j] * 2 + float(i) : -1.0f;
      ASSERT_EQ(y[i * 16 + j], want) << i << "," << j;
    }
}

/// Runs @pad on x = 1, 2, 3, ... and returns y (initialized to -1).
std::vector<float> runPad(const loop::Module &module) {
  setParallelThreads(2);
  auto jit = CpuJit::compile(module);
  EXPECT_TRUE(jit.ok()) << jit.status();
  if (!jit.ok()) return {};
  auto fn = (*jit)->lookup("pad");
  EXPECT_TRUE(fn.ok()) << fn.status();
  if (!fn.ok()) return {};
  std::vector<float> x(2 * 3 * 5), y(2 * 5 * 7, -1);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i + 1);
  void *args[] = {x.data(), y.data()};
  (*fn)(args);
  return y;
}

// The condition bounds both clamped indices, so the clamps are the identity under it:
// one masked vector load per row (lanes outside the input read nothing and take 0),
// lane 0's address before the input's start for the first row. Borders are 0, the
// interior is x.
TEST(CpuJit, ZeroPaddingSelectBecomesMaskedLoad) {
  auto module = loop::parseModule(padKernel("%w - 1 >= 0 && %w - 1 < 5"));
  ASSERT_TRUE(module.ok()) << module.status();
  std::string ir = llvmIr(*module);
  EXPECT_NE(ir.find("@llvm.masked.load"), std::string::npos) << ir;
  EXPECT_EQ(ir.find("@llvm.masked.gather"), std::string::npos) << ir;
  std::vector<float> y = runPad(*module);
  ASSERT_EQ(y.size(), 70u);
  for (int c = 0; c < 2; ++c)
    for (int h = 0; h < 5; ++h)
      for (int w = 0; w < 7; ++w) {
        bool inside = h >= 1 && h <= 3 && w >= 1 && w <= 5;
        float want = inside ? static_cast<float>(c * 15 + (h - 1) * 5 + (w - 1) + 1) : 0.0f;
        EXPECT_EQ(y[(c * 5 + h) * 7 + w], want) << c << "," << h << "," << w;
      }
}

// Only `w - 1 >= 0` bounds the column: its clamp is not the identity (column 6 reads
// x's last column, not the next row's first), so the select takes the generic path.
TEST(CpuJit, PaddingSelectWithUnboundedClampKeepsTheClamp) {
  auto module = loop::parseModule(padKernel("%w - 1 >= 0"));
  ASSERT_TRUE(module.ok()) << module.status();
  std::string ir = llvmIr(*module);
  EXPECT_EQ(ir.find("@llvm.masked.load"), std::string::npos) << ir;
  std::vector<float> y = runPad(*module);
  ASSERT_EQ(y.size(), 70u);
  for (int c = 0; c < 2; ++c)
    for (int h = 0; h < 5; ++h)
      for (int w = 0; w < 7; ++w) {
        bool inside = h >= 1 && h <= 3 && w >= 1;
        float want = inside ? static_cast<float>(c * 15 + (h - 1) * 5 + std::min(w - 1, 4) + 1) : 0.0f;
        EXPECT_EQ(y[(c * 5 + h) * 7 + w], want) << c << "," << h << "," << w;
      }
}

// A stride-2 pooling row whose last tile is guarded (13 outputs of 27 inputs in two
// tiles of 8): the guarded tile reads its lanes with one masked contiguous load and
// a shuffle, never a gather, and nothing past the input (ASan would see it).
TEST(CpuJit, GuardedStridedLoadIsAMaskedLoad) {
  auto module = loop::parseModule(R"(func @pool(%x: f32[27] global, %y: f32[13] global) {
  for %wo from 0 extent 2 {
    vectorized for %wi from 0 extent 8 {
      if %wo * 8 + %wi < 13 {
        %y[%wo * 8 + %wi] = max(%x[(%wo * 8 + %wi) * 2], %x[(%wo * 8 + %wi) * 2 + 1])
      }
    }
  }
}
)");
  ASSERT_TRUE(module.ok()) << module.status();
  std::string ir = llvmIr(*module);
  EXPECT_NE(ir.find("@llvm.masked.load"), std::string::npos) << ir;
  EXPECT_EQ(ir.find("@llvm.masked.gather"), std::string::npos) << ir;
  auto jit = CpuJit::compile(*module);
  ASSERT_TRUE(jit.ok()) << jit.status();
  auto fn = (*jit)->lookup("pool");
  ASSERT_TRUE(fn.ok()) << fn.status();
  std::vector<float> x(27), y(13, -1);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>((i * 7) % 11);
  void *args[] = {x.data(), y.data()};
  (*fn)(args);
  for (size_t k = 0; k < y.size(); ++k) EXPECT_EQ(y[k], std::max(x[2 * k], x[2 * k + 1])) << k;
}

/// A conv-like tile: `pixels` unrolled vector loops over `lanes` channels, each
/// pixel's channels written 26 elements apart into y[c, h, p] (two rows h of 13
/// pixels; the row index not affine, as a fused parallel loop's `/` and `%` are not).
std::string tileKernel(int pixels, int lanes) {
  return strCat("func @tile(%x: f32[13, ", lanes, "] global, %y: f32[", lanes, R"(, 2, 13] global) {
  for %h from 0 extent 2 {
    unrolled for %p from 0 extent )", pixels, R"( {
      vectorized for %c from 0 extent )", lanes, R"( {
        %y[%c, %h % 2, %p] = max(%x[%p, %c] * f32(%h + 1), 0.0)
      }
    }
  }
}
)");
}

// The unrolled pixels' stores are consecutive in each channel: transposed in
// registers, one store per channel instead of a scalar store per lane, masked to the
// run's pixels when they are fewer than the lanes. Not for one pixel, nor for a
// partial run of 8 lanes (AVX2's masked store).
TEST(CpuJit, TileOfChannelVectorsIsStoredTransposed) {
  struct Case {
    int pixels, lanes;
    bool transposed, masked;
  };
  for (Case t : {Case{1, 16, false, false}, Case{2, 16, true, true}, Case{13, 16, true, true},
                 Case{8, 8, true, false}, Case{5, 8, false, false}}) {
    SCOPED_TRACE(strCat(t.pixels, " pixels of ", t.lanes, " lanes"));
    auto module = loop::parseModule(tileKernel(t.pixels, t.lanes));
    ASSERT_TRUE(module.ok()) << module.status();
    ASSERT_TRUE(loop::runLoopPipeline(*module, "unroll-loops").ok());
    std::string ir = llvmIr(*module);
    EXPECT_EQ(ir.find("@llvm.masked.store") != std::string::npos, t.masked) << ir;
    EXPECT_EQ(ir.find("extractelement") != std::string::npos, !t.transposed) << ir;
    auto jit = CpuJit::compile(*module);
    ASSERT_TRUE(jit.ok()) << jit.status();
    auto fn = (*jit)->lookup("tile");
    ASSERT_TRUE(fn.ok()) << fn.status();
    std::vector<float> x = randomVector(13 * static_cast<size_t>(t.lanes), 5), y(static_cast<size_t>(t.lanes) * 26, -7);
    void *args[] = {x.data(), y.data()};
    (*fn)(args);
    for (int c = 0; c < t.lanes; ++c)
      for (int h = 0; h < 2; ++h)
        for (int p = 0; p < 13; ++p) {
          float want = p < t.pixels ? std::max(x[p * t.lanes + c] * static_cast<float>(h + 1), 0.0f) : -7.0f;
          ASSERT_EQ(y[(c * 2 + h) * 13 + p], want) << c << "," << h << "," << p;
        }
  }
}

// `call @prefetch(&%w[...])` is a read hint into L2 (llvm.prefetch, locality 2, data)
// that changes no value.
TEST(CpuJit, PrefetchIsAReadHintIntoL2) {
  auto module = loop::parseModule(R"(func @k(%w: f32[4, 16] global, %y: f32[4, 16] global) {
  for %i from 0 extent 4 {
    call @prefetch(&%w[min(%i + 1, 3), 0])
    vectorized for %j from 0 extent 16 {
      %y[%i, %j] = %w[%i, %j] * 2.0
    }
  }
}
)");
  ASSERT_TRUE(module.ok()) << module.status();
  std::string ir = llvmIr(*module);
  EXPECT_NE(ir.find("call void @llvm.prefetch.p0(ptr %"), std::string::npos) << ir;
  EXPECT_NE(ir.find(", i32 0, i32 2, i32 1)"), std::string::npos) << ir;
  auto jit = CpuJit::compile(*module);
  ASSERT_TRUE(jit.ok()) << jit.status();
  auto fn = (*jit)->lookup("k");
  ASSERT_TRUE(fn.ok()) << fn.status();
  std::vector<float> w = randomVector(64, 3), y(64, 0);
  void *args[] = {w.data(), y.data()};
  (*fn)(args);
  for (size_t k = 0; k < 64; ++k) EXPECT_EQ(y[k], w[k] * 2.0f) << k;

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

namespace tessera::codegen {
namespace {

TEST(TargetCpu, AnAvx2CpuGivesEightLaneSchedulesAndResets) {
  ASSERT_TRUE(setTargetCpu("x86-64-v3").ok());
  EXPECT_EQ(hostVectorRegisters(), 16);
  EXPECT_EQ(hostCpuDescription(), "x86-64-v3, 16 vector registers");
  auto tm = hostTargetMachine();
  ASSERT_TRUE(tm.ok()) << tm.status();
  EXPECT_EQ((*tm)->getTargetCPU().str(), "x86-64-v3");
  EXPECT_EQ((*tm)->getTargetFeatureString().find("avx512"), std::string::npos);
  ASSERT_TRUE(setTargetCpu("").ok());
  EXPECT_EQ(hostCpuDescription().find("x86-64-v3"), std::string::npos);
}

TEST(TargetCpu, AnUnknownCpuNameIsAnError) {
  Status status = setTargetCpu("no-such-cpu");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("'no-such-cpu'"), std::string::npos) << status;
  EXPECT_EQ(hostCpuDescription().find("no-such-cpu"), std::string::npos);
}

} // namespace
} // namespace tessera::codegen
