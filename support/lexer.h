//===- lexer.h - Tokens of the IR text forms -------------------------------------===//
//
// One lexer for every text form of the compiler: the graph IR's (compiler/graph/
// parser.cpp) and the loop IR's (compiler/loop/parser.cpp). Both share the token
// kinds, line/column tracking, `#` comments to the end of the line, %local and @global
// names, and numbers; a LexerSyntax states what each level adds (quoted strings,
// signed and hex numbers, its punctuation), so neither text form changed when the two
// lexers became this one.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "support/status.h"

namespace tessera {

enum class TokenKind {
  End,
  Identifier, // graph, const, return, Conv, f32, for, gpu_block, tessera.gemm, nan, inf ...
  LocalName,  // %x or %"x y" (text holds the unquoted name, without the sigil)
  GlobalName, // @main (text without the sigil)
  Integer,
  Float,
  String, // text holds the unescaped contents
  Hex,    // 0x0A1B (text holds the digits)
  Punct,
};

struct Token {
  TokenKind kind = TokenKind::End;
  std::string text;
  int line = 1;
  int column = 1;
};

/// What one text form's tokens are, beyond the shared ones.
struct LexerSyntax {
  /// Characters besides letters and digits that names and identifiers hold.
  std::string_view nameChars = "_.";
  /// An identifier may start with any name character ('.', '_'); else it starts with a
  /// letter, or with '_' followed by a name character.
  bool identifierFromAnyNameChar = false;
  /// Punctuation tokens: two-character ones are tried first.
  std::span<const std::string_view> twoCharPuncts;
  std::string_view oneCharPuncts;
  /// "..." strings (escapes \" \\ \xHH) and quoted names %"..." / @"...".
  bool quotedStrings = false;
  /// -3 and +2 are one number token; else the sign is punctuation.
  bool signedNumbers = false;
  /// 0x1F is a Hex token.
  bool hexNumbers = false;
  /// "1." is a float; else a '.' belongs to the number only before a digit.
  bool floatMayEndInDot = false;
  /// A '%' with no name after it is the punctuation "%" (an operator); else an error.
  bool bareLocalSigilIsPunct = false;
};

/// Splits the text into tokens on demand.
class Lexer {
public:
  Lexer(std::string_view text, const LexerSyntax &syntax) : text_(text), syntax_(syntax) {}
  StatusOr<Token> next();

private:
  void skipSpaceAndComments();
  bool isNameChar(char c) const;
  bool startsIdentifier() const;
  std::string readName();
  StatusOr<Token> lexNumber(Token token);
  StatusOr<Token> lexSigilName(Token token);
  StatusOr<Token> lexPunct(Token token);
  StatusOr<std::string> readQuoted();
  char peek(size_t ahead = 0) const { return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0'; }
  char advance();

  std::string_view text_;
  const LexerSyntax &syntax_;
  size_t pos_ = 0;
  int line_ = 1;
  int column_ = 1;
};

} // namespace tessera
