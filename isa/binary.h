//===- binary.h - The .tsb accelerator binary container ----------------------------===//
//
// Layout (docs/binary-format.md): a 64-byte header (magic, format version, config
// hash, section count, file size), a section table, and the sections: METADATA (JSON:
// the config, the DRAM memory map, segments), INSTRUCTIONS (16 bytes each), UOPS
// (4 bytes each) and DATA (constant tensor bytes). The loader validates every offset
// and size before use, so a truncated, corrupt or mismatched file gives a message,
// never a crash.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <vector>

#include "isa/program.h"

namespace tessera::isa {

inline constexpr char kBinaryMagic[8] = {'T', 'E', 'S', 'S', 'B', 'I', 'N', '\0'};
inline constexpr uint32_t kBinaryFormatVersion = 1;
inline constexpr uint32_t kBinaryHeaderBytes = 64;
inline constexpr uint32_t kSectionEntryBytes = 24;

enum class SectionKind : uint32_t { metadata = 1, instructions = 2, uops = 3, data = 4 };

/// A binary read back: the program and the config it was built for.
struct LoadedBinary {
  Program program;
  HardwareConfig config;
};

/// Serializes `program` for `config` (which must be the one it was assembled for).
StatusOr<std::vector<uint8_t>> writeBinary(const Program &program, const HardwareConfig &config);

/// Parses and validates a binary; errors name the section, field or byte offset.
StatusOr<LoadedBinary> readBinary(const std::vector<uint8_t> &bytes);

/// Reads a .tsb file; errors are prefixed with the path.
StatusOr<LoadedBinary> loadBinaryFile(const std::string &path);

/// Fails unless `binary` was built for `device` (same config hash), naming both configs.
Status checkBinaryMatchesConfig(const LoadedBinary &binary, const HardwareConfig &device);

} // namespace tessera::isa
