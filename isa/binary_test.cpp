//===- binary_test.cpp - .tsb writing, loading and corruption handling ----------------===//
#include "isa/binary.h"

#include <algorithm>
#include <string>

#include "isa/assembler.h"
#include "isa/test_util.h"

namespace tessera::isa {
namespace {

using testing::loadTestConfig;

constexpr const char *kProgram = R"(
.tensor A input i8 4x16 @0x0 scale=0.5
.tensor B const i32 16 @0x40
.data B fill -3
.tensor C output i8 4x16 @0x80
.uop dst=1 src=2 wgt=3
.segment first op=load
load buffer=inp sram_base=0 dram_base=A y_size=4 x_size=1 x_stride=1 push_next
.segment second
gemm pop_prev uop_bgn=0 uop_end=1 iter_out=4 iter_in=1 dst_factor_out=1 src_factor_out=1
.endsegment
finish
)";

std::vector<uint8_t> validBinary(const HardwareConfig &config) {
  auto program = assemble(kProgram, config);
  EXPECT_TRUE(program.ok()) << program.status();
  auto bytes = writeBinary(*program, config);
  EXPECT_TRUE(bytes.ok()) << bytes.status();
  return *bytes;
}

TEST(Binary, RoundTripsEverySection) {
  HardwareConfig config = loadTestConfig("default");
  auto program = assemble(kProgram, config);
  ASSERT_TRUE(program.ok());
  auto loaded = readBinary(validBinary(config));
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->config.hash(), config.hash());
  EXPECT_EQ(loaded->program.instructions, program->instructions);
  EXPECT_EQ(loaded->program.uops, program->uops);
  EXPECT_EQ(printAssembly(loaded->program, config), printAssembly(*program, config));
  const TensorInfo *a = loaded->program.findTensor("A");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->scale, 0.5f);
  EXPECT_EQ(loaded->program.findTensor("B")->data, program->findTensor("B")->data);
  ASSERT_EQ(loaded->program.segments.size(), 2u);
  EXPECT_EQ(loaded->program.segments[1].name, "second");
}

/// Where `text` first occurs in `bytes`, or npos.
size_t findText(const std::vector<uint8_t> &bytes, std::string_view text) {
  return std::string_view(reinterpret_cast<const char *>(bytes.data()), bytes.size()).find(text);
}

TEST(Binary, WideWordsRoundTripAndRecordTheirWidths) {
  HardwareConfig config = testing::loadTestOnlyConfig("wide");
  auto program = assemble(kProgram, config);
  ASSERT_TRUE(program.ok()) << program.status();
  std::vector<uint8_t> bytes = validBinary(config);
  auto loaded = readBinary(bytes);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->program.instructions, program->instructions);
  EXPECT_EQ(loaded->program.uops, program->uops);
  EXPECT_NE(findText(bytes, "\"instruction_bits\":256"), std::string_view::npos);
  EXPECT_NE(findText(bytes, "\"uop_bits\":64"), std::string_view::npos);
  // A narrow config's binary has neither key, so it is byte-identical to earlier ones.
  std::vector<uint8_t> narrow = validBinary(loadTestConfig("default"));
  EXPECT_EQ(findText(narrow, "instruction_bits"), std::string_view::npos);
  EXPECT_EQ(findText(narrow, "uop_bits"), std::string_view::npos);
  // A recorded width that disagrees with the embedded config is refused, naming both.
  size_t at = findText(bytes, "\"instruction_bits\":256");
  bytes[at + 19] = '1', bytes[at + 20] = '2', bytes[at + 21] = '8';
  EXPECT_ERROR_CONTAINS(readBinary(bytes, LoadOptions{.verifyChecksums = false}),
                        "metadata: the binary records instruction_bits = 128 but its config 'wide' gives 256");
}

TEST(Binary, RejectsEveryTruncation) {
  HardwareConfig config = loadTestConfig("default");
  std::vector<uint8_t> bytes = validBinary(config);
  for (size_t size = 0; size < bytes.size(); ++size) {
    std::vector<uint8_t> truncated(bytes.begin(), bytes.begin() + long(size));
    EXPECT_FALSE(readBinary(truncated).ok()) << "accepted a file truncated to " << size << " bytes";
  }
}

