//===- binary.cpp - .tsb writer and validating loader ----------------------------===//
#include "isa/binary.h"

#include <algorithm>
#include <cstring>
#include <map>

#include <xxhash.h>

#include "support/checked_math.h"
#include "support/file_io.h"
#include "support/hash.h"
#include "support/json_number.h"
#include "support/limits.h"

namespace tessera::isa {
namespace {

using nlohmann::json;

void putU32(std::vector<uint8_t> &out, size_t at, uint32_t value) {
  for (int i = 0; i < 4; ++i) out[at + i] = uint8_t(value >> (8 * i));
}
void putU64(std::vector<uint8_t> &out, size_t at, uint64_t value) {
  for (int i = 0; i < 8; ++i) out[at + i] = uint8_t(value >> (8 * i));
}
uint32_t getU32(const std::vector<uint8_t> &in, size_t at) {
  uint32_t value = 0;
  for (int i = 0; i < 4; ++i) value |= uint32_t(in[at + i]) << (8 * i);
  return value;
}
uint64_t getU64(const std::vector<uint8_t> &in, size_t at) {
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value |= uint64_t(in[at + i]) << (8 * i);
  return value;
}

json tensorToJson(const TensorInfo &tensor, uint64_t dataOffset) {
  json object = {{"name", tensor.name},        {"kind", tensorKindName(tensor.kind)},
                 {"dtype", dtypeName(tensor.dtype)}, {"shape", tensor.shape},
                 {"dram_offset", tensor.dramOffset}, {"zero_point", tensor.zeroPoint}};
  if (tensor.scale) object["scale"] = *tensor.scale;
  if (tensor.kind == TensorKind::constant) {
    object["data_offset"] = dataOffset;
    object["data_bytes"] = tensor.data.size();
  }
  return object;
}

/// Records the word widths when they differ from 128/32, so narrow binaries stay as they were.
void recordWidths(json &metadata, const IsaWidths &widths) {
  if (widths.instructionBits != kNarrowInstructionBits) metadata["instruction_bits"] = widths.instructionBits;
  if (widths.uopBits != kNarrowUopBits) metadata["uop_bits"] = widths.uopBits;
}

json metadataJson(const Program &program, const HardwareConfig &config) {
  json tensors = json::array();
  uint64_t dataOffset = 0;
  for (const TensorInfo &tensor : program.tensors) {
    tensors.push_back(tensorToJson(tensor, dataOffset));
    dataOffset += tensor.data.size();
  }
  json segments = json::array();
  for (const Segment &segment : program.segments)
    segments.push_back({{"name", segment.name}, {"op", segment.op},
                        {"first_instruction", segment.firstInstruction},
                        {"instruction_count", segment.instructionCount}});
  json metadata = {{"config", config.toJson()},          {"dram_bytes", program.dramBytes},
                   {"instruction_offset", program.instructionOffset}, {"uop_offset", program.uopOffset},
                   {"tensors", tensors},                   {"segments", segments}};
  recordWidths(metadata, isaWidthsFor(config));
  if (!program.host.empty()) {
    json host = json::parse(program.host, nullptr, /*allow_exceptions=*/false);
    metadata["host"] = host.is_discarded() ? json(program.host) : host; // the reader rejects a non-object
  }
  return metadata;
}

struct SectionView {
  uint64_t offset = 0;
  uint64_t size = 0;
  bool present = false;
};

/// Every byte the format reserves must be zero, so no flipped byte goes unnoticed.
Status checkReservedZero(const std::vector<uint8_t> &bytes, size_t begin, size_t end, const char *what) {
  for (size_t at = begin; at < end; ++at) {
    if (bytes[at] != 0) return invalidInput("%s: reserved byte %d is 0x%x, not 0", what, at, bytes[at]);
  }
  return absl::OkStatus();
}

/// Checks one section table entry: kind, reserved field, bounds and (optionally) checksum.
StatusOr<SectionView> readSectionEntry(const std::vector<uint8_t> &bytes, uint32_t index, uint64_t tableEnd,
                                       const LoadOptions &options) {
  size_t at = kBinaryHeaderBytes + size_t(index) * kSectionEntryBytes;
  uint32_t kind = getU32(bytes, at);
  if (kind < 1 || kind > 5) return invalidInput("section %d has unknown kind %d", index, kind);
  std::string name = strCat("section ", sectionName(SectionKind(kind)), " (table entry ", index, ")");
  TS_RETURN_IF_ERROR(checkReservedZero(bytes, at + 4, at + 8, name.c_str()));
  SectionView view{getU64(bytes, at + 8), getU64(bytes, at + 16), true};
  if (view.offset < tableEnd || view.size > bytes.size() || view.offset > bytes.size() - view.size)
    return invalidInput("%s at byte %d, %d bytes, lies outside the file (%d bytes)", name, view.offset,
                        view.size, bytes.size());
  if (!options.verifyChecksums) return view;
  uint64_t stored = getU64(bytes, at + 24);
  uint64_t actual = sectionChecksum(bytes.data() + view.offset, view.size);
  if (stored != actual)
    return invalidInput("%s: checksum mismatch (stored %s, computed %s over bytes [%d, %d)): the file is "
                        "corrupt",
                        name, hashToHex(stored), hashToHex(actual), view.offset, view.offset + view.size);
  return view;
}

/// Sections may not overlap, and the alignment padding around them must be zero.
Status checkPadding(const std::vector<uint8_t> &bytes, const std::map<SectionKind, SectionView> &sections,
                    uint64_t tableEnd) {
  std::vector<std::pair<SectionView, SectionKind>> ordered;
  for (const auto &[kind, view] : sections) ordered.push_back({view, kind});
  std::sort(ordered.begin(), ordered.end(),
            [](const auto &a, const auto &b) { return a.first.offset < b.first.offset; });
  uint64_t covered = tableEnd;
  for (const auto &[view, kind] : ordered) {
    if (view.offset < covered)
      return invalidInput("section %s at byte %d overlaps what precedes it (up to byte %d)", sectionName(kind),
                          view.offset, covered);
    TS_RETURN_IF_ERROR(checkReservedZero(bytes, covered, view.offset, "padding"));
    covered = view.offset + view.size;
  }
  return checkReservedZero(bytes, covered, bytes.size(), "padding");
}

StatusOr<std::map<SectionKind, SectionView>> readSectionTable(const std::vector<uint8_t> &bytes,
                                                              const LoadOptions &options) {
  uint32_t count = getU32(bytes, 24), version = getU32(bytes, 8);
  if (count != 4 && !(count == 5 && version >= 3))
    return invalidInput("section count %d is not %s (corrupt header)", count, version >= 3 ? "4 or 5" : "4");
  uint64_t tableEnd = kBinaryHeaderBytes + uint64_t(count) * kSectionEntryBytes;
  if (tableEnd > bytes.size())
    return invalidInput("truncated: the section table ends at byte %d but the file has %d", tableEnd, bytes.size());
  std::map<SectionKind, SectionView> sections;
  for (uint32_t i = 0; i < count; ++i) {
    TS_ASSIGN_OR_RETURN(SectionView view, readSectionEntry(bytes, i, tableEnd, options));
    auto kind = SectionKind(getU32(bytes, kBinaryHeaderBytes + size_t(i) * kSectionEntryBytes));
    if (sections.count(kind)) return invalidInput("section %s appears twice", sectionName(kind));
    sections[kind] = view;
  }
  for (SectionKind kind : {SectionKind::metadata, SectionKind::instructions, SectionKind::uops, SectionKind::data})
    if (!sections.count(kind)) return invalidInput("section %s is missing", sectionName(kind));
  TS_RETURN_IF_ERROR(checkPadding(bytes, sections, tableEnd));
  return sections;
}

Status checkHeader(const std::vector<uint8_t> &bytes) {
  if (bytes.empty()) return invalidInput("empty file: not a tessera binary");
  if (std::memcmp(bytes.data(), kBinaryMagic, std::min(bytes.size(), sizeof(kBinaryMagic))) != 0)
    return invalidInput("not a tessera binary (bad magic at byte 0)");
  if (bytes.size() < kBinaryHeaderBytes)
    return invalidInput("truncated: %d bytes, shorter than the %d-byte header", bytes.size(), kBinaryHeaderBytes);
  uint32_t version = getU32(bytes, 8);
  if (version < 2 || version > kBinaryFormatVersion)
    return invalidInput("format version %d is not supported (this tool reads versions 2 to %d)", version,
                        kBinaryFormatVersion);
  if (getU32(bytes, 12) != kBinaryHeaderBytes) return invalidInput("header size field (byte 12) is %d, expected 64", getU32(bytes, 12));
  uint64_t fileBytes = getU64(bytes, 32);
  if (fileBytes != bytes.size())
    return invalidInput("truncated or padded: the header says %d bytes, the file has %d", fileBytes, bytes.size());
  TS_RETURN_IF_ERROR(checkReservedZero(bytes, 28, 32, "header"));
  return checkReservedZero(bytes, 40, kBinaryHeaderBytes, "header");
}

/// Reads `key` of `object` as T, with an error naming the key.
template <typename T> StatusOr<T> field(const json &object, const char *key, const char *where) {
  if (!object.is_object() || !object.contains(key)) return invalidInput("metadata: %s has no '%s'", where, key);
  if (!jsonFits<T>(object.at(key)))
    return invalidInput("metadata: %s field '%s' is out of its type's range (or a float where an integer belongs)",
                        where, key);
  try {
    return object.at(key).get<T>();
  } catch (const json::exception &) {
    return invalidInput("metadata: %s field '%s' has the wrong type", where, key);
  }
}

StatusOr<TensorInfo> tensorFromJson(const json &object, const std::vector<uint8_t> &bytes, SectionView data) {
  TensorInfo tensor;
  TS_ASSIGN_OR_RETURN(tensor.name, field<std::string>(object, "name", "tensor"));
  std::string where = strCat("tensor '", tensor.name, "'");
  TS_ASSIGN_OR_RETURN(std::string kind, field<std::string>(object, "kind", where.c_str()));
  TS_ASSIGN_OR_RETURN(std::string dtype, field<std::string>(object, "dtype", where.c_str()));
  TS_ASSIGN_OR_RETURN(tensor.shape, field<Shape>(object, "shape", where.c_str()));
  TS_ASSIGN_OR_RETURN(tensor.dramOffset, field<uint64_t>(object, "dram_offset", where.c_str()));
  TS_ASSIGN_OR_RETURN(tensor.zeroPoint, field<int32_t>(object, "zero_point", where.c_str()));
  auto tensorKind = tensorKindFromName(kind);
  if (!tensorKind) return invalidInput("metadata: %s has unknown kind '%s'", where, kind);
  tensor.kind = *tensorKind;
  TS_ASSIGN_OR_RETURN(tensor.dtype, parseDType(dtype));
  auto bytesNeeded = checkedTensorBytes(tensor.shape, tensor.dtype);
  if (!bytesNeeded.ok()) return annotate(bytesNeeded.status(), strCat("metadata: ", where));
  if (tensor.dramOffset > kMaxDramBytes)
    return invalidInput("metadata: %s dram_offset %d is past the %d-byte DRAM limit", where, tensor.dramOffset,
                        kMaxDramBytes);
  if (object.contains("scale")) {
    TS_ASSIGN_OR_RETURN(tensor.scale, field<float>(object, "scale", where.c_str()));
  }
  if (tensor.kind != TensorKind::constant) return tensor;
  TS_ASSIGN_OR_RETURN(uint64_t offset, field<uint64_t>(object, "data_offset", where.c_str()));
  TS_ASSIGN_OR_RETURN(uint64_t size, field<uint64_t>(object, "data_bytes", where.c_str()));
  if (size > data.size || offset > data.size - size)
    return invalidInput("metadata: %s data [%d, +%d) lies outside the DATA section (%d bytes)", where, offset,
                        size, data.size);
  tensor.data.assign(bytes.begin() + long(data.offset + offset), bytes.begin() + long(data.offset + offset + size));
  return tensor;
}

StatusOr<Segment> segmentFromJson(const json &object) {
  Segment segment;
  TS_ASSIGN_OR_RETURN(segment.name, field<std::string>(object, "name", "segment"));
  TS_ASSIGN_OR_RETURN(segment.op, field<std::string>(object, "op", "segment"));
  TS_ASSIGN_OR_RETURN(segment.firstInstruction, field<uint32_t>(object, "first_instruction", "segment"));
  TS_ASSIGN_OR_RETURN(segment.instructionCount, field<uint32_t>(object, "instruction_count", "segment"));
  return segment;
}

/// The widths recorded in the metadata (128/32 when absent) must be the config's.
Status checkRecordedWidths(const json &metadata, const IsaLayout &layout, const HardwareConfig &config) {
  struct Recorded {
    const char *key;
    int absent;
    int expected;
  };
  for (Recorded width : {Recorded{"instruction_bits", kNarrowInstructionBits, layout.instructionBits()},
                         Recorded{"uop_bits", kNarrowUopBits, layout.uopBits()}}) {
    int recorded = width.absent;
    if (metadata.contains(width.key)) {
      TS_ASSIGN_OR_RETURN(recorded, field<int>(metadata, width.key, "the program"));
    }
    if (recorded != width.expected)
      return invalidInput("metadata: the binary records %s = %d but its config '%s' gives %d", width.key, recorded,
                          config.name, width.expected);
  }
  return absl::OkStatus();
}

Status readInstructions(const std::vector<uint8_t> &bytes, SectionView view, const IsaLayout &layout, Program &program) {
  const uint64_t wordBytes = uint64_t(layout.instructionBytes());
  if (view.size % wordBytes != 0)
    return invalidInput("INSTRUCTIONS section is %d bytes, not a multiple of %d", view.size, wordBytes);
  for (uint64_t at = 0; at < view.size; at += wordBytes) {
    auto inst = decode(layout, loadWord(bytes.data() + view.offset + at, int(wordBytes)));
    if (!inst.ok())
      return invalidInput("instruction %d (file byte %d): %s", at / wordBytes, view.offset + at,
                          inst.status().message());
    program.instructions.push_back(*inst);
  }
  return absl::OkStatus();
}

Status readUops(const std::vector<uint8_t> &bytes, SectionView view, const IsaLayout &layout, Program &program) {
  const int wordBytes = layout.uopBytes();
  if (view.size % uint64_t(wordBytes) != 0)
    return invalidInput("UOPS section is %d bytes, not a multiple of %d", view.size, wordBytes);
  for (uint64_t at = 0; at < view.size; at += uint64_t(wordBytes))
    program.uops.push_back(decodeUop(layout, loadUopWord(bytes.data() + view.offset + at, wordBytes)));
  return absl::OkStatus();
}

StatusOr<json> parseMetadata(const std::vector<uint8_t> &bytes, SectionView view) {
  std::string_view text(reinterpret_cast<const char *>(bytes.data()) + view.offset, view.size);
  json metadata = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (metadata.is_discarded() || !metadata.is_object()) return invalidInput("METADATA section is not a JSON object");
  return metadata;
}

Status readMemoryMap(const json &metadata, const std::vector<uint8_t> &bytes, SectionView data, Program &program) {
  TS_ASSIGN_OR_RETURN(program.dramBytes, field<uint64_t>(metadata, "dram_bytes", "the program"));
  TS_ASSIGN_OR_RETURN(program.instructionOffset, field<uint64_t>(metadata, "instruction_offset", "the program"));
  TS_ASSIGN_OR_RETURN(program.uopOffset, field<uint64_t>(metadata, "uop_offset", "the program"));
  TS_RETURN_IF_ERROR(checkAtMost(program.dramBytes, kMaxDramBytes, "metadata: dram_bytes"));
  if (!metadata.contains("tensors") || !metadata["tensors"].is_array()) return invalidInput("metadata: no tensors array");
  if (!metadata.contains("segments") || !metadata["segments"].is_array()) return invalidInput("metadata: no segments array");
  for (const json &tensor : metadata["tensors"]) {
    TS_ASSIGN_OR_RETURN(TensorInfo info, tensorFromJson(tensor, bytes, data));
    program.tensors.push_back(std::move(info));
  }
  for (const json &segment : metadata["segments"]) {
    TS_ASSIGN_OR_RETURN(Segment info, segmentFromJson(segment));
    program.segments.push_back(std::move(info));
  }
  if (metadata.contains("host")) {
    if (!metadata["host"].is_object()) return invalidInput("metadata: 'host' must be a JSON object");
    program.host = metadata["host"].dump();
  }
  return absl::OkStatus();
}

} // namespace

StatusOr<std::vector<uint8_t>> writeBinary(const Program &program, const HardwareConfig &config) {
  TS_ASSIGN_OR_RETURN(IsaLayout layout, IsaLayout::build(config));
  // A name that is not valid UTF-8 (from an ONNX model, say) cannot be a JSON string.
  std::string metadata;
  try {
    metadata = metadataJson(program, config).dump();
  } catch (const json::type_error &error) {
    return invalidInput("metadata: a tensor or segment name is not valid UTF-8 (%s)", error.what());
  }
  const size_t wordBytes = size_t(layout.instructionBytes()), uopBytes = size_t(layout.uopBytes());
  std::vector<uint8_t> instructions(program.instructions.size() * wordBytes);
  for (size_t i = 0; i < program.instructions.size(); ++i) {
    TS_ASSIGN_OR_RETURN(Word word, encode(layout, program.instructions[i]));
    storeWord(word, instructions.data() + i * wordBytes, int(wordBytes));
  }
  std::vector<uint8_t> uops(program.uops.size() * uopBytes);
  for (size_t i = 0; i < program.uops.size(); ++i) {
    TS_ASSIGN_OR_RETURN(uint64_t word, encodeUop(layout, program.uops[i]));
    storeUopWord(word, uops.data() + i * uopBytes, int(uopBytes));
  }
  std::vector<uint8_t> data;
  for (const TensorInfo &tensor : program.tensors) data.insert(data.end(), tensor.data.begin(), tensor.data.end());

  std::vector<uint8_t> metadataBytes(metadata.begin(), metadata.end());
  std::vector<const std::vector<uint8_t> *> sections = {&metadataBytes, &instructions, &uops, &data};
  if (!program.hostCode.empty()) sections.push_back(&program.hostCode);
  const uint32_t count = uint32_t(sections.size());
  std::vector<uint8_t> out(kBinaryHeaderBytes + count * kSectionEntryBytes, 0); // reserved bytes stay 0
  std::memcpy(out.data(), kBinaryMagic, sizeof(kBinaryMagic));
  putU32(out, 8, kBinaryFormatVersion);
  putU32(out, 12, kBinaryHeaderBytes);
  putU64(out, 16, config.hash());
  putU32(out, 24, count);
  for (uint32_t i = 0; i < count; ++i) {
    while (out.size() % 16) out.push_back(0);
    size_t entry = kBinaryHeaderBytes + i * kSectionEntryBytes;
    putU32(out, entry, i + 1);
    putU64(out, entry + 8, out.size());
    putU64(out, entry + 16, sections[i]->size());
    putU64(out, entry + 24, sectionChecksum(sections[i]->data(), sections[i]->size()));
    out.insert(out.end(), sections[i]->begin(), sections[i]->end());
  }
  putU64(out, 32, out.size());
  return out;
}

std::string_view sectionName(SectionKind kind) {
  switch (kind) {
  case SectionKind::metadata: return "METADATA";
  case SectionKind::instructions: return "INSTRUCTIONS";
  case SectionKind::uops: return "UOPS";
  case SectionKind::data: return "DATA";
  case SectionKind::hostCode: return "HOST_CODE";
  }
  return "?";
}

uint64_t sectionChecksum(const uint8_t *bytes, size_t size) { return XXH3_64bits(bytes, size); }

StatusOr<LoadedBinary> readBinary(const std::vector<uint8_t> &bytes, const LoadOptions &options) {
  TS_RETURN_IF_ERROR(checkHeader(bytes));
  TS_ASSIGN_OR_RETURN(auto sections, readSectionTable(bytes, options));
  TS_ASSIGN_OR_RETURN(json metadata, parseMetadata(bytes, sections[SectionKind::metadata]));
  if (!metadata.contains("config")) return invalidInput("metadata: no config");
  auto config = parseConfig(metadata["config"]);
  if (!config.ok()) return annotate(config.status(), "embedded config");
  uint64_t headerHash = getU64(bytes, 16);
  if (config->hash() != headerHash)
    return invalidInput("the embedded config hashes to %s but the header says %s (corrupt file)",
                        hashToHex(config->hash()), hashToHex(headerHash));
  TS_ASSIGN_OR_RETURN(IsaLayout layout, IsaLayout::build(*config));
  TS_RETURN_IF_ERROR(checkRecordedWidths(metadata, layout, *config));
  LoadedBinary binary{Program{}, *config};
  TS_RETURN_IF_ERROR(readMemoryMap(metadata, bytes, sections[SectionKind::data], binary.program));
  TS_RETURN_IF_ERROR(readInstructions(bytes, sections[SectionKind::instructions], layout, binary.program));
  TS_RETURN_IF_ERROR(readUops(bytes, sections[SectionKind::uops], layout, binary.program));
  if (auto code = sections.find(SectionKind::hostCode); code != sections.end())
    binary.program.hostCode.assign(bytes.begin() + long(code->second.offset),
                                   bytes.begin() + long(code->second.offset + code->second.size));
  TS_RETURN_IF_ERROR(verifyProgram(binary.program, binary.config));
  return binary;
}

StatusOr<LoadedBinary> loadBinaryFile(const std::string &path, const LoadOptions &options) {
  TS_ASSIGN_OR_RETURN(auto bytes, readBinaryFile(path));
  auto binary = readBinary(bytes, options);
  if (!binary.ok()) return annotate(binary.status(), path);
  return binary;
}

Status checkBinaryMatchesConfig(const LoadedBinary &binary, const HardwareConfig &device) {
  if (binary.config.hash() == device.hash()) return absl::OkStatus();
  IsaWidths built = isaWidthsFor(binary.config), run = isaWidthsFor(device);
  if (built.instructionBits != run.instructionBits || built.uopBits != run.uopBits)
    return invalidInput("the binary was built for config '%s' (%d-bit instructions, %d-bit micro-ops) but the "
                        "device has config '%s' (%d-bit instructions, %d-bit micro-ops)",
                        binary.config.name, built.instructionBits, built.uopBits, device.name,
                        run.instructionBits, run.uopBits);
  return invalidInput("the binary was built for config '%s' (hash %s) but the device has config '%s' "
                      "(hash %s)",
                      binary.config.name, hashToHex(binary.config.hash()), device.name, hashToHex(device.hash()));
}

} // namespace tessera::isa
