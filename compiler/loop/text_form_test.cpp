//===- text_form_test.cpp - Loop IR printing and parse errors ------------------------===//
#include <gtest/gtest.h>

#include "compiler/loop/parser.h"
#include "compiler/loop/printer.h"

namespace tessera::loop {
namespace {

// Every construct's print/parse round trip is tests/lit/loop/round-trip.tl.

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