TEST(Binary, SurvivesEverySingleByteCorruption) {
  // Flipping any byte must give a clean error or a valid program, never a crash. With the
  // checksums, zero reserved bytes and zero padding, every flip is in fact rejected; without
  // the checksums the structural checks alone still never crash.
  HardwareConfig config = loadTestConfig("default");
  std::vector<uint8_t> bytes = validBinary(config);
  size_t rejected = 0, rejectedUnverified = 0;
  for (size_t at = 0; at < bytes.size(); ++at) {
    std::vector<uint8_t> corrupt = bytes;
    corrupt[at] ^= 0xA5;
    rejected += !readBinary(corrupt).ok();
    rejectedUnverified += !readBinary(corrupt, LoadOptions{.verifyChecksums = false}).ok();
  }
  EXPECT_EQ(rejected, bytes.size());
  EXPECT_GT(rejectedUnverified, bytes.size() / 4);
}

/// Each section's [offset, offset + size) from the section table of a valid binary.
std::vector<std::pair<SectionKind, std::pair<size_t, size_t>>> sectionRanges(const std::vector<uint8_t> &bytes) {
  auto u64 = [&](size_t at) {
    uint64_t value = 0;
    for (int i = 0; i < 8; ++i) value |= uint64_t(bytes[at + i]) << (8 * i);
    return value;
  };
  std::vector<std::pair<SectionKind, std::pair<size_t, size_t>>> ranges;
  for (size_t i = 0; i < 4; ++i) {
    size_t entry = kBinaryHeaderBytes + i * kSectionEntryBytes;
    ranges.push_back({SectionKind(bytes[entry]), {u64(entry + 8), u64(entry + 16)}});
  }
  return ranges;
}

TEST(Binary, EveryFlippedSectionByteIsRejectedNamingTheSection) {
  // The checksum catches what decoding alone would accept (a constant's byte, an
  // instruction field, a micro-op index, a JSON string's character).
  HardwareConfig config = loadTestConfig("default");
  std::vector<uint8_t> bytes = validBinary(config);
  for (const auto &[kind, range] : sectionRanges(bytes)) {
    std::string expected = strCat("section ", sectionName(kind), " ");
    ASSERT_GT(range.second, 0u) << expected;
    for (size_t at = range.first; at < range.first + range.second; ++at) {
      std::vector<uint8_t> corrupt = bytes;
      corrupt[at] ^= 0x01;
      auto loaded = readBinary(corrupt);
      ASSERT_FALSE(loaded.ok()) << "accepted a flip at byte " << at << " of " << expected;
      std::string message(loaded.status().message());
      ASSERT_NE(message.find(expected), std::string::npos) << message;
      ASSERT_NE(message.find("checksum mismatch"), std::string::npos) << message;
    }
  }
}

TEST(Binary, NoVerifyLoadsADamagedConstant) {
  HardwareConfig config = loadTestConfig("default");
  std::vector<uint8_t> bytes = validBinary(config);
  auto [kind, data] = sectionRanges(bytes)[3];
  ASSERT_EQ(kind, SectionKind::data);
  bytes[data.first] ^= 0x01;
  EXPECT_ERROR_CONTAINS(readBinary(bytes), "section DATA (table entry 3): checksum mismatch");
  auto loaded = readBinary(bytes, LoadOptions{.verifyChecksums = false});
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->program.findTensor("B")->data[0], uint8_t(0xfd ^ 0x01));
}

TEST(Binary, SizesInTheMetadataAreBounded) {
  HardwareConfig config = loadTestConfig("default");
  auto program = assemble(kProgram, config);
  ASSERT_TRUE(program.ok());
  Program huge = *program;
  huge.dramBytes = uint64_t(1) << 40;
  EXPECT_ERROR_CONTAINS(readBinary(*writeBinary(huge, config)),
                        "dram_bytes is 1099511627776 bytes; the limit is 4294967296");
  huge = *program;
  huge.tensors[0].shape = {int64_t(1) << 32, int64_t(1) << 32, 4}; // the product wraps to 0
  EXPECT_ERROR_CONTAINS(readBinary(*writeBinary(huge, config)),
                        "tensor 'A': shape 4294967296x4294967296x4 has more than 2147483648 elements");
}

/// `bytes` with the first `from` replaced by `to` (the same length: the layout stays).
std::vector<uint8_t> replaced(std::vector<uint8_t> bytes, const std::string &from, const std::string &to) {
  EXPECT_EQ(from.size(), to.size());
  auto at = std::search(bytes.begin(), bytes.end(), from.begin(), from.end());
  EXPECT_NE(at, bytes.end()) << from;
  if (at != bytes.end()) std::copy(to.begin(), to.end(), at);
  return bytes;
}

