//===- strings.h - String building and splitting over std::string_view -----------===//
//
// Debian's Abseil is built with its own absl::string_view (not std::string_view), so
// absl::StrCat/StrSplit do not accept std::string_view. These small helpers cover what
// tessera needs on std::string_view; absl::StrFormat (which accepts both) remains the
// formatting tool.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <absl/strings/str_format.h>
#include <absl/strings/string_view.h>

#include <concepts>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace tessera {

namespace detail {
inline void appendPiece(std::string &out, std::string_view piece) { out.append(piece); }
inline void appendPiece(std::string &out, const char *piece) { out.append(piece); }
inline void appendPiece(std::string &out, const std::string &piece) { out.append(piece); }
inline void appendPiece(std::string &out, absl::string_view piece) { out.append(piece.data(), piece.size()); }
inline void appendPiece(std::string &out, char c) { out.push_back(c); }
template <std::integral T>
  requires(!std::same_as<T, char> && !std::same_as<T, bool>)
void appendPiece(std::string &out, T value) {
  out.append(std::to_string(value));
}
inline void appendPiece(std::string &out, bool value) { out.append(value ? "true" : "false"); }
inline void appendPiece(std::string &out, double value) { out.append(absl::StrFormat("%g", value)); }
} // namespace detail

/// Concatenates strings, string views (std and absl), characters and numbers.
template <typename... Args> std::string strCat(const Args &...args) {
  std::string out;
  (detail::appendPiece(out, args), ...);
  return out;
}

/// Appends to *out, like absl::StrAppend.
template <typename... Args> void strAppend(std::string *out, const Args &...args) {
  (detail::appendPiece(*out, args), ...);
}

/// Splits at every `separator`; empty pieces are kept unless skipEmpty.
std::vector<std::string_view> splitString(std::string_view text, char separator, bool skipEmpty = false);
/// Splits at any character of `separators`, dropping empty pieces (whitespace tokenizing).
std::vector<std::string_view> tokenize(std::string_view text, std::string_view separators = " \t\r\n");
/// Splits at the first `separator`: ("a", "b=c") for "a=b=c" and '='; ("a", "") if absent.
std::pair<std::string_view, std::string_view> splitOnce(std::string_view text, char separator);
/// Removes leading and trailing ASCII whitespace.
std::string_view trimWhitespace(std::string_view text);
std::string toUpperAscii(std::string_view text);
/// Joins pieces with a separator.
template <typename Range> std::string joinStrings(const Range &pieces, std::string_view separator) {
  std::string out;
  bool first = true;
  for (const auto &piece : pieces) {
    if (!first) out.append(separator);
    first = false;
    detail::appendPiece(out, piece);
  }
  return out;
}

} // namespace tessera
