//===- parser.cpp - Recursive-descent parser for the loop IR's text form -------------===//
#include "compiler/loop/parser.h"

#include <absl/strings/numbers.h>

#include <cmath>
#include <limits>
#include <map>

#include "support/lexer.h"

namespace tessera::loop {
namespace {

constexpr std::string_view kTwoCharPuncts[] = {"<=", ">=", "==", "!=", "&&", "||"};

/// The loop IR's tokens: identifiers may start with '_' or '.' and hold dots
/// (`gpu_block`, `tessera.gemm`), '%' alone is the modulo operator, and the
/// expression operators are punctuation.
constexpr LexerSyntax kLoopSyntax = {
    .nameChars = "_.",
    .identifierFromAnyNameChar = true,
    .twoCharPuncts = kTwoCharPuncts,
    .oneCharPuncts = "()[]{},:=+-*/%<>&!",
    .quotedStrings = false,
    .signedNumbers = false,
    .hexNumbers = false,
    .floatMayEndInDot = false,
    .bareLocalSigilIsPunct = true,
};

class Parser {
public:
  explicit Parser(std::string_view text) : lexer_(text, kLoopSyntax) {}

  Status start() { return advance(); }
  bool atEnd() const { return tok_.kind == TokenKind::End; }
  StatusOr<Func> parseFunc();

private:
  Status advance() {
    TS_ASSIGN_OR_RETURN(tok_, lexer_.next());
    return absl::OkStatus();
  }
  Status error(std::string_view what) const {
    return invalidInput("%d:%d: expected %s, found '%s'", tok_.line, tok_.column, what, tok_.text);
  }
  bool isPunct(std::string_view p) const { return tok_.kind == TokenKind::Punct && tok_.text == p; }
  bool isIdent(std::string_view w) const { return tok_.kind == TokenKind::Identifier && tok_.text == w; }
  Status expectPunct(std::string_view p) {
    if (!isPunct(p)) return error(strCat("'", p, "'"));
    return advance();
  }
  Status expectIdent(std::string_view w) {
    if (!isIdent(w)) return error(strCat("'", w, "'"));
    return advance();
  }
  StatusOr<std::string> expectName(TokenKind kind, std::string_view what) {
    if (tok_.kind != kind) return error(what);
    std::string name = tok_.text;
    TS_RETURN_IF_ERROR(advance());
    return name;
  }
  StatusOr<int64_t> expectInt() {
    bool negative = isPunct("-");
    if (negative) TS_RETURN_IF_ERROR(advance());
    if (tok_.kind != TokenKind::Integer) return error("an integer");
    TS_ASSIGN_OR_RETURN(int64_t value, integerValue());
    TS_RETURN_IF_ERROR(advance());
    return negative ? -value : value;
  }

  /// The current Integer token's value; one past int64 is an error, not an exception.
  StatusOr<int64_t> integerValue() {
    int64_t value = 0;
    if (!absl::SimpleAtoi(tok_.text, &value)) return error("an integer within 64 bits");
    return value;
  }

  StatusOr<Buffer> parseBuffer();
  StatusOr<Stmt> parseBlock();
  StatusOr<Stmt> parseStmt();
  StatusOr<Stmt> parseFor(ForKind kind);
  StatusOr<Stmt> parseStore();
  StatusOr<Stmt> parseAlloc();
  StatusOr<Stmt> parseIf();
  StatusOr<Stmt> parseCall();
  StatusOr<std::vector<Expr>> parseExprList(std::string_view close);
  StatusOr<Expr> parseExpr(int minPrecedence = 1);
  StatusOr<Expr> parsePrimary();
  StatusOr<Expr> parseNumber(bool negative);
  StatusOr<Expr> parseAccess(bool isAddress);
  StatusOr<Expr> parseCallExpr(const std::string &name);

