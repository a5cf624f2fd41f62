//===- nvptx_codegen_test.cpp - PTX for matmul, conv, elementwise; assembled by ptxas ---===//
#include "compiler/codegen/nvptx_codegen.h"

#include <gtest/gtest.h>

#include <llvm/Support/raw_ostream.h>

#include "compiler/codegen/gpu_test_util.h"
#include "compiler/codegen/ptxas.h"

namespace tessera::codegen {
namespace {

using testing::allKernels;
using testing::gpuProgram;

bool contains(const std::string &text, const std::string &piece) { return text.find(piece) != std::string::npos; }

PtxModule compile(const testing::TestKernel &k, const std::string &arch) {
  auto ptx = compileToPtx(gpuProgram(k).module, arch);
  EXPECT_TRUE(ptx.ok()) << k.name << " for " << arch << ": " << ptx.status();
  return ptx.ok() ? *ptx : PtxModule{};
}

// The check: PTX for a matmul and a conv (and an elementwise kernel using
// every function NVPTX lowers itself) assembles with ptxas for sm_80 and sm_90.
TEST(Nvptx, MatmulConvElementwiseAssembleWithPtxas) {
  std::vector<std::pair<std::string, PtxModule>> modules;
  for (const std::string arch : {"sm_80", "sm_90"})
    for (const testing::TestKernel &k : allKernels()) modules.emplace_back(k.name, compile(k, arch));
  std::optional<std::string> ptxas = findPtxas();
  if (!ptxas) GTEST_SKIP() << "ptxas not found ($TESSERA_PTXAS, PATH, /usr/local/cuda/bin): PTX generated, not assembled";
  for (const auto &[name, module] : modules) {
    auto result = runPtxas(*ptxas, module.ptx, module.arch);
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(result->exitStatus, 0) << name << " for " << module.arch << ":\n" << result->output << "\n" << module.ptx;
  }
}

// Kernel entries, the block size as .maxntid, and the block/thread indices.
TEST(Nvptx, PtxHasKernelEntriesAndHardwareIndices) {
  PtxModule mm = compile(testing::matmulKernel(), "sm_80");
  EXPECT_TRUE(contains(mm.ptx, ".target sm_80")) << mm.ptx;
  EXPECT_TRUE(contains(mm.ptx, ".visible .entry mm(")) << mm.ptx;
  EXPECT_TRUE(contains(mm.ptx, ".maxntid 256, 1, 1")) << mm.ptx;
  EXPECT_TRUE(contains(mm.ptx, "%ctaid.x")) << mm.ptx;
  EXPECT_TRUE(contains(mm.ptx, "%tid.x")) << mm.ptx;
  EXPECT_TRUE(contains(mm.ptx, "ld.global")) << mm.ptx;
  // 37 x 70 = 2590 outputs: 11 blocks of 256 threads.
  ASSERT_EQ(mm.kernels.size(), 1u);
  EXPECT_EQ(mm.kernels[0].dims, (LaunchDims{{11, 1, 1}, {256, 1, 1}}));

  PtxModule conv = compile(testing::convKernel(), "sm_90");
  EXPECT_TRUE(contains(conv.ptx, ".target sm_90")) << conv.ptx;
  EXPECT_TRUE(contains(conv.ptx, ".visible .entry conv_s0(")) << conv.ptx;
  EXPECT_TRUE(contains(conv.ptx, ".visible .entry conv_s1(")) << conv.ptx;
  // Padding: 8 x 17 x 17 = 2312 values (10 blocks); conv: 16 x 8 x 8 = 1024 (4 blocks).
  ASSERT_EQ(conv.kernels.size(), 2u);
  EXPECT_EQ(conv.kernels[0].dims, (LaunchDims{{10, 1, 1}, {256, 1, 1}}));
  EXPECT_EQ(conv.kernels[1].dims, (LaunchDims{{4, 1, 1}, {256, 1, 1}}));
  ASSERT_NE(conv.findKernel("conv_s1"), nullptr);

  PtxModule ew = compile(testing::elementwiseKernel(), "sm_80");
  EXPECT_TRUE(contains(ew.ptx, "ex2.approx")) << ew.ptx;
  EXPECT_TRUE(contains(ew.ptx, "lg2.approx")) << ew.ptx;
  EXPECT_TRUE(contains(ew.ptx, "sin.approx")) << ew.ptx;
  EXPECT_FALSE(contains(ew.ptx, "call")) << "no libm calls are left:\n" << ew.ptx;
}

// Before optimization: kernels in the ptx_kernel convention with global pointers,
// the special registers read once in the entry block, nvvm.annotations.
TEST(Nvptx, LlvmModuleForTheNvptxTriple) {
  llvm::LLVMContext context;
  std::vector<PtxKernel> kernels;
  auto m = emitNvptxModule(gpuProgram(testing::matmulKernel()).module, context, "t", kernels);
  ASSERT_TRUE(m.ok()) << m.status();
  std::string ir;
  llvm::raw_string_ostream os(ir);
  (*m)->print(os, nullptr);
  EXPECT_TRUE(contains(ir, "target triple = \"nvptx64-nvidia-cuda\"")) << ir;
  EXPECT_TRUE(contains(ir, "define ptx_kernel void @mm(ptr addrspace(1) noalias %p0")) << ir;
  EXPECT_TRUE(contains(ir, "call i32 @llvm.nvvm.read.ptx.sreg.ctaid.x()")) << ir;
  EXPECT_TRUE(contains(ir, "call i32 @llvm.nvvm.read.ptx.sreg.tid.x()")) << ir;
  EXPECT_TRUE(contains(ir, "!{ptr @mm, !\"kernel\", i32 1}")) << ir;
  EXPECT_TRUE(contains(ir, "!{ptr @mm, !\"maxntidx\", i32 256}")) << ir;
}

TEST(Nvptx, RejectsUnknownArchitecturesAndNames) {
  loop::Module module = gpuProgram(testing::matmulKernel()).module;
  for (const std::string arch : {"sm_7", "compute_80", "sm80"}) {
    auto ptx = compileToPtx(module, arch);
    ASSERT_FALSE(ptx.ok()) << arch;
    EXPECT_TRUE(contains(std::string(ptx.status().message()), "unknown GPU architecture '" + arch + "'")) << ptx.status();
  }
  module.funcs.push_back(module.funcs[0]);
  auto twice = compileToPtx(module, "sm_80");
  ASSERT_FALSE(twice.ok());
  EXPECT_TRUE(contains(std::string(twice.status().message()), "two kernels are named @mm")) << twice.status();
  module.funcs.pop_back();
  module.funcs[0].name = "mm.v2";
  auto ptx = compileToPtx(module, "sm_80");
  ASSERT_FALSE(ptx.ok());
  EXPECT_TRUE(contains(std::string(ptx.status().message()), "@mm.v2 is not a PTX identifier")) << ptx.status();
}

} // namespace
} // namespace tessera::codegen
