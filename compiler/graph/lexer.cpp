//===- lexer.cpp - Tokens of the graph IR's text form --------------------------===//
#include "compiler/graph/lexer.h"

#include <cctype>

namespace tessera::graph {
namespace {

bool isNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '$';
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

} // namespace

char Lexer::peek(size_t ahead) const {
  return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
}

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

StatusOr<Token> Lexer::lexQuoted(Token token) {
  TS_ASSIGN_OR_RETURN(token.text, readQuoted());
  return token;
}

StatusOr<Token> Lexer::lexNumber(Token token) {
  if (peek() == '0' && (peek(1) == 'x' || peek(1) == 'X')) {
    advance();
    advance();
    token.kind = TokenKind::Hex;
    while (hexValue(peek()) >= 0) token.text += advance();
    return token;
  }
  token.kind = TokenKind::Integer;
  if (peek() == '-' || peek() == '+') token.text += advance();
  if (!std::isdigit(static_cast<unsigned char>(peek())))
    return invalidInput("%d:%d: expected a digit after '%s'", token.line, token.column, token.text);
  while (std::isdigit(static_cast<unsigned char>(peek()))) token.text += advance();
  if (peek() == '.') {
    token.kind = TokenKind::Float;
    token.text += advance();
    while (std::isdigit(static_cast<unsigned char>(peek()))) token.text += advance();
  }
  if (peek() == 'e' || peek() == 'E') {
    token.kind = TokenKind::Float;
    token.text += advance();
    if (peek() == '-' || peek() == '+') token.text += advance();
    while (std::isdigit(static_cast<unsigned char>(peek()))) token.text += advance();
  }
  return token;
}

StatusOr<Token> Lexer::next() {
  skipSpaceAndComments();
  Token token;
  token.line = line_;
  token.column = column_;
  if (pos_ >= text_.size()) return token;
  char c = peek();
  if (c == '%' || c == '@') {
    advance();
    token.kind = c == '%' ? TokenKind::ValueName : TokenKind::GlobalName;
    if (peek() == '"') return lexQuoted(token);
    while (isNameChar(peek())) token.text += advance();
    if (token.text.empty())
      return invalidInput("%d:%d: expected a name after '%c'", token.line, token.column, c);
    return token;
  }
  if (c == '"') {
    token.kind = TokenKind::String;
    return lexQuoted(token);
  }
  bool signedNumber = (c == '-' || c == '+') && std::isdigit(static_cast<unsigned char>(peek(1)));
  if (std::isdigit(static_cast<unsigned char>(c)) || signedNumber) return lexNumber(token);
  if (std::isalpha(static_cast<unsigned char>(c)) || (c == '_' && isNameChar(peek(1)))) {
    token.kind = TokenKind::Identifier;
    while (isNameChar(peek())) token.text += advance();
    return token;
  }
  if (std::string_view("()[]{},=:<>?*_-").find(c) != std::string_view::npos) {
    token.kind = TokenKind::Punct;
    token.text = std::string(1, advance());
    return token;
  }
  return invalidInput("%d:%d: unexpected character '%c'", token.line, token.column, c);
}

} // namespace tessera::graph
