//===- printer.cpp - Writes the loop IR's text form ----------------------------------===//
#include "compiler/loop/printer.h"

#include <cmath>

namespace tessera::loop {
namespace {

std::string printFloat(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value < 0 ? "-inf" : "inf";
  std::string text = absl::StrFormat("%.9g", value);
  if (text.find_first_of(".en") == std::string::npos) text += ".0";
  return text;
}

std::string printIndices(const std::vector<Expr> &indices) {
  std::vector<std::string> parts;
  for (const Expr &e : indices) parts.push_back(printExpr(e));
  return "[" + joinStrings(parts, ", ") + "]";
}

/// Prints `e`, parenthesized when it binds looser than its context.
std::string printOperand(const Expr &e, int contextPrecedence) {
  std::string text = printExpr(e);
  bool infix = e->kind == ExprKind::Binary && binOpPrecedence(e->op) > 0;
  bool negative = (e->kind == ExprKind::Int && e->intValue < 0) || (e->kind == ExprKind::Float && e->floatValue < 0);
  if ((infix && binOpPrecedence(e->op) < contextPrecedence) || negative) return "(" + text + ")";
  return text;
}

std::string printBinary(const Expr &e) {
  int precedence = binOpPrecedence(e->op);
  const Expr &a = e->operands[0], &b = e->operands[1];
  if (precedence == 0) return strCat(binOpName(e->op), "(", printExpr(a), ", ", printExpr(b), ")");
  // Left-associative: the right operand needs parentheses at equal precedence.
  return strCat(printOperand(a, precedence), " ", binOpName(e->op), " ", printOperand(b, precedence + 1));
}

std::string pad(int indent) { return std::string(static_cast<size_t>(indent) * 2, ' '); }

std::string printBlock(const Stmt &body, int indent) {
  return strCat("{\n", body ? printStmt(body, indent + 1) : "", pad(indent), "}");
}

} // namespace

std::string printExpr(const Expr &e) {
  switch (e->kind) {
  case ExprKind::Int: return std::to_string(e->intValue);
  case ExprKind::Float: return printFloat(e->floatValue);
  case ExprKind::Var: return "%" + e->name;
  case ExprKind::Binary: return printBinary(e);
  case ExprKind::Math: return strCat(mathName(e->fn), "(", printExpr(e->operands[0]), ")");
  case ExprKind::Select:
    return strCat("select(", printExpr(e->operands[0]), ", ", printExpr(e->operands[1]), ", ",
                  printExpr(e->operands[2]), ")");
  case ExprKind::Load: return "%" + e->name + printIndices(e->operands);
  case ExprKind::Cast: return strCat(dtypeName(e->type), "(", printExpr(e->operands[0]), ")");
  case ExprKind::Address: return "&%" + e->name + printIndices(e->operands);
  }
  return "?";
}

std::string printBuffer(const Buffer &b) {
  return strCat("%", b.name, ": ", dtypeName(b.dtype), "[", joinStrings(b.shape, ", "), "] ", scopeName(b.scope));
}

std::string printStmt(const Stmt &s, int indent) {
  switch (s->kind) {
  case StmtKind::For: {
    std::string kind = s->forKind == ForKind::Serial ? "" : strCat(kindName(s->forKind), " ");
    return strCat(pad(indent), kind, "for %", s->var, " from ", printExpr(s->min), " extent ", printExpr(s->extent), " ",
                  printBlock(s->body, indent), "\n");
  }
  case StmtKind::Store:
    return strCat(pad(indent), "%", s->name, printIndices(s->indices), " = ", printExpr(s->value), "\n");
  case StmtKind::Seq: {
    std::string out;
    for (const Stmt &child : s->stmts) out += printStmt(child, indent);
    return out;
  }
  case StmtKind::Alloc:
    return strCat(pad(indent), "alloc ", printBuffer(s->buffer), " ", printBlock(s->body, indent), "\n");
  case StmtKind::If: {
    std::string out = strCat(pad(indent), "if ", printExpr(s->cond), " ", printBlock(s->body, indent));
    if (s->orElse) out += " else " + printBlock(s->orElse, indent);
    return out + "\n";
  }
  case StmtKind::Call: {
    std::vector<std::string> args;
    for (const Expr &a : s->args) args.push_back(printExpr(a));
    return strCat(pad(indent), "call @", s->name, "(", joinStrings(args, ", "), ")\n");
  }
  }
  return "";
}

std::string printFunc(const Func &f) {
  std::vector<std::string> params;
  for (const Buffer &b : f.params) params.push_back(printBuffer(b));
  return strCat("func @", f.name, "(", joinStrings(params, ", "), ") ", printBlock(f.body, 0), "\n");
}

std::string printModule(const Module &m) {
  std::vector<std::string> funcs;
  for (const Func &f : m.funcs) funcs.push_back(printFunc(f));
  return joinStrings(funcs, "\n");
}

} // namespace tessera::loop