  Lexer lexer_;
  Token tok_;
  std::map<std::string, Buffer> buffers_;
};

StatusOr<Buffer> Parser::parseBuffer() {
  Buffer b;
  TS_ASSIGN_OR_RETURN(b.name, expectName(TokenKind::LocalName, "a buffer name (%name)"));
  TS_RETURN_IF_ERROR(expectPunct(":"));
  if (tok_.kind != TokenKind::Identifier) return error("an element type");
  auto dtype = parseDType(tok_.text);
  if (!dtype.ok()) return error("an element type (f32, i8, i32, ...)");
  b.dtype = *dtype;
  TS_RETURN_IF_ERROR(advance());
  TS_RETURN_IF_ERROR(expectPunct("["));
  while (!isPunct("]")) {
    TS_ASSIGN_OR_RETURN(int64_t dim, expectInt());
    b.shape.push_back(dim);
    if (!isPunct("]")) TS_RETURN_IF_ERROR(expectPunct(","));
  }
  TS_RETURN_IF_ERROR(advance());
  auto scope = tok_.kind == TokenKind::Identifier ? parseScope(tok_.text) : std::nullopt;
  if (!scope) return error("a memory scope (global, local, inp, wgt, acc, uop)");
  b.scope = *scope;
  TS_RETURN_IF_ERROR(advance());
  buffers_[b.name] = b;
  return b;
}

StatusOr<Func> Parser::parseFunc() {
  Func f;
  TS_RETURN_IF_ERROR(expectIdent("func"));
  TS_ASSIGN_OR_RETURN(f.name, expectName(TokenKind::GlobalName, "a func name (@name)"));
  TS_RETURN_IF_ERROR(expectPunct("("));
  buffers_.clear();
  while (!isPunct(")")) {
    TS_ASSIGN_OR_RETURN(Buffer b, parseBuffer());
    f.params.push_back(std::move(b));
    if (!isPunct(")")) TS_RETURN_IF_ERROR(expectPunct(","));
  }
  TS_RETURN_IF_ERROR(advance());
  TS_ASSIGN_OR_RETURN(f.body, parseBlock());
  return f;
}

StatusOr<Stmt> Parser::parseBlock() {
  TS_RETURN_IF_ERROR(expectPunct("{"));
  std::vector<Stmt> stmts;
  while (!isPunct("}")) {
    if (atEnd()) return error("'}'");
    TS_ASSIGN_OR_RETURN(Stmt s, parseStmt());
    stmts.push_back(std::move(s));
  }
  TS_RETURN_IF_ERROR(advance());
  if (stmts.size() == 1) return stmts[0];
  return seq(std::move(stmts));
}

StatusOr<Stmt> Parser::parseStmt() {
  if (tok_.kind == TokenKind::LocalName) return parseStore();
  if (isIdent("for")) return parseFor(ForKind::Serial);
  if (isIdent("alloc")) return parseAlloc();
  if (isIdent("if")) return parseIf();
  if (isIdent("call")) return parseCall();
  auto kind = tok_.kind == TokenKind::Identifier ? parseKind(tok_.text) : std::nullopt;
  if (!kind) return error("a statement (for, <kind> for, alloc, if, call, or a store)");
  TS_RETURN_IF_ERROR(advance());
  if (!isIdent("for")) return error("'for' after a loop kind");
  return parseFor(*kind);
}

StatusOr<Stmt> Parser::parseFor(ForKind kind) {
  TS_RETURN_IF_ERROR(expectIdent("for"));
  TS_ASSIGN_OR_RETURN(std::string name, expectName(TokenKind::LocalName, "a loop variable (%name)"));
  TS_RETURN_IF_ERROR(expectIdent("from"));
  TS_ASSIGN_OR_RETURN(Expr min, parseExpr());
  TS_RETURN_IF_ERROR(expectIdent("extent"));
  TS_ASSIGN_OR_RETURN(Expr extent, parseExpr());
  TS_ASSIGN_OR_RETURN(Stmt body, parseBlock());
  return forLoop(name, min, extent, kind, body);
}

StatusOr<Stmt> Parser::parseStore() {
  Token at = tok_;
  TS_ASSIGN_OR_RETURN(Expr target, parseAccess(/*isAddress=*/false));
  if (target->kind != ExprKind::Load)
    return invalidInput("%d:%d: expected a store '%%buf[...] = value'", at.line, at.column);
  TS_RETURN_IF_ERROR(expectPunct("="));
  TS_ASSIGN_OR_RETURN(Expr value, parseExpr());
  if (value->kind == ExprKind::Int && target->type != DType::I64 && isFloat(target->type))
    value = floatImm(static_cast<double>(value->intValue), target->type);
  return store(target->name, target->operands, value);
}

StatusOr<Stmt> Parser::parseAlloc() {
  TS_RETURN_IF_ERROR(expectIdent("alloc"));
  TS_ASSIGN_OR_RETURN(Buffer b, parseBuffer());
  TS_ASSIGN_OR_RETURN(Stmt body, parseBlock());
  return alloc(b, body);
}

StatusOr<Stmt> Parser::parseIf() {
  TS_RETURN_IF_ERROR(expectIdent("if"));
  TS_ASSIGN_OR_RETURN(Expr cond, parseExpr());
  TS_ASSIGN_OR_RETURN(Stmt body, parseBlock());
  Stmt orElse;
  if (isIdent("else")) {
    TS_RETURN_IF_ERROR(advance());
    TS_ASSIGN_OR_RETURN(orElse, parseBlock());
  }
  return ifThen(cond, body, orElse);
}

StatusOr<Stmt> Parser::parseCall() {
  TS_RETURN_IF_ERROR(expectIdent("call"));
  TS_ASSIGN_OR_RETURN(std::string name, expectName(TokenKind::GlobalName, "an intrinsic name (@name)"));
  TS_RETURN_IF_ERROR(expectPunct("("));
  TS_ASSIGN_OR_RETURN(std::vector<Expr> args, parseExprList(")"));
  return callIntrinsic(name, std::move(args));
}

StatusOr<std::vector<Expr>> Parser::parseExprList(std::string_view close) {
  std::vector<Expr> list;
  while (!isPunct(close)) {
    TS_ASSIGN_OR_RETURN(Expr e, parseExpr());
    list.push_back(std::move(e));
    if (!isPunct(close)) TS_RETURN_IF_ERROR(expectPunct(","));
  }
  TS_RETURN_IF_ERROR(advance());
  return list;
}

/// Gives an integer immediate the float type of the other operand (`x * 2`).
void coerceLiteral(Expr &a, const Expr &b) {
  if (a->kind == ExprKind::Int && isFloat(b->type)) a = floatImm(static_cast<double>(a->intValue), b->type);
}

StatusOr<Expr> Parser::parseExpr(int minPrecedence) {
  TS_ASSIGN_OR_RETURN(Expr lhs, parsePrimary());
  while (tok_.kind == TokenKind::Punct) {
    auto op = parseBinOp(tok_.text);
    if (!op || binOpPrecedence(*op) == 0 || binOpPrecedence(*op) < minPrecedence) break;
    TS_RETURN_IF_ERROR(advance());
    TS_ASSIGN_OR_RETURN(Expr rhs, parseExpr(binOpPrecedence(*op) + 1));
    coerceLiteral(lhs, rhs);
    coerceLiteral(rhs, lhs);
    lhs = binary(*op, lhs, rhs);
  }
  return lhs;
}

StatusOr<Expr> Parser::parseNumber(bool negative) {
  double sign = negative ? -1.0 : 1.0;
  if (isIdent("inf") || isIdent("nan")) {
    double value = isIdent("inf") ? std::numeric_limits<double>::infinity() : std::nan("");
    TS_RETURN_IF_ERROR(advance());
    return floatImm(sign * value);
  }
  if (tok_.kind == TokenKind::Float) {
    double value = 0;
    // Beyond the double range is an error (std::stod threw out_of_range); infinity is `inf`.
    if (!absl::SimpleAtod(tok_.text, &value) || std::isinf(value))
      return error("a floating-point number within the double range (or inf)");
    TS_RETURN_IF_ERROR(advance());
    return floatImm(sign * value);
  }
  if (tok_.kind != TokenKind::Integer) return error("a number after '-'");
  TS_ASSIGN_OR_RETURN(int64_t value, integerValue());
  TS_RETURN_IF_ERROR(advance());
  return intImm(negative ? -value : value);
}

StatusOr<Expr> Parser::parseAccess(bool isAddress) {
  Token at = tok_;
  TS_ASSIGN_OR_RETURN(std::string name, expectName(TokenKind::LocalName, "a buffer (%name)"));
  if (!isPunct("[")) {
    if (isAddress) return error("'[' after the buffer of an address");
    return var(name);
  }
  auto buffer = buffers_.find(name);
  if (buffer == buffers_.end()) return invalidInput("%d:%d: unknown buffer %%%s", at.line, at.column, name);
  TS_RETURN_IF_ERROR(advance());
  TS_ASSIGN_OR_RETURN(std::vector<Expr> indices, parseExprList("]"));
  if (isAddress) return address(name, std::move(indices));
  return load(name, buffer->second.dtype, std::move(indices));
}

StatusOr<Expr> Parser::parseCallExpr(const std::string &name) {
  TS_RETURN_IF_ERROR(expectPunct("("));
  Token at = tok_;
  TS_ASSIGN_OR_RETURN(std::vector<Expr> args, parseExprList(")"));
  auto arity = [&](size_t n) -> Status {
    if (args.size() == n) return absl::OkStatus();
    return invalidInput("%d:%d: %s takes %d operand(s), found %d", at.line, at.column, name, n, args.size());
  };
  if (auto op = parseBinOp(name); op && binOpPrecedence(*op) == 0) {
    TS_RETURN_IF_ERROR(arity(2));
    coerceLiteral(args[0], args[1]);
    coerceLiteral(args[1], args[0]);
    return binary(*op, args[0], args[1]);
  }
  if (auto fn = parseMath(name)) {
    TS_RETURN_IF_ERROR(arity(1));
    return math(*fn, args[0]);
  }
  if (name == "select") {
    TS_RETURN_IF_ERROR(arity(3));
    coerceLiteral(args[1], args[2]);
    coerceLiteral(args[2], args[1]);
    return select(args[0], args[1], args[2]);
  }
  if (auto dtype = parseDType(name); dtype.ok()) {
    TS_RETURN_IF_ERROR(arity(1));
    return cast(*dtype, args[0]);
  }
  return invalidInput("%d:%d: unknown function '%s'", at.line, at.column, name);
}

StatusOr<Expr> Parser::parsePrimary() {
  if (isPunct("(")) {
    TS_RETURN_IF_ERROR(advance());
    TS_ASSIGN_OR_RETURN(Expr e, parseExpr());
    TS_RETURN_IF_ERROR(expectPunct(")"));
    return e;
  }
  if (isPunct("-")) {
    TS_RETURN_IF_ERROR(advance());
    return parseNumber(/*negative=*/true);
  }
  if (tok_.kind == TokenKind::Integer || tok_.kind == TokenKind::Float || isIdent("inf") || isIdent("nan"))
    return parseNumber(/*negative=*/false);
  if (tok_.kind == TokenKind::LocalName) return parseAccess(/*isAddress=*/false);
  if (isPunct("&")) {
    TS_RETURN_IF_ERROR(advance());
    return parseAccess(/*isAddress=*/true);
  }
  if (tok_.kind == TokenKind::Identifier) {
    std::string name = tok_.text;
    TS_RETURN_IF_ERROR(advance());
    return parseCallExpr(name);
  }
  return error("an expression");
}

} // namespace

StatusOr<Module> parseModule(std::string_view text) {
  Parser parser(text);
  TS_RETURN_IF_ERROR(parser.start());
  Module module;
  while (!parser.atEnd()) {
    TS_ASSIGN_OR_RETURN(Func f, parser.parseFunc());
    module.funcs.push_back(std::move(f));
  }
  return module;
}

StatusOr<Func> parseFunc(std::string_view text) {
  TS_ASSIGN_OR_RETURN(Module module, parseModule(text));
  if (module.funcs.size() != 1) return invalidInput("expected exactly one func, found %d", module.funcs.size());
  return std::move(module.funcs[0]);
}

} // namespace tessera::loop
