//===- ir.cpp - Loop IR node builders and enumeration names ------------------------===//
#include "compiler/loop/ir.h"

#include <cassert>

namespace tessera::loop {
namespace {

template <typename E> struct Entry {
  E value;
  std::string_view text;
};

constexpr Entry<MemScope> kScopes[] = {
#define TESSERA_LOOP_SCOPE(e, text) {MemScope::e, text},
#include "compiler/loop/ir.def"
};
constexpr Entry<ForKind> kKinds[] = {
#define TESSERA_LOOP_KIND(e, text) {ForKind::e, text},
#include "compiler/loop/ir.def"
};
constexpr Entry<BinOp> kBinOps[] = {
#define TESSERA_LOOP_BINOP(e, text, prec) {BinOp::e, text},
#include "compiler/loop/ir.def"
};
constexpr int kPrecedence[] = {
#define TESSERA_LOOP_BINOP(e, text, prec) prec,
#include "compiler/loop/ir.def"
};
constexpr Entry<MathFn> kMath[] = {
#define TESSERA_LOOP_MATH(e, text) {MathFn::e, text},
#include "compiler/loop/ir.def"
};

template <typename E, size_t N> std::optional<E> lookup(const Entry<E> (&table)[N], std::string_view text) {
  for (const auto &entry : table)
    if (entry.text == text) return entry.value;
  return std::nullopt;
}

std::shared_ptr<ExprNode> make(ExprKind kind, DType type) {
  auto node = std::make_shared<ExprNode>();
  node->kind = kind;
  node->type = type;
  return node;
}

Stmt makeStmt(StmtKind kind) {
  auto node = std::make_shared<StmtNode>();
  node->kind = kind;
  return node;
}

} // namespace

std::string_view scopeName(MemScope scope) { return kScopes[static_cast<int>(scope)].text; }
std::string_view kindName(ForKind kind) { return kKinds[static_cast<int>(kind)].text; }
std::string_view binOpName(BinOp op) { return kBinOps[static_cast<int>(op)].text; }
int binOpPrecedence(BinOp op) { return kPrecedence[static_cast<int>(op)]; }
std::string_view mathName(MathFn fn) { return kMath[static_cast<int>(fn)].text; }
std::optional<MemScope> parseScope(std::string_view text) { return lookup(kScopes, text); }
std::optional<ForKind> parseKind(std::string_view text) { return lookup(kKinds, text); }
std::optional<BinOp> parseBinOp(std::string_view text) { return lookup(kBinOps, text); }
std::optional<MathFn> parseMath(std::string_view text) { return lookup(kMath, text); }

bool isFloat(DType type) { return type == DType::F32 || type == DType::F64 || type == DType::F16; }

bool isUnsigned(DType type) { return type == DType::U8 || type == DType::U16 || type == DType::U32 || type == DType::U64; }

bool isPredicate(BinOp op) {
  switch (op) {
  case BinOp::Lt: case BinOp::Le: case BinOp::Gt: case BinOp::Ge: case BinOp::Eq:
  case BinOp::Ne: case BinOp::And: case BinOp::Or:
    return true;
  default:
    return false;
  }
}

Expr intImm(int64_t value) {
  auto node = make(ExprKind::Int, DType::I64);
  node->intValue = value;
  return node;
}

Expr floatImm(double value, DType type) {
  auto node = make(ExprKind::Float, type);
  node->floatValue = value;
  return node;
}

Expr var(const std::string &name) {
  auto node = make(ExprKind::Var, DType::I64);
  node->name = name;
  return node;
}

Expr binary(BinOp op, Expr a, Expr b) {
  assert(a != nullptr && b != nullptr && "binary operands must exist");
  auto node = make(ExprKind::Binary, isPredicate(op) ? DType::Bool : a->type);
  node->op = op;
  node->operands = {std::move(a), std::move(b)};
  return node;
}

Expr math(MathFn fn, Expr x) {
  auto node = make(ExprKind::Math, x->type);
  node->fn = fn;
  node->operands = {std::move(x)};
  return node;
}

Expr select(Expr cond, Expr a, Expr b) {
  auto node = make(ExprKind::Select, a->type);
  node->operands = {std::move(cond), std::move(a), std::move(b)};
  return node;
}

Expr load(const std::string &buffer, DType type, std::vector<Expr> indices) {
  auto node = make(ExprKind::Load, type);
  node->name = buffer;
  node->operands = std::move(indices);
  return node;
}

Expr cast(DType type, Expr x) {
  auto node = make(ExprKind::Cast, type);
  node->operands = {std::move(x)};
  return node;
}

Expr address(const std::string &buffer, std::vector<Expr> indices) {
  auto node = make(ExprKind::Address, DType::I64);
  node->name = buffer;
  node->operands = std::move(indices);
  return node;
}

Expr operator+(Expr a, Expr b) { return binary(BinOp::Add, std::move(a), std::move(b)); }
Expr operator-(Expr a, Expr b) { return binary(BinOp::Sub, std::move(a), std::move(b)); }
Expr operator*(Expr a, Expr b) { return binary(BinOp::Mul, std::move(a), std::move(b)); }
Expr operator/(Expr a, Expr b) { return binary(BinOp::Div, std::move(a), std::move(b)); }
Expr operator%(Expr a, Expr b) { return binary(BinOp::Mod, std::move(a), std::move(b)); }
Expr minExpr(Expr a, Expr b) { return binary(BinOp::Min, std::move(a), std::move(b)); }
Expr maxExpr(Expr a, Expr b) { return binary(BinOp::Max, std::move(a), std::move(b)); }
Expr ltExpr(Expr a, Expr b) { return binary(BinOp::Lt, std::move(a), std::move(b)); }
Expr geExpr(Expr a, Expr b) { return binary(BinOp::Ge, std::move(a), std::move(b)); }
Expr andExpr(Expr a, Expr b) { return binary(BinOp::And, std::move(a), std::move(b)); }

std::optional<int64_t> asConstInt(const Expr &e) {
  if (e && e->kind == ExprKind::Int) return e->intValue;
  return std::nullopt;
}

bool exprEqual(const Expr &a, const Expr &b) {
  if (a == b) return true;
  if (!a || !b) return false;
  if (a->kind != b->kind || a->type != b->type || a->intValue != b->intValue || a->name != b->name ||
      a->op != b->op || a->fn != b->fn || a->operands.size() != b->operands.size())
    return false;
  if (a->kind == ExprKind::Float && !(a->floatValue == b->floatValue)) return false;
  for (size_t i = 0; i < a->operands.size(); ++i)
    if (!exprEqual(a->operands[i], b->operands[i])) return false;
  return true;
}

Stmt StmtNode::clone() const {
  auto copy = std::make_shared<StmtNode>(*this);
  if (body) copy->body = body->clone();
  if (orElse) copy->orElse = orElse->clone();
  for (Stmt &s : copy->stmts) s = s->clone();
  return copy;
}

Stmt forLoop(const std::string &var, Expr min, Expr extent, ForKind kind, Stmt body) {
  Stmt s = makeStmt(StmtKind::For);
  s->var = var;
  s->min = std::move(min);
  s->extent = std::move(extent);
  s->forKind = kind;
  s->body = std::move(body);
  return s;
}

Stmt store(const std::string &buffer, std::vector<Expr> indices, Expr value) {
  Stmt s = makeStmt(StmtKind::Store);
  s->name = buffer;
  s->indices = std::move(indices);
  s->value = std::move(value);
  return s;
}

Stmt seq(std::vector<Stmt> stmts) {
  if (stmts.size() == 1) return stmts[0];
  Stmt s = makeStmt(StmtKind::Seq);
  s->stmts = std::move(stmts);
  return s;
}

Stmt alloc(Buffer buffer, Stmt body) {
  Stmt s = makeStmt(StmtKind::Alloc);
  s->buffer = std::move(buffer);
  s->body = std::move(body);
  return s;
}

Stmt ifThen(Expr cond, Stmt body, Stmt orElse) {
  Stmt s = makeStmt(StmtKind::If);
  s->cond = std::move(cond);
  s->body = std::move(body);
  s->orElse = std::move(orElse);
  return s;
}

Stmt callIntrinsic(const std::string &name, std::vector<Expr> args) {
  Stmt s = makeStmt(StmtKind::Call);
  s->name = name;
  s->args = std::move(args);
  return s;
}

const Buffer *Func::findParam(const std::string &param) const {
  for (const Buffer &b : params)
    if (b.name == param) return &b;
  return nullptr;
}

Func Func::clone() const {
  Func copy = *this;
  if (body) copy.body = body->clone();
  return copy;
}

const Func *Module::findFunc(const std::string &func) const {
  for (const Func &f : funcs)
    if (f.name == func) return &f;
  return nullptr;
}

} // namespace tessera::loop
