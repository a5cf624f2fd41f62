//===- config_derive.cpp - A consistent hardware config for a GEMM array size --------===//
#include "isa/config_derive.h"

#include <bit>
#include <charconv>
#include <cmath>

#include "support/strings.h"

namespace tessera::isa {
namespace {

constexpr int64_t kBaseBlock = 16;
constexpr int64_t kMinBlock = 4, kMaxBlock = 64;
constexpr double kMinScale = 0.25, kMaxScale = 4.0;

/// `bytes` of `entry`-byte entries times `factor`, the depth rounded to the nearest
/// power of two (at least one entry).
int64_t scaledBytes(int64_t bytes, int64_t entry, double factor) {
  double depth = double(bytes / entry) * factor;
  int64_t rounded = int64_t(1) << std::max<int64_t>(0, std::llround(std::log2(std::max(depth, 1.0))));
  return rounded * entry;
}

void applyBlockRule(HardwareConfig &config, int64_t block) {
  // s = block / 16 as an exact fraction: every product below is an integer for block >= 4.
  config.block_in = config.block_out = block;
  config.input_buffer_bytes = config.input_buffer_bytes * block / kBaseBlock;
  config.acc_buffer_bytes = config.acc_buffer_bytes * block / kBaseBlock;
  config.output_buffer_bytes = config.output_buffer_bytes * block / kBaseBlock;
  config.weight_buffer_bytes = config.weight_buffer_bytes * block * block / (kBaseBlock * kBaseBlock);
  config.dram_bytes_per_cycle = std::max<int64_t>(4, config.dram_bytes_per_cycle * block / kBaseBlock);
  config.dram_burst_bytes = std::max<int64_t>(16, config.dram_burst_bytes * block / kBaseBlock);
  config.gemm_pipeline_depth = std::bit_width(uint64_t(block)) - 1;
}

void applyScale(HardwareConfig &config, double factor) {
  config.input_buffer_bytes = scaledBytes(config.input_buffer_bytes, config.entryBytes(Buffer::inp), factor);
  config.weight_buffer_bytes = scaledBytes(config.weight_buffer_bytes, config.entryBytes(Buffer::wgt), factor);
  config.acc_buffer_bytes = scaledBytes(config.acc_buffer_bytes, config.entryBytes(Buffer::acc), factor);
  config.output_buffer_bytes = scaledBytes(config.output_buffer_bytes, config.entryBytes(Buffer::out), factor);
}

bool isConfigKey(const std::string &key) {
#define TESSERA_CONFIG_IS_KEY(name, type, summary)                                                                     \
  if (key == #name) return true;
  TESSERA_FOR_EACH_CONFIG_KEY(TESSERA_CONFIG_IS_KEY)
#undef TESSERA_CONFIG_IS_KEY
  return key == "name";
}

/// The JSON value of a --set value: a number when it reads as one, else a string.
nlohmann::json settingValue(const std::string &text) {
  nlohmann::json value = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded() || value.is_structured()) return text;
  return value;
}

Status applySettings(nlohmann::json &object, const DeriveOptions &options) {
  for (const auto &[key, value] : options.settings) {
    if (!isConfigKey(key)) return invalidInput("--set: unknown config key '%s'", key);
    object[key] = settingValue(value);
  }
  return absl::OkStatus();
}

std::string defaultName(const DeriveOptions &options) {
  std::string name = strCat("block", options.block);
  if (options.scaleBuffers != 1.0) name += absl::StrFormat("-x%g", options.scaleBuffers);
  return name;
}

} // namespace

HardwareConfig defaultHardwareConfig() {
  HardwareConfig config;
  config.name = "default";
  config.batch = 1;
  config.block_in = 16;
  config.block_out = 16;
  config.input_bits = 8;
  config.weight_bits = 8;
  config.acc_bits = 32;
  config.uop_buffer_bytes = 32768;
  config.input_buffer_bytes = 32768;
  config.weight_buffer_bytes = 262144;
  config.acc_buffer_bytes = 131072;
  config.output_buffer_bytes = 32768;
  config.token_queue_depth = 8;
  config.instruction_queue_depth = 32;
  config.dram_latency_cycles = 40;
  config.dram_bytes_per_cycle = 16;
  config.dram_burst_bytes = 256;
  config.clock_mhz = 200;
  config.gemm_pipeline_depth = 4;
  config.alu_pipeline_depth = 2;
  config.alu_read_ports = 2;
  return config;
}

StatusOr<int64_t> parseDeriveSpec(std::string_view spec) {
  constexpr std::string_view kPrefix = "block=";
  if (!spec.starts_with(kPrefix)) return invalidInput("--derive expects block=N, got '%s'", spec);
  std::string_view digits = spec.substr(kPrefix.size());
  int64_t block = 0;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), block);
  if (error != std::errc() || end != digits.data() + digits.size() || digits.empty())
    return invalidInput("--derive block=%s: the block size must be an integer", digits);
  return block;
}

StatusOr<std::pair<std::string, std::string>> parseSetting(std::string_view text) {
  size_t equals = text.find('=');
  if (equals == std::string_view::npos || equals == 0)
    return invalidInput("--set expects key=value, got '%s'", text);
  return std::pair<std::string, std::string>(text.substr(0, equals), text.substr(equals + 1));
}

StatusOr<HardwareConfig> deriveConfig(const DeriveOptions &options) {
  int64_t block = options.block;
  if (block < kMinBlock || block > kMaxBlock || !std::has_single_bit(uint64_t(block)))
    return invalidInput("--derive block=%d: the block size must be a power of two in [%d, %d]", block, kMinBlock,
                        kMaxBlock);
  if (!(options.scaleBuffers >= kMinScale && options.scaleBuffers <= kMaxScale))
    return invalidInput("--scale-buffers %g: the factor must be in [%g, %g]", options.scaleBuffers, kMinScale,
                        kMaxScale);
  HardwareConfig config = defaultHardwareConfig();
  applyBlockRule(config, block);
  applyScale(config, options.scaleBuffers);
  config.name = options.name.empty() ? defaultName(options) : options.name;
  nlohmann::json object = config.toJson();
  TS_RETURN_IF_ERROR(applySettings(object, options));
  auto derived = parseConfig(object);
  if (!derived.ok()) return annotate(derived.status(), strCat("derived config '", config.name, "'"));
  return derived;
}

} // namespace tessera::isa
