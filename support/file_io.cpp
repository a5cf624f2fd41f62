//===- file_io.cpp - Whole-file reads and writes -----------------------------===//
#include "support/file_io.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

namespace tessera {
namespace {

Status openError(const std::string &path, const char *what) {
  return absl::NotFoundError(absl::StrFormat("cannot %s '%s': %s", what, path, std::strerror(errno)));
}

} // namespace

StatusOr<std::vector<uint8_t>> readBinaryFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return openError(path, "open");
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return openError(path, "read");
  return bytes;
}

StatusOr<std::string> readTextFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return openError(path, "open");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return openError(path, "read");
  return text;
}

Status writeBinaryFile(const std::string &path, const std::vector<uint8_t> &bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return openError(path, "create");
  out.write(reinterpret_cast<const char *>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!out) return openError(path, "write");
  return absl::OkStatus();
}

Status writeTextFile(const std::string &path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return openError(path, "create");
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!out) return openError(path, "write");
  return absl::OkStatus();
}

} // namespace tessera
