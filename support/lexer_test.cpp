//===- lexer_test.cpp - The IR text forms' lexer under two syntaxes ---------------===//
#include "support/lexer.h"

#include <gtest/gtest.h>

#include <vector>

namespace tessera {
namespace {

constexpr std::string_view kTwo[] = {"<=", "=="};
constexpr LexerSyntax kPlain = {.nameChars = "_.",
                                .identifierFromAnyNameChar = true,
                                .twoCharPuncts = kTwo,
                                .oneCharPuncts = "()-<=%",
                                .quotedStrings = false,
                                .signedNumbers = false,
                                .hexNumbers = false,
                                .floatMayEndInDot = false,
                                .bareLocalSigilIsPunct = true};
constexpr LexerSyntax kRich = {.nameChars = "_.$",
                               .identifierFromAnyNameChar = false,
                               .twoCharPuncts = {},
                               .oneCharPuncts = "(),-_",
                               .quotedStrings = true,
                               .signedNumbers = true,
                               .hexNumbers = true,
                               .floatMayEndInDot = true,
                               .bareLocalSigilIsPunct = false};

/// "kind:text" of every token, or the error message.
std::string lex(std::string_view text, const LexerSyntax &syntax) {
  Lexer lexer(text, syntax);
  std::string out;
  while (true) {
    auto token = lexer.next();
    if (!token.ok()) return out + "error: " + std::string(token.status().message());
    if (token->kind == TokenKind::End) return out;
    out += strCat(int(token->kind), ":", token->text, " ");
  }
}

TEST(Lexer, SharedTokens) {
  // Identifier 1, LocalName 2, GlobalName 3, Integer 4, Float 5, Punct 8.
  EXPECT_EQ(lex("%x @f 12 1.5e3 # comment\n(a.b)", kPlain), "2:x 3:f 4:12 5:1.5e3 8:( 1:a.b 8:) ");
  EXPECT_EQ(lex("%x @f 12 1.5e3 # comment\n(a.b)", kRich), "2:x 3:f 4:12 5:1.5e3 8:( 1:a.b 8:) ");
}

TEST(Lexer, WhatEachSyntaxAdds) {
  EXPECT_EQ(lex("-3 <= % 1. .x _", kPlain), "8:- 4:3 8:<= 8:% 4:1 1:. 1:.x 1:_ ");
  EXPECT_EQ(lex("-3 0x1F 1. %\"a b\" \"s\\x41\" _ $", kRich),
            "4:-3 7:1F 5:1. 2:a b 6:sA 8:_ error: 1:29: unexpected character '$'");
  EXPECT_EQ(lex("% x", kRich), "error: 1:1: expected a name after '%'");
  EXPECT_EQ(lex("@ x", kPlain), "error: 1:1: expected a name after '@'");
  EXPECT_EQ(lex("\"open", kRich), "error: 1:1: unterminated string");
}

} // namespace
} // namespace tessera
