//===- lexer.h - Tokens of the loop IR's text form ---------------------------------===//
#pragma once

#include <string>
#include <string_view>

#include "support/status.h"

namespace tessera::loop {

enum class TokKind { End, Ident, Var, Global, Int, Float, Punct };

struct Tok {
  TokKind kind = TokKind::End;
  std::string text; ///< without the % or @ sigil
  int line = 1, column = 1;
};

/// Splits text into tokens; `#` comments run to the end of the line. Identifiers may
/// hold dots (`gpu_block`, `tessera.gemm`).
class LoopLexer {
public:
  explicit LoopLexer(std::string_view text) : text_(text) {}
  StatusOr<Tok> next();

private:
  void skipSpace();
  char peek(size_t ahead = 0) const { return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0'; }
  char advance();
  std::string readWord();
  Tok lexNumber(Tok tok);

  std::string_view text_;
  size_t pos_ = 0;
  int line_ = 1, column_ = 1;
};

} // namespace tessera::loop
