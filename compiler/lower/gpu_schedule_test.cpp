//===- gpu_schedule_test.cpp - GPU schedules, checked on the loop IR they produce -----===//
#include "compiler/lower/gpu_schedule.h"

#include <gtest/gtest.h>

#include "compiler/loop/printer.h"

namespace tessera::lower {
namespace {

using namespace tessera::loop;

/// C[i, j] = sum_k A[i, k] * B[k, j] with C of 8x40, A of 8x3.
ComputeFunc matmul() {
  Buffer a{"A", DType::F32, {8, 3}}, b{"B", DType::F32, {3, 40}}, c{"C", DType::F32, {8, 40}};
  Stage s;
  s.output = c;
  s.axes = {"i", "j"};
  s.reduceAxes = {{"k", 3}};
  s.combiner = Combiner::Sum;
  s.init = floatImm(0.0);
  s.body = load("A", DType::F32, {var("i"), var("k")}) * load("B", DType::F32, {var("k"), var("j")});
  return ComputeFunc{"mm", {a, b, c}, {}, {s}};
}

/// y = relu(x + 1) through a temporary: two stages.
ComputeFunc twoStages() {
  Buffer x{"x", DType::F32, {6}}, t{"t", DType::F32, {6}}, y{"y", DType::F32, {6}};
  Stage add{t, {"i"}, {}, Combiner::None, nullptr, load("x", DType::F32, {var("i")}) + floatImm(1.0), nullptr, ""};
  Stage relu{y, {"j"}, {}, Combiner::None, nullptr, maxExpr(load("t", DType::F32, {var("j")}), floatImm(0.0)), nullptr, ""};
  return ComputeFunc{"ew", {x, y}, {t}, {add, relu}};
}

// The 320 outputs are fused into one loop, 128 threads per block over 3 blocks (the
// last one partly idle: the guard), the reduction in a one-element register.
TEST(GpuSchedule, MatmulOneThreadPerOutput) {
  auto program = lowerForGpu(matmul(), {/*threadsPerBlock=*/128});
  ASSERT_TRUE(program.ok()) << program.status();
  ASSERT_EQ(program->module.funcs.size(), 1u);
  EXPECT_EQ(program->temps, 0u);
  EXPECT_EQ(printFunc(program->module.funcs[0]), R"(func @mm(%A: f32[8, 3] global, %B: f32[3, 40] global, %C: f32[8, 40] global) {
  gpu_block for %gpu_bx from 0 extent 3 {
    gpu_thread for %gpu_tx from 0 extent 128 {
      alloc %C_local: f32[1] local {
        if %gpu_bx * 128 + %gpu_tx < 320 {
          %C_local[0] = 0.0
        }
        for %k from 0 extent 3 {
          if %gpu_bx * 128 + %gpu_tx < 320 {
            %C_local[0] = %C_local[0] + %A[(%gpu_bx * 128 + %gpu_tx) / 40, %k] * %B[%k, (%gpu_bx * 128 + %gpu_tx) % 40]
          }
        }
        if %gpu_bx * 128 + %gpu_tx < 320 {
          %C[(%gpu_bx * 128 + %gpu_tx) / 40, (%gpu_bx * 128 + %gpu_tx) % 40] = %C_local[0]
        }
      }
    }
  }
}
)");
}

// Two stages make two kernels (the second reads what other threads of the first
// wrote); the temporary is the last parameter of both. Six outputs: one block of six.
TEST(GpuSchedule, OneKernelPerStage) {
  auto program = lowerForGpu(twoStages());
  ASSERT_TRUE(program.ok()) << program.status();
  EXPECT_EQ(printModule(program->module), R"(func @ew_s0(%x: f32[6] global, %y: f32[6] global, %t: f32[6] global) {
  gpu_block for %gpu_bx from 0 extent 1 {
    gpu_thread for %gpu_tx from 0 extent 6 {
      %t[%gpu_bx * 6 + %gpu_tx] = %x[%gpu_bx * 6 + %gpu_tx] + 1.0
    }
  }
}

func @ew_s1(%x: f32[6] global, %y: f32[6] global, %t: f32[6] global) {
  gpu_block for %gpu_bx from 0 extent 1 {
    gpu_thread for %gpu_tx from 0 extent 6 {
      %y[%gpu_bx * 6 + %gpu_tx] = max(%t[%gpu_bx * 6 + %gpu_tx], 0.0)
    }
  }
}
)");
  ASSERT_EQ(program->params.size(), 3u);
  EXPECT_EQ(program->params[2].name, "t");
  EXPECT_EQ(program->temps, 1u);
}

TEST(GpuSchedule, RejectsBadBlockSizes) {
  Schedule s(matmul());
  Status status = scheduleStageForGpu(s, "C", {/*threadsPerBlock=*/2048});
  EXPECT_NE(status.message().find("2048 threads per block (1 to 1024)"), std::string::npos) << status;
  EXPECT_FALSE(scheduleStageForGpu(s, "nope").ok());
}

} // namespace
} // namespace tessera::lower
