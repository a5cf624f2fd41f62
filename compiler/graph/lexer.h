//===- lexer.h - Tokens of the graph IR's text form ----------------------------===//
#pragma once

#include <string>
#include <string_view>

#include "support/status.h"

namespace tessera::graph {

enum class TokenKind {
  End,
  Identifier, // graph, const, return, Conv, f32, dense, nan, inf ...
  ValueName,  // %x or %"x y" (text holds the unquoted name)
  GlobalName, // @main
  Integer,
  Float,
  String, // text holds the unescaped contents
  Hex,    // 0x0A1B (text holds the digits)
  Punct,  // one of ( ) [ ] { } , = : < > ? * _ and '-' before inf
};

struct Token {
  TokenKind kind = TokenKind::End;
  std::string text;
  int line = 1;
  int column = 1;
};

/// Splits the text into tokens on demand; `#` starts a comment to the end of line.
class Lexer {
public:
  explicit Lexer(std::string_view text) : text_(text) {}
  StatusOr<Token> next();

private:
  void skipSpaceAndComments();
  StatusOr<Token> lexNumber(Token token);
  StatusOr<Token> lexQuoted(Token token);
  StatusOr<std::string> readQuoted();
  char peek(size_t ahead = 0) const;
  char advance();

  std::string_view text_;
  size_t pos_ = 0;
  int line_ = 1;
  int column_ = 1;
};

} // namespace tessera::graph
