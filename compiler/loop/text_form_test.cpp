//===- text_form_test.cpp - Loop IR printer/parser round trips ----------------------===//
#include <gtest/gtest.h>

#include "compiler/loop/parser.h"
#include "compiler/loop/printer.h"
#include "compiler/loop/verifier.h"

namespace tessera::loop {
namespace {

std::string roundTrip(const std::string &text) {
  auto module = parseModule(text);
  EXPECT_TRUE(module.ok()) << module.status();
  if (!module.ok()) return "";
  EXPECT_TRUE(verifyModule(*module).ok()) << verifyModule(*module);
  return printModule(*module);
}

// Every construct prints back exactly as written.
TEST(LoopTextForm, RoundTripsEveryConstruct) {
  const std::string text = R"(func @k(%x: f32[4, 8] global, %w: i8[16] wgt, %y: f32[4, 8] global) {
  parallel for %i from 0 extent 4 {
    alloc %t: f32[8] local {
      vectorized for %j from 0 extent 8 {
        %t[%j] = max(%x[%i, %j] * 2.0 + 1.5, 0.0)
      }
      unrolled for %j from 0 extent 8 {
        if %i < 2 && %j >= 1 {
          %y[%i, %j] = select(%i == 0, exp(%t[%j]), neg(%t[%j]) - 1.0)
        } else {
          %y[%i, %j] = f32(%w[(%i * 4 + %j) % 16]) / (-3.0)
        }
      }
    }
  }
  vthread for %v from 0 extent 2 {
    call @tessera.gemm(&%y[%v, 0], &%x[0, 0], 16)
  }
  gpu_block for %b from 0 extent 4 {
    gpu_thread for %t from 0 extent 8 {
      %y[%b, %t] = pow(%x[%b, %t], 2.0) - (%x[%b, %t] - 1.0)
    }
  }
}
)";
  EXPECT_EQ(roundTrip(text), text);
}

// Precedence: parentheses appear only where needed, and re-parsing gives the same tree.
TEST(LoopTextForm, ParenthesizesByPrecedence) {
  Expr e = (var("a") + var("b")) * (var("c") - (var("d") - var("e")));
  EXPECT_EQ(printExpr(e), "(%a + %b) * (%c - (%d - %e))");
}

// Errors name the line and column and what was expected.
TEST(LoopTextForm, ReportsSyntaxErrorsWithPosition) {
  auto module = parseModule("func @f(%x: f32[4] global) {\n  for %i from 0 {\n  }\n}\n");
  ASSERT_FALSE(module.ok());
  EXPECT_EQ(module.status().message(), "2:17: expected 'extent', found '{'");
  auto unknown = parseModule("func @f(%x: f32[4] global) {\n  %y[0] = 1.0\n}\n");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().message(), "2:3: unknown buffer %y");
  auto scope = parseModule("func @f(%x: f32[4] sram) {\n}\n");
  ASSERT_FALSE(scope.ok());
  EXPECT_NE(scope.status().message().find("a memory scope"), std::string::npos);
}

} // namespace
} // namespace tessera::loop
