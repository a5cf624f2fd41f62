//===- lexer.cpp - Tokens of the IR text forms -----------------------------------===//
#include "support/lexer.h"

#include <cctype>

namespace tessera {
namespace {

bool isDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

} // namespace

char Lexer::advance() {
  char c = text_[pos_++];
  if (c == '\n') {
    ++line_;
    column_ = 1;
  } else {
    ++column_;
  }
  return c;
}

void Lexer::skipSpaceAndComments() {
  while (pos_ < text_.size()) {
    char c = peek();
    if (c == '#') {
      while (pos_ < text_.size() && peek() != '\n') advance();
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      advance();
    } else {
      return;
    }
  }
}

bool Lexer::isNameChar(char c) const {
  if (c == '\0') return false;
  return std::isalnum(static_cast<unsigned char>(c)) || syntax_.nameChars.find(c) != std::string_view::npos;
}

bool Lexer::startsIdentifier() const {
  char c = peek();
  if (std::isalpha(static_cast<unsigned char>(c))) return true;
  if (syntax_.identifierFromAnyNameChar) return isNameChar(c);
  return c == '_' && isNameChar(peek(1));
}

std::string Lexer::readName() {
  std::string name;
  while (isNameChar(peek())) name += advance();
  return name;
}

StatusOr<std::string> Lexer::readQuoted() {
  int line = line_, column = column_;
  advance(); // opening quote
  std::string value;
  while (true) {
    if (pos_ >= text_.size() || peek() == '\n')
      return invalidInput("%d:%d: unterminated string", line, column);
    char c = advance();
    if (c == '"') return value;
    if (c != '\\') {
      value += c;
      continue;
    }
    char escaped = pos_ < text_.size() ? advance() : '\0';
    if (escaped == '"' || escaped == '\\') {
      value += escaped;
    } else if (escaped == 'x' && hexValue(peek()) >= 0 && hexValue(peek(1)) >= 0) {
      int high = hexValue(advance());
      value += static_cast<char>(high * 16 + hexValue(advance()));
    } else {
      return invalidInput("%d:%d: bad escape in string", line_, column_);
    }
  }
}

StatusOr<Token> Lexer::lexNumber(Token token) {
  if (syntax_.hexNumbers && peek() == '0' && (peek(1) == 'x' || peek(1) == 'X')) {
    advance();
    advance();
    token.kind = TokenKind::Hex;
    while (hexValue(peek()) >= 0) token.text += advance();
    return token;
  }
  token.kind = TokenKind::Integer;
  if (peek() == '-' || peek() == '+') token.text += advance();
  if (!isDigit(peek()))
    return invalidInput("%d:%d: expected a digit after '%s'", token.line, token.column, token.text);
  while (isDigit(peek())) token.text += advance();
  if (peek() == '.' && (syntax_.floatMayEndInDot || isDigit(peek(1)))) {
    token.kind = TokenKind::Float;
    token.text += advance();
    while (isDigit(peek())) token.text += advance();
  }
  if (peek() == 'e' || peek() == 'E') {
    token.kind = TokenKind::Float;
    token.text += advance();
    if (peek() == '-' || peek() == '+') token.text += advance();
    while (isDigit(peek())) token.text += advance();
  }
  return token;
}

StatusOr<Token> Lexer::lexSigilName(Token token) {
  char sigil = advance();
  token.kind = sigil == '%' ? TokenKind::LocalName : TokenKind::GlobalName;
  if (syntax_.quotedStrings && peek() == '"') {
    TS_ASSIGN_OR_RETURN(token.text, readQuoted());
    return token;
  }
  token.text = readName();
  if (!token.text.empty()) return token;
  if (sigil == '%' && syntax_.bareLocalSigilIsPunct) {
    token.kind = TokenKind::Punct;
    token.text = std::string(1, sigil);
    return token;
  }
  return invalidInput("%d:%d: expected a name after '%c'", token.line, token.column, sigil);
}

StatusOr<Token> Lexer::lexPunct(Token token) {
  token.kind = TokenKind::Punct;
  for (std::string_view two : syntax_.twoCharPuncts) {
    if (text_.substr(pos_, 2) != two) continue;
    advance();
    advance();
    token.text = std::string(two);
    return token;
  }
  char c = peek();
  if (syntax_.oneCharPuncts.find(c) == std::string_view::npos)
    return invalidInput("%d:%d: unexpected character '%c'", token.line, token.column, c);
  token.text = std::string(1, advance());
  return token;
}

StatusOr<Token> Lexer::next() {
  skipSpaceAndComments();
  Token token;
  token.line = line_;
  token.column = column_;
  if (pos_ >= text_.size()) return token;
  char c = peek();
  if (c == '%' || c == '@') return lexSigilName(token);
  if (c == '"' && syntax_.quotedStrings) {
    token.kind = TokenKind::String;
    TS_ASSIGN_OR_RETURN(token.text, readQuoted());
    return token;
  }
  bool signedNumber = syntax_.signedNumbers && (c == '-' || c == '+') && isDigit(peek(1));
  if (isDigit(c) || signedNumber) return lexNumber(token);
  if (startsIdentifier()) {
    token.kind = TokenKind::Identifier;
    token.text = readName();
    return token;
  }
  return lexPunct(token);
}

} // namespace tessera
