//===- program_file.h - Loading an accelerator program for CLI commands ------------===//
#pragma once

#include <optional>
#include <string>

#include "isa/binary.h"

namespace tessera::cli {

/// Loads a program from a .tsb binary (checking its section checksums per `load`) or
/// assembles a .s file. For .s a config is required; for .tsb a given config must
/// match the binary's.
StatusOr<isa::LoadedBinary> loadProgram(const std::string &path, const std::optional<std::string> &configPath,
                                        const isa::LoadOptions &load = {});

} // namespace tessera::cli
