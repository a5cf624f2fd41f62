//===- strings.cpp - String splitting helpers ------------------------------------===//
#include "support/strings.h"

#include <cctype>

namespace tessera {

std::vector<std::string_view> splitString(std::string_view text, char separator, bool skipEmpty) {
  std::vector<std::string_view> pieces;
  size_t start = 0;
  while (true) {
    size_t end = text.find(separator, start);
    std::string_view piece = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (!(skipEmpty && piece.empty())) pieces.push_back(piece);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return pieces;
}

std::vector<std::string_view> tokenize(std::string_view text, std::string_view separators) {
  std::vector<std::string_view> pieces;
  size_t start = text.find_first_not_of(separators);
  while (start != std::string_view::npos) {
    size_t end = text.find_first_of(separators, start);
    pieces.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    start = end == std::string_view::npos ? end : text.find_first_not_of(separators, end);
  }
  return pieces;
}

std::pair<std::string_view, std::string_view> splitOnce(std::string_view text, char separator) {
  size_t at = text.find(separator);
  if (at == std::string_view::npos) return {text, std::string_view()};
  return {text.substr(0, at), text.substr(at + 1)};
}

std::string_view trimWhitespace(std::string_view text) {
  size_t begin = 0, end = text.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(text[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  return text.substr(begin, end - begin);
}

std::string toUpperAscii(std::string_view text) {
  std::string out(text);
  for (char &c : out) c = char(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

} // namespace tessera
