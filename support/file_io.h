//===- file_io.h - Whole-file reads and writes with status errors ------------===//
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "support/status.h"

namespace tessera {

/// Reads a whole file; the error names the path and the OS reason. A directory is an
/// error ("it is a directory"), never an exception.
StatusOr<std::vector<uint8_t>> readBinaryFile(const std::string &path);
StatusOr<std::string> readTextFile(const std::string &path);

/// Writes a whole file, creating or truncating it.
Status writeBinaryFile(const std::string &path, const std::vector<uint8_t> &bytes);
Status writeTextFile(const std::string &path, std::string_view text);
/// Writes `text` to a temporary file beside `path`, then renames it over `path`: a reader
/// (or a rerun after a kill) sees the old file or the whole new one, never a part.
Status writeTextFileAtomically(const std::string &path, std::string_view text);

} // namespace tessera
