//===- vector_math_test.cpp - Inline f32 exp, sigmoid, tanh, erf, atan against libm -===//
#include "compiler/codegen/vector_math.h"

#include <gtest/gtest.h>

#include <bit>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <vector>

#include "compiler/codegen/cpu_jit.h"
#include "compiler/loop/parser.h"
#include "compiler/codegen/llvm_codegen.h"
#include "support/strings.h"

namespace tessera::codegen {
namespace {

constexpr int64_t kWidth = 16;

/// Special values, then a sweep over every 997th f32 bit pattern (both signs,
/// denormals to infinities, NaNs), padded to a multiple of the vector width.
std::vector<float> sweptInputs() {
  float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  std::vector<float> x = {0.0f,   -0.0f,  inf,     -inf,   nan,     -nan,    FLT_MAX, -FLT_MAX, FLT_MIN,
                          1e-45f, 88.72f, 88.73f,  89.0f,  -87.3f,  -87.4f,  -100.0f, -103.9f,  -103.98f,
                          -104.f, -110.f, 0.125f,  -0.125f, 0.5f,   -0.5f,   2.4142f, 0.4142f, 1e-3f};
  for (uint64_t bits = 0; bits <= 0xFFFFFFFFull; bits += 997) x.push_back(std::bit_cast<float>(uint32_t(bits)));
  while (x.size() % kWidth) x.push_back(1.0f);
  return x;
}

/// `expression` (X standing for the element) for every element, compiled from a loop
/// that is vectorized when `vectorized`, else serial (the scalar form of the same IR).
std::vector<float> runCompiled(const std::string &expression, const std::vector<float> &x, bool vectorized) {
  int64_t n = static_cast<int64_t>(x.size());
  std::string inner = vectorized ? "vectorized for" : "for";
  std::string element = strCat("%x[%i * ", kWidth, " + %j]"), body = expression;
  for (size_t at = body.find('X'); at != std::string::npos; at = body.find('X', at + element.size()))
    body.replace(at, 1, element);
  std::string text = strCat("func @k(%x: f32[", n, "] global, %y: f32[", n, "] global) {\n  for %i from 0 extent ",
                            n / kWidth, " {\n    ", inner, " %j from 0 extent ", kWidth, " {\n      %y[%i * ", kWidth,
                            " + %j] = ", body, "\n    }\n  }\n}\n");
  auto module = loop::parseModule(text);
  EXPECT_TRUE(module.ok()) << module.status();
  if (!module.ok()) return {};
  auto jit = CpuJit::compile(*module);
  EXPECT_TRUE(jit.ok()) << jit.status();
  if (!jit.ok()) return {};
  auto entry = (*jit)->lookup("k");
  EXPECT_TRUE(entry.ok()) << entry.status();
  if (!entry.ok()) return {};
  std::vector<float> y(x.size());
  void *args[] = {const_cast<float *>(x.data()), y.data()};
  (*entry)(args);
  return y;
}

/// Checks `fn` (a function name, or an expression of X) against `reference` (computed
/// in double) on the sweep: NaN where the reference is NaN, equal infinities, relative
/// error below `tolerance` for normal results and absolute error within
/// `denormalTolerance` below FLT_MIN.
void expectMatches(const std::string &fn, double (*reference)(double), double tolerance,
                   double denormalTolerance = 2.0 * std::numeric_limits<float>::denorm_min()) {
  std::vector<float> x = sweptInputs();
  std::string expression = fn.find('X') == std::string::npos ? fn + "(X)" : fn;
  for (bool vectorized : {true, false}) {
    std::vector<float> y = runCompiled(expression, x, vectorized);
    ASSERT_EQ(y.size(), x.size());
    int failures = 0;
    for (size_t i = 0; i < x.size() && failures < 10; ++i) {
      double want = reference(static_cast<double>(x[i]));
      auto where = [&] { return strCat(fn, "(", x[i], ") = ", y[i], ", want ", want, vectorized ? " (vector)" : ""); };
      bool ok;
      if (std::isnan(want)) ok = std::isnan(y[i]);
      else if (std::abs(want) > FLT_MAX) ok = static_cast<double>(y[i]) == static_cast<double>(static_cast<float>(want));
      else if (std::abs(want) < FLT_MIN) ok = std::abs(y[i] - want) <= denormalTolerance;
      else ok = std::abs(y[i] - want) <= tolerance * std::abs(want);
      if (!ok) {
        ADD_FAILURE() << where();
        ++failures;
      }
    }
  }
}

TEST(VectorMath, ExpMatchesLibmOverTheFloatRange) {
  expectMatches("exp", [](double v) { return std::exp(v); }, 1e-6);
}

TEST(VectorMath, TanhMatchesLibmOverTheFloatRange) {
  expectMatches("tanh", [](double v) { return std::tanh(v); }, 3e-6);
}

TEST(VectorMath, ErfMatchesLibmOverTheFloatRange) {
  expectMatches("erf", [](double v) { return std::erf(v); }, 2e-6);
}

TEST(VectorMath, AtanMatchesLibmOverTheFloatRange) {
  expectMatches("atan", [](double v) { return std::atan(v); }, 1e-6);
}

// 1 / (1 + exp(-x)), as Sigmoid, SiLU and Swish are described, is emitted as
// sigmoidF32: results below FLT_MIN (x under about -87.3) are within FLT_MIN.
TEST(VectorMath, SigmoidMatchesLibmOverTheFloatRange) {
  expectMatches("1.0 / (1.0 + exp(neg(X)))", [](double v) { return 1.0 / (1.0 + std::exp(-v)); }, 1e-6, FLT_MIN);
}

// The vector loop stays vector code: no call to expf (one per lane) in the module.
TEST(VectorMath, VectorExpEmitsNoLibmCalls) {
  auto module = loop::parseModule(R"(func @k(%x: f32[16] global, %y: f32[16] global) {
  vectorized for %j from 0 extent 16 {
    %y[%j] = tanh(%x[%j]) + exp(%x[%j]) + erf(%x[%j]) + atan(%x[%j])
  }
}
)");
  ASSERT_TRUE(module.ok()) << module.status();
  llvm::LLVMContext context;
  auto llvmModule = emitLlvmModule(*module, context, "m");
  ASSERT_TRUE(llvmModule.ok()) << llvmModule.status();
  for (const char *name : {"expf", "tanhf", "erff", "atanf", "llvm.exp.v16f32"})
    EXPECT_EQ((*llvmModule)->getFunction(name), nullptr) << name;
}

} // namespace
} // namespace tessera::codegen
