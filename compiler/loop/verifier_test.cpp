//===- verifier_test.cpp - Malformed loop IR gets a precise message -----------------===//
#include <gtest/gtest.h>

#include "compiler/loop/parser.h"
#include "compiler/loop/verifier.h"

namespace tessera::loop {
namespace {

std::string verifyError(const std::string &text) {
  auto func = parseFunc(text);
  EXPECT_TRUE(func.ok()) << func.status();
  if (!func.ok()) return "";
  Status status = verifyFunc(*func);
  EXPECT_FALSE(status.ok());
  return std::string(status.message());
}

TEST(LoopVerifier, AcceptsWellFormedFunc) {
  auto func = parseFunc("func @f(%x: f32[4] global) {\n  for %i from 0 extent 4 {\n    %x[%i] = 0.0\n  }\n}\n");
  ASSERT_TRUE(func.ok());
  EXPECT_TRUE(verifyFunc(*func).ok());
}

TEST(LoopVerifier, RejectsUnboundVariable) {
  EXPECT_EQ(verifyError("func @f(%x: f32[4] global) {\n  %x[%i] = 0.0\n}\n"),
            "loop IR verifier: in func @f: use of unbound variable %i");
}

TEST(LoopVerifier, RejectsWrongIndexCount) {
  EXPECT_EQ(verifyError("func @f(%x: f32[4, 4] global) {\n  %x[0] = 0.0\n}\n"),
            "loop IR verifier: in func @f: store of %x has 1 indices, the buffer has rank 2");
}

TEST(LoopVerifier, RejectsConstantIndexOutOfBounds) {
  EXPECT_EQ(verifyError("func @f(%x: f32[4] global) {\n  %x[4] = 0.0\n}\n"),
            "loop IR verifier: in func @f: store of %x: index 0 = 4 is out of bounds [0, 4)");
}

TEST(LoopVerifier, RejectsMismatchedTypes) {
  EXPECT_EQ(verifyError("func @f(%x: f32[4] global, %y: i32[4] global) {\n  %x[0] = %y[0]\n}\n"),
            "loop IR verifier: in func @f: store of a i32 value into %x of f32");
  EXPECT_EQ(verifyError("func @f(%x: f32[4] global, %y: i32[4] global) {\n  %x[0] = %x[%x[1]]\n}\n"),
            "loop IR verifier: in func @f: load of %x: index 0 is not an integer");
}

TEST(LoopVerifier, RejectsShadowingAndVariableVectorExtent) {
  EXPECT_EQ(verifyError("func @f(%x: f32[4] global) {\n  for %i from 0 extent 2 {\n    for %i from 0 extent 2 {\n"
                        "      %x[%i] = 0.0\n    }\n  }\n}\n"),
            "loop IR verifier: in func @f: loop variable %i shadows an enclosing loop's");
  EXPECT_EQ(verifyError("func @f(%x: f32[4] global) {\n  for %i from 0 extent 2 {\n"
                        "    vectorized for %j from 0 extent %i {\n      %x[%j] = 0.0\n    }\n  }\n}\n"),
            "loop IR verifier: in func @f: vectorized loop %j needs a constant extent");
}

TEST(LoopVerifier, RejectsBufferOutOfScope) {
  EXPECT_EQ(verifyError("func @f(%x: f32[4] global) {\n  alloc %t: f32[4] local {\n    %t[0] = 1.0\n  }\n"
                        "  %x[0] = %t[0]\n}\n"),
            "loop IR verifier: in func @f: load of unknown buffer %t");
}

} // namespace
} // namespace tessera::loop
