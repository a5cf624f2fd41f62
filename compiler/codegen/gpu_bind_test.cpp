//===- gpu_bind_test.cpp - GPU loops bound to block/thread indices, as text ------------===//
#include "compiler/codegen/gpu_bind.h"

#include <gtest/gtest.h>

#include "compiler/loop/parser.h"
#include "compiler/loop/printer.h"

namespace tessera::codegen {
namespace {

StatusOr<BoundKernel> bind(const std::string &text) {
  TS_ASSIGN_OR_RETURN(loop::Func func, loop::parseFunc(text));
  return bindGpuLoops(func);
}

void expectError(const std::string &text, const std::string &message) {
  auto bound = bind(text);
  ASSERT_FALSE(bound.ok());
  EXPECT_NE(bound.status().message().find(message), std::string::npos) << bound.status();
}

// The launch is the widest loop per dimension; the narrower sibling keeps a guard,
// the loop as wide as the launch loses its loop, the vectorized loop runs serially.
TEST(GpuBind, BindsNestedLoopsToDimensions) {
  auto bound = bind(R"(func @k(%a: f32[4, 64] global) {
  gpu_block for %b from 0 extent 4 {
    gpu_thread for %t from 0 extent 32 {
      vectorized for %v from 0 extent 2 {
        %a[%b, %t * 2 + %v] = 1.0
      }
    }
    gpu_thread for %u from 0 extent 16 {
      gpu_thread for %w from 0 extent 3 {
        if %u * 3 + %w < 64 {
          %a[%b, %u * 3 + %w] = 2.0
        }
      }
    }
  }
})");
  ASSERT_TRUE(bound.ok()) << bound.status();
  EXPECT_EQ(loop::printFunc(bound->func), R"(func @k(%a: f32[4, 64] global) {
  for %v from 0 extent 2 {
    %a[%b, %t * 2 + %v] = 1.0
  }
  if %u < 16 {
    if %u * 3 + %w < 64 {
      %a[%b, %u * 3 + %w] = 2.0
    }
  }
}
)");
  EXPECT_EQ(bound->dims, (LaunchDims{{4, 1, 1}, {32, 3, 1}}));
  EXPECT_EQ(bound->indices.at("w").dim, 1);
  EXPECT_EQ(bound->indices.at("b").kind, loop::ForKind::GpuBlock);
}

// The launch as serial loops: blocks outside threads, x innermost.
TEST(GpuBind, HostEmulationLoopsOverTheLaunch) {
  auto bound = bind(R"(func @k(%a: f32[70] global) {
  gpu_block for %b from 0 extent 3 {
    gpu_thread for %t from 0 extent 32 {
      if %b * 32 + %t < 70 {
        %a[%b * 32 + %t] = 1.0
      }
    }
  }
})");
  ASSERT_TRUE(bound.ok()) << bound.status();
  auto host = hostEmulation(*bound);
  ASSERT_TRUE(host.ok()) << host.status();
  EXPECT_EQ(loop::printFunc(*host), R"(func @k(%a: f32[70] global) {
  for %b from 0 extent 3 {
    for %t from 0 extent 32 {
      if %b * 32 + %t < 70 {
        %a[%b * 32 + %t] = 1.0
      }
    }
  }
}
)");
  auto shifted = bind("func @k(%a: f32[4] global) {\n  gpu_thread for %t from 1 extent 3 {\n    %a[%t] = 1.0\n  }\n}");
  ASSERT_TRUE(shifted.ok()) << shifted.status();
  EXPECT_FALSE(hostEmulation(*shifted).ok());
}

TEST(GpuBind, RejectsWhatAKernelCannotRun) {
  expectError("func @k(%a: f32[4] global) {\n  %a[0] = 1.0\n}", "store to %a outside every gpu_thread loop");
  expectError(R"(func @k(%a: f32[4] global) {
  gpu_thread for %t from 0 extent 4 {
    gpu_block for %b from 0 extent 4 {
      %a[%t] = 1.0
    }
  }
})",
              "gpu_block loop %b is inside a gpu_thread loop");
  expectError(R"(func @k(%a: f32[4] global) {
  gpu_thread for %t from 0 extent 64 {
    gpu_thread for %u from 0 extent 32 {
      %a[0] = 1.0
    }
  }
})",
              "2048 threads per block (at most 1024)");
  expectError(R"(func @k(%a: f32[4] global) {
  gpu_block for %b from 0 extent 4 {
    gpu_thread for %t from 0 extent %b + 1 {
      %a[%t] = 1.0
    }
  }
})",
              "gpu_thread loop %t needs a constant minimum and a positive constant extent");
  expectError(R"(func @k(%a: f32[4] global) {
  gpu_block for %b from 0 extent 4 {
    alloc %g: f32[4] global {
      gpu_thread for %t from 0 extent 4 {
        %g[%t] = 1.0
      }
    }
  }
})",
              "global buffer %g allocated inside the kernel");
  expectError("func @k(%a: f32[4] global) {\n  for %i from 0 extent 4 {\n    %a[%i] = 1.0\n  }\n}",
              "store to %a outside every gpu_thread loop");
}

} // namespace
} // namespace tessera::codegen
