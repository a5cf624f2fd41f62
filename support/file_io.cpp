//===- file_io.cpp - Whole-file reads and writes -----------------------------===//
#include "support/file_io.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <unistd.h>

namespace tessera {
namespace {

Status openError(const std::string &path, const char *what) {
  return absl::NotFoundError(absl::StrFormat("cannot %s '%s': %s", what, path, std::strerror(errno)));
}

/// Reads all of `path` into a Container of bytes. A directory (or anything but a regular
/// file or a device/pipe) is refused before opening: reading one makes libstdc++'s filebuf
/// throw std::ios_base::failure, which must not escape. A read error is a status too.
template <typename Container> StatusOr<Container> readWholeFile(const std::string &path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    return absl::InvalidArgumentError(absl::StrFormat("cannot read '%s': it is a directory, not a file", path));
  std::ifstream in(path, std::ios::binary);
  if (!in) return openError(path, "open");
  try {
    Container bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) return openError(path, "read");
    return bytes;
  } catch (const std::exception &error) {
    return absl::InvalidArgumentError(absl::StrFormat("cannot read '%s': %s", path, error.what()));
  }
}

} // namespace

StatusOr<std::vector<uint8_t>> readBinaryFile(const std::string &path) {
  return readWholeFile<std::vector<uint8_t>>(path);
}

StatusOr<std::string> readTextFile(const std::string &path) { return readWholeFile<std::string>(path); }

Status writeBinaryFile(const std::string &path, const std::vector<uint8_t> &bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return openError(path, "create");
  out.write(reinterpret_cast<const char *>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  out.close(); // a full disk shows when the buffer is flushed
  if (!out) return openError(path, "write");
  return absl::OkStatus();
}

Status writeTextFile(const std::string &path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return openError(path, "create");
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.close(); // a full disk shows when the buffer is flushed
  if (!out) return openError(path, "write");
  return absl::OkStatus();
}

Status writeTextFileAtomically(const std::string &path, std::string_view text) {
  std::string temporary = path + ".tmp." + std::to_string(::getpid());
  TS_RETURN_IF_ERROR(writeTextFile(temporary, text));
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    int error = errno;
    std::remove(temporary.c_str());
    return invalidInput("cannot rename '%s' to '%s': %s", temporary, path, std::strerror(error));
  }
  return absl::OkStatus();
}

} // namespace tessera
