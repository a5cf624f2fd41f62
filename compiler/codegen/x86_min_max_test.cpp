//===- x86_min_max_test.cpp - NaN-propagating min/max as x86 MAXPS/MINPS -------------===//
#include "compiler/codegen/x86_min_max.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include <llvm/MC/TargetRegistry.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/TargetParser/Host.h>

#include "compiler/codegen/cpu_jit.h"
#include "compiler/codegen/llvm_codegen.h"
#include "compiler/loop/parser.h"

namespace tessera::codegen {
namespace {

// Max and min over 16 and 8 lanes of f32, and one scalar max (not a vector: kept).
constexpr const char *kMinMax = R"(func @minmax(%a: f32[16] global, %c: f32[16] global, %hi: f32[16] global, %lo: f32[8] global, %s: f32[1] global) {
  vectorized for %i from 0 extent 16 {
    %hi[%i] = max(%a[%i], %c[%i])
  }
  vectorized for %i from 0 extent 8 {
    %lo[%i] = min(%a[%i], %c[%i])
  }
  %s[0] = max(%a[0], %c[0])
}
)";

/// An x86 target machine for the LLVM CPU `cpu` (no host check: the IR is only rewritten).
std::unique_ptr<llvm::TargetMachine> x86Machine(const std::string &cpu) {
  EXPECT_TRUE(hostTargetMachine().ok());  // registers the native target
  std::string triple = llvm::sys::getProcessTriple(), error;
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target) return nullptr;
  return std::unique_ptr<llvm::TargetMachine>(
      target->createTargetMachine(triple, cpu, "", llvm::TargetOptions(), std::nullopt));
}

std::string rewritten(const std::string &cpu, int *count) {
  auto module = loop::parseModule(kMinMax);
  EXPECT_TRUE(module.ok()) << module.status();
  llvm::LLVMContext context;
  auto llvmModule = emitLlvmModule(*module, context, "test");
  EXPECT_TRUE(llvmModule.ok()) << llvmModule.status();
  std::unique_ptr<llvm::TargetMachine> tm = x86Machine(cpu);
  if (!tm) return "no x86 target";
  *count = useX86MinMax(**llvmModule, *tm);
  std::string text;
  llvm::raw_string_ostream os(text);
  (*llvmModule)->print(os, nullptr);
  return text;
}

TEST(X86MinMax, Avx512RewritesEachVectorMinMax) {
  if (!llvm::Triple(llvm::sys::getProcessTriple()).isX86()) GTEST_SKIP() << "not an x86 host";
  int count = -1;
  std::string ir = rewritten("x86-64-v4", &count);
  EXPECT_EQ(count, 2) << ir;  // the two vectors; the scalar max stays a select
  EXPECT_NE(ir.find("call <16 x float> @llvm.x86.avx512.max.ps.512("), std::string::npos) << ir;
  EXPECT_NE(ir.find("call <8 x float> @llvm.x86.avx.min.ps.256("), std::string::npos) << ir;
}

// Without AVX-512 a 16-lane vector has no one instruction: only the 8-lane min is rewritten.
TEST(X86MinMax, Avx2RewritesTheVectorsItHas) {
  if (!llvm::Triple(llvm::sys::getProcessTriple()).isX86()) GTEST_SKIP() << "not an x86 host";
  int count = -1;
  std::string ir = rewritten("x86-64-v3", &count);
  EXPECT_EQ(count, 1) << ir;
  EXPECT_EQ(ir.find("avx512"), std::string::npos) << ir;
  EXPECT_NE(ir.find("call <8 x float> @llvm.x86.avx.min.ps.256("), std::string::npos) << ir;
}

// On the host's own code: NaN in either operand gives NaN, infinities order, and +0/-0
// compare equal to the answer.
TEST(X86MinMax, HostCodeKeepsNaNInEitherOperand) {
  auto module = loop::parseModule(kMinMax);
  ASSERT_TRUE(module.ok()) << module.status();
  auto jit = CpuJit::compile(*module);
  ASSERT_TRUE(jit.ok()) << jit.status();
  auto fn = (*jit)->lookup("minmax");
  ASSERT_TRUE(fn.ok()) << fn.status();
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  float a[16] = {nan, 1, nan, -inf, inf, 0.0f, -0.0f, 3, 2, -5, nan, 7, 1, 1, -inf, 4};
  float c[16] = {1, nan, nan, 2, -1, -0.0f, 0.0f, 3, -2, -4, 0, nan, inf, -inf, -inf, 4};
  float hi[16], lo[8], s[1];
  void *args[] = {a, c, hi, lo, s};
  (*fn)(args);
  for (int k = 0; k < 16; ++k) {
    bool anyNaN = std::isnan(a[k]) || std::isnan(c[k]);
    if (anyNaN) EXPECT_TRUE(std::isnan(hi[k])) << k;
    else EXPECT_EQ(hi[k], std::max(a[k], c[k])) << k;
    if (k >= 8) continue;
    if (anyNaN) EXPECT_TRUE(std::isnan(lo[k])) << k;
    else EXPECT_EQ(lo[k], std::min(a[k], c[k])) << k;
  }
  EXPECT_TRUE(std::isnan(s[0]));
}

} // namespace
} // namespace tessera::codegen
