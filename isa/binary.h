//===- binary.h - The .tsb accelerator binary container ----------------------------===//
//
// Layout (docs/binary-format.md): a 64-byte header (magic, format version, config
// hash, section count, file size), a section table holding each section's offset, size
// and XXH3-64 checksum, and the sections: METADATA (JSON: the config, the DRAM memory
// map, segments; `instruction_bits`/`uop_bits` when the config's words are wider than
// 128/32), INSTRUCTIONS (16 or 32 bytes each, per the config), UOPS (4 or 8 bytes each)
// and DATA (constant tensor bytes), and for a compiled model with host regions HOST_CODE
// (their AOT-compiled shared libraries, back to back). The loader validates every offset and size before use and verifies
// every checksum, so a truncated, corrupt or mismatched file gives a message, never a
// crash, and a flipped byte is caught even where it would still decode.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "isa/program.h"

namespace tessera::isa {

inline constexpr char kBinaryMagic[8] = {'T', 'E', 'S', 'S', 'B', 'I', 'N', '\0'};
/// Version 2 added the per-section checksum (section entries grew from 24 to 32 bytes);
/// version 3 the optional fifth section, HOST_CODE. Version 2 files are still read.
inline constexpr uint32_t kBinaryFormatVersion = 3;
inline constexpr uint32_t kBinaryHeaderBytes = 64;
/// { u32 kind, u32 reserved, u64 offset, u64 size, u64 checksum }.
inline constexpr uint32_t kSectionEntryBytes = 32;

enum class SectionKind : uint32_t { metadata = 1, instructions = 2, uops = 3, data = 4, hostCode = 5 };

/// "METADATA", "INSTRUCTIONS", "UOPS", "DATA" or "HOST_CODE".
std::string_view sectionName(SectionKind kind);

/// The checksum stored for each section: XXH3-64 (seed 0) of the section's bytes.
uint64_t sectionChecksum(const uint8_t *bytes, size_t size);

/// How readBinary treats a file.
struct LoadOptions {
  /// Verify each section's checksum. Off only to inspect a file known to be damaged
  /// (a CLI's --no-verify); every structural check still runs.
  bool verifyChecksums = true;
};

/// A binary read back: the program and the config it was built for.
struct LoadedBinary {
  Program program;
  HardwareConfig config;
};

/// Serializes `program` for `config` (which must be the one it was assembled for).
StatusOr<std::vector<uint8_t>> writeBinary(const Program &program, const HardwareConfig &config);

/// Parses and validates a binary; errors name the section, field or byte offset.
StatusOr<LoadedBinary> readBinary(const std::vector<uint8_t> &bytes, const LoadOptions &options = {});

/// Reads a .tsb file; errors are prefixed with the path.
StatusOr<LoadedBinary> loadBinaryFile(const std::string &path, const LoadOptions &options = {});

/// Fails unless `binary` was built for `device` (same config hash), naming both configs.
Status checkBinaryMatchesConfig(const LoadedBinary &binary, const HardwareConfig &device);

} // namespace tessera::isa
