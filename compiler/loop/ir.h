//===- ir.h - The loop IR: buffers, loop nests, loads, stores, expressions -------===//
//
// The low-level IR every back end shares (docs/loop-ir.md). A Func takes buffers as
// parameters and runs a statement tree: loops (with a kind: serial, parallel,
// vectorized, unrolled, virtual thread, GPU block/thread), stores, allocations of
// buffers in a memory scope, conditionals and intrinsic calls. Expressions are pure:
// immediates, loop variables, loads, arithmetic, math functions, casts, selects and
// buffer addresses. Indices are multi-dimensional (row-major) until code generation.
//
// Nodes are plain structs behind shared pointers. Expressions are immutable once
// built; statements are owned by one parent and rewritten in place by passes and
// schedule primitives (clone() first to keep an original).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "support/tensor.h"

namespace tessera::loop {

enum class MemScope : uint8_t {
#define TESSERA_LOOP_SCOPE(e, text) e,
#include "compiler/loop/ir.def"
};
enum class ForKind : uint8_t {
#define TESSERA_LOOP_KIND(e, text) e,
#include "compiler/loop/ir.def"
};
enum class BinOp : uint8_t {
#define TESSERA_LOOP_BINOP(e, text, prec) e,
#include "compiler/loop/ir.def"
};
enum class MathFn : uint8_t {
#define TESSERA_LOOP_MATH(e, text) e,
#include "compiler/loop/ir.def"
};

std::string_view scopeName(MemScope scope);
std::string_view kindName(ForKind kind);
std::string_view binOpName(BinOp op);
/// Infix precedence; 0 for operators written as calls (min, max, pow).
int binOpPrecedence(BinOp op);
std::string_view mathName(MathFn fn);
std::optional<MemScope> parseScope(std::string_view text);
std::optional<ForKind> parseKind(std::string_view text);
std::optional<BinOp> parseBinOp(std::string_view text);
std::optional<MathFn> parseMath(std::string_view text);
/// True for f16, f32 and f64.
bool isFloat(DType type);
/// True for u8, u16, u32 and u64 (unsigned division, comparison and conversion).
bool isUnsigned(DType type);
/// True for comparisons and logical operators (their result is bool).
bool isPredicate(BinOp op);

/// A named array: element type, static shape, memory scope.
struct Buffer {
  std::string name;
  DType dtype = DType::F32;
  Shape shape;
  MemScope scope = MemScope::Global;

  int64_t elementCount() const { return shapeElementCount(shape); }
  bool operator==(const Buffer &other) const = default;
};

enum class ExprKind : uint8_t { Int, Float, Var, Binary, Math, Select, Load, Cast, Address };

struct ExprNode;
using Expr = std::shared_ptr<const ExprNode>;

/// One expression node; which fields matter depends on `kind`.
struct ExprNode {
  ExprKind kind;
  DType type;          ///< result type: I64 for indices, Bool for predicates
  int64_t intValue = 0;  ///< Int
  double floatValue = 0; ///< Float
  std::string name;    ///< Var: variable; Load/Address: buffer
  BinOp op = BinOp::Add;     ///< Binary
  MathFn fn = MathFn::Exp;   ///< Math
  /// Binary: lhs, rhs; Math/Cast: operand; Select: cond, then, else; Load/Address: indices.
  std::vector<Expr> operands;
};

// Builders. Binary operators type their result from the operands (bool for predicates).
Expr intImm(int64_t value);
Expr floatImm(double value, DType type = DType::F32);
Expr var(const std::string &name);
Expr binary(BinOp op, Expr a, Expr b);
Expr math(MathFn fn, Expr x);
Expr select(Expr cond, Expr a, Expr b);
Expr load(const std::string &buffer, DType type, std::vector<Expr> indices);
Expr cast(DType type, Expr x);
/// The address of an element (`&%b[i, j]`), passed to intrinsics.
Expr address(const std::string &buffer, std::vector<Expr> indices);

Expr operator+(Expr a, Expr b);
Expr operator-(Expr a, Expr b);
Expr operator*(Expr a, Expr b);
Expr operator/(Expr a, Expr b);
Expr operator%(Expr a, Expr b);
Expr minExpr(Expr a, Expr b);
Expr maxExpr(Expr a, Expr b);
/// Comparisons and conjunction are named functions: overloading <, >= or && on
/// shared pointers would change the meaning of pointer comparisons and tests.
Expr ltExpr(Expr a, Expr b);
Expr geExpr(Expr a, Expr b);
Expr andExpr(Expr a, Expr b);

/// The constant value of an integer immediate, if `e` is one.
std::optional<int64_t> asConstInt(const Expr &e);
/// Structural equality.
bool exprEqual(const Expr &a, const Expr &b);

enum class StmtKind : uint8_t { For, Store, Seq, Alloc, If, Call };

struct StmtNode;
using Stmt = std::shared_ptr<StmtNode>;

/// One statement node; which fields matter depends on `kind`.
struct StmtNode {
  StmtKind kind;
  // For: `var` runs over [min, min + extent).
  std::string var;
  Expr min, extent;
  ForKind forKind = ForKind::Serial;
  // Store: buffer[indices] = value. Call: intrinsic `name` with `args`.
  std::string name;
  std::vector<Expr> indices;
  Expr value;
  std::vector<Expr> args;
  // Alloc: `buffer` is live in `body`.
  Buffer buffer;
  // If: cond ? body : orElse (orElse may be null).
  Expr cond;
  Stmt body, orElse;
  // Seq.
  std::vector<Stmt> stmts;

  /// A deep copy.
  Stmt clone() const;
};

Stmt forLoop(const std::string &var, Expr min, Expr extent, ForKind kind, Stmt body);
Stmt store(const std::string &buffer, std::vector<Expr> indices, Expr value);
Stmt seq(std::vector<Stmt> stmts);
Stmt alloc(Buffer buffer, Stmt body);
Stmt ifThen(Expr cond, Stmt body, Stmt orElse = nullptr);
Stmt callIntrinsic(const std::string &name, std::vector<Expr> args);

/// A kernel: buffer parameters and a body.
struct Func {
  std::string name;
  std::vector<Buffer> params;
  Stmt body;

  const Buffer *findParam(const std::string &name) const;
  Func clone() const;
};

/// A set of kernels compiled together.
struct Module {
  std::vector<Func> funcs;
  const Func *findFunc(const std::string &name) const;
};

} // namespace tessera::loop
