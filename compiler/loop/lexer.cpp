//===- lexer.cpp - Tokenizes the loop IR's text form ---------------------------------===//
#include "compiler/loop/lexer.h"

#include <cctype>

namespace tessera::loop {
namespace {

bool isWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.'; }

constexpr std::string_view kTwoCharPuncts[] = {"<=", ">=", "==", "!=", "&&", "||"};
constexpr std::string_view kOneCharPuncts = "()[]{},:=+-*/%<>&!";

} // namespace

char LoopLexer::advance() {
  char c = text_[pos_++];
  if (c == '\n') {
    ++line_;
    column_ = 1;
  } else {
    ++column_;
  }
  return c;
}

void LoopLexer::skipSpace() {
  while (pos_ < text_.size()) {
    if (std::isspace(static_cast<unsigned char>(peek()))) {
      advance();
    } else if (peek() == '#') {
      while (pos_ < text_.size() && peek() != '\n') advance();
    } else {
      return;
    }
  }
}

std::string LoopLexer::readWord() {
  std::string word;
  while (pos_ < text_.size() && isWordChar(peek())) word += advance();
  return word;
}

Tok LoopLexer::lexNumber(Tok tok) {
  tok.kind = TokKind::Int;
  while (std::isdigit(static_cast<unsigned char>(peek()))) tok.text += advance();
  if (peek() == '.' && std::isdigit(static_cast<unsigned char>(peek(1)))) {
    tok.kind = TokKind::Float;
    tok.text += advance();
    while (std::isdigit(static_cast<unsigned char>(peek()))) tok.text += advance();
  }
  if (peek() == 'e' || peek() == 'E') {
    tok.kind = TokKind::Float;
    tok.text += advance();
    if (peek() == '+' || peek() == '-') tok.text += advance();
    while (std::isdigit(static_cast<unsigned char>(peek()))) tok.text += advance();
  }
  return tok;
}

StatusOr<Tok> LoopLexer::next() {
  skipSpace();
  Tok tok;
  tok.line = line_;
  tok.column = column_;
  if (pos_ >= text_.size()) return tok;
  char c = peek();
  if (std::isdigit(static_cast<unsigned char>(c))) return lexNumber(tok);
  if (c == '%' || c == '@') {
    advance();
    tok.kind = c == '%' ? TokKind::Var : TokKind::Global;
    tok.text = readWord();
    if (!tok.text.empty()) return tok;
    if (c == '%') { // the modulo operator
      tok.kind = TokKind::Punct;
      tok.text = "%";
      return tok;
    }
    return invalidInput("%d:%d: expected a name after '@'", tok.line, tok.column);
  }
  if (isWordChar(c)) {
    tok.kind = TokKind::Ident;
    tok.text = readWord();
    return tok;
  }
  tok.kind = TokKind::Punct;
  for (std::string_view two : kTwoCharPuncts) {
    if (text_.substr(pos_, 2) == two) {
      advance();
      advance();
      tok.text = std::string(two);
      return tok;
    }
  }
  if (kOneCharPuncts.find(c) == std::string_view::npos)
    return invalidInput("%d:%d: unexpected character '%c'", tok.line, tok.column, c);
  tok.text = std::string(1, advance());
  return tok;
}

} // namespace tessera::loop