// A metadata number out of its field's range, or a float where an integer belongs, is
// an error naming the field (a float cast to an integer out of range is undefined).
TEST(Binary, MetadataNumbersOutOfRangeAreErrors) {
  HardwareConfig config = loadTestConfig("default");
  std::vector<uint8_t> bytes = validBinary(config);
  std::string text(bytes.begin(), bytes.end());
  size_t key = text.find("\"dram_bytes\":");
  ASSERT_NE(key, std::string::npos);
  size_t begin = key + std::string("\"dram_bytes\":").size(), end = text.find_first_not_of("0123456789", begin);
  std::string digits = text.substr(begin, end - begin);
  ASSERT_GE(digits.size(), 3u) << digits;
  std::string asFloat = std::string(digits.size() - 3, '1') + "e99";
  EXPECT_ERROR_CONTAINS(readBinary(replaced(bytes, "\"dram_bytes\":" + digits, "\"dram_bytes\":" + asFloat),
                                   {.verifyChecksums = false}),
                        "metadata: the program field 'dram_bytes' is out of its type's range (or a float where an integer belongs)");
  std::string negative = "-" + std::string(digits.size() - 1, '1');
  EXPECT_ERROR_CONTAINS(readBinary(replaced(bytes, "\"dram_bytes\":" + digits, "\"dram_bytes\":" + negative),
                                   {.verifyChecksums = false}),
                        "metadata: the program field 'dram_bytes' is out of its type's range (or a float where an integer belongs)");
}

TEST(Binary, HostCodeRoundTripsAsAFifthSection) {
  HardwareConfig config = loadTestConfig("default");
  auto loaded = readBinary(validBinary(config));
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  Program program = loaded->program;
  program.hostCode = {1, 2, 3, 4, 5, 6, 7};
  auto bytes = writeBinary(program, config);
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  EXPECT_EQ((*bytes)[24], 5); // section count
  auto back = readBinary(*bytes);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->program.hostCode, program.hostCode);
  (*bytes)[(*bytes).size() - 1] ^= 1; // the last byte is HOST_CODE's
  EXPECT_ERROR_CONTAINS(readBinary(*bytes), "section HOST_CODE (table entry 4): checksum mismatch");
}

TEST(Binary, AVersionTwoFileWithFiveSectionsIsRefused) {
  HardwareConfig config = loadTestConfig("default");
  Program program = readBinary(validBinary(config))->program;
  program.hostCode = {1};
  std::vector<uint8_t> bytes = *writeBinary(program, config);
  bytes[8] = 2;
  EXPECT_ERROR_CONTAINS(readBinary(bytes), "section count 5 is not 4 (corrupt header)");
}

TEST(Binary, OldFormatVersionIsRefused) {
  HardwareConfig config = loadTestConfig("default");
  std::vector<uint8_t> bytes = validBinary(config);
  bytes[8] = 1;
  EXPECT_ERROR_CONTAINS(readBinary(bytes), "format version 1 is not supported (this tool reads versions 2 to 3)");
}

TEST(Binary, HeaderErrorsAreSpecific) {
  HardwareConfig config = loadTestConfig("default");
  std::vector<uint8_t> bytes = validBinary(config);
  std::vector<uint8_t> badMagic = bytes;
  badMagic[0] = 'X';
  EXPECT_ERROR_CONTAINS(readBinary(badMagic), "bad magic");
  std::vector<uint8_t> badVersion = bytes;
  badVersion[8] = 9;
  EXPECT_ERROR_CONTAINS(readBinary(badVersion), "format version 9 is not supported");
  std::vector<uint8_t> badHash = bytes;
  badHash[16] ^= 1;
  EXPECT_ERROR_CONTAINS(readBinary(badHash), "the embedded config hashes to");
  std::vector<uint8_t> padded = bytes;
  padded.push_back(0);
  EXPECT_ERROR_CONTAINS(readBinary(padded), "the header says");
}

TEST(Binary, ConfigMismatchNamesBothConfigs) {
  HardwareConfig config = loadTestConfig("default");
  auto loaded = readBinary(validBinary(config));
  ASSERT_TRUE(loaded.ok());
  HardwareConfig other = loadTestConfig("large");
  EXPECT_ERROR_CONTAINS(checkBinaryMatchesConfig(*loaded, other), "built for config 'default'");
  EXPECT_TRUE(checkBinaryMatchesConfig(*loaded, config).ok());
}

} // namespace
} // namespace tessera::isa
