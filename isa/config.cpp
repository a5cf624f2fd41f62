//===- config.cpp - Hardware config parsing and validation -------------------===//
#include "isa/config.h"

#include <bit>
#include <set>

#include "isa/layout.h"
#include "support/file_io.h"
#include "support/hash.h"

namespace tessera::isa {
namespace {

using nlohmann::json;

Status readKey(const json &object, const std::string &key, int64_t &out) {
  const json &value = object.at(key);
  if (!value.is_number_integer())
    return invalidInput("config key '%s' must be an integer, got %s", key, value.dump());
  if (value.is_number_unsigned() && value.get<uint64_t>() > uint64_t(INT64_MAX))
    return invalidInput("config key '%s' is out of range: %s", key, value.dump());
  out = value.get<int64_t>();
  return absl::OkStatus();
}

Status readKey(const json &object, const std::string &key, double &out) {
  const json &value = object.at(key);
  if (!value.is_number()) return invalidInput("config key '%s' must be a number, got %s", key, value.dump());
  out = value.get<double>();
  return absl::OkStatus();
}

Status checkKeys(const json &object) {
  std::set<std::string> known = {"name"};
#define TESSERA_CONFIG_KNOWN(key, type, summary) known.insert(#key);
  TESSERA_FOR_EACH_CONFIG_KEY(TESSERA_CONFIG_KNOWN)
#undef TESSERA_CONFIG_KNOWN
  for (const auto &item : object.items()) {
    if (!known.count(item.key())) return invalidInput("unknown config key '%s'", item.key());
  }
  for (const std::string &key : known) {
    if (key != "name" && !object.contains(key)) return invalidInput("config key '%s' is missing", key);
  }
  return absl::OkStatus();
}

Status requirePowerOfTwo(const char *key, int64_t value) {
  if (value <= 0 || !std::has_single_bit(uint64_t(value)))
    return invalidInput("config key '%s' must be a positive power of two, got %d", key, value);
  return absl::OkStatus();
}

Status requireRange(const char *key, int64_t value, int64_t lo, int64_t hi) {
  if (value < lo || value > hi)
    return invalidInput("config key '%s' must be in [%d, %d], got %d", key, lo, hi, value);
  return absl::OkStatus();
}

Status checkBuffer(const HardwareConfig &config, Buffer buffer, const char *key, int64_t bytes) {
  int64_t entry = config.entryBytes(buffer);
  if (bytes <= 0 || bytes % entry != 0)
    return invalidInput("config key '%s' (%d) must be a positive multiple of the %s entry size "
                        "(%d bytes)",
                        key, bytes, bufferName(buffer), entry);
  int64_t depth = bytes / entry;
  if (!std::has_single_bit(uint64_t(depth)))
    return invalidInput("config key '%s' gives %d %s entries of %d bytes; the depth must be a "
                        "power of two",
                        key, depth, bufferName(buffer), entry);
  return absl::OkStatus();
}

Status validateShape(const HardwareConfig &c) {
  TS_RETURN_IF_ERROR(requirePowerOfTwo("batch", c.batch));
  TS_RETURN_IF_ERROR(requirePowerOfTwo("block_in", c.block_in));
  TS_RETURN_IF_ERROR(requirePowerOfTwo("block_out", c.block_out));
  TS_RETURN_IF_ERROR(requireRange("batch", c.batch, 1, 64));
  TS_RETURN_IF_ERROR(requireRange("block_in", c.block_in, 1, 256));
  TS_RETURN_IF_ERROR(requireRange("block_out", c.block_out, 1, 256));
  if (c.input_bits != 8) return invalidInput("config key 'input_bits' must be 8 (int8 inputs), got %d", c.input_bits);
  if (c.weight_bits != 8) return invalidInput("config key 'weight_bits' must be 8 (int8 weights), got %d", c.weight_bits);
  if (c.acc_bits != 32) return invalidInput("config key 'acc_bits' must be 32 (int32 accumulators), got %d", c.acc_bits);
  return absl::OkStatus();
}

Status validateBuffers(const HardwareConfig &c) {
  TS_RETURN_IF_ERROR(checkBuffer(c, Buffer::uop, "uop_buffer_bytes", c.uop_buffer_bytes));
  TS_RETURN_IF_ERROR(checkBuffer(c, Buffer::inp, "input_buffer_bytes", c.input_buffer_bytes));
  TS_RETURN_IF_ERROR(checkBuffer(c, Buffer::wgt, "weight_buffer_bytes", c.weight_buffer_bytes));
  TS_RETURN_IF_ERROR(checkBuffer(c, Buffer::acc, "acc_buffer_bytes", c.acc_buffer_bytes));
  TS_RETURN_IF_ERROR(checkBuffer(c, Buffer::out, "output_buffer_bytes", c.output_buffer_bytes));
  if (c.depth(Buffer::out) != c.depth(Buffer::acc))
    return invalidInput("config key 'output_buffer_bytes' gives %d out entries but the acc "
                        "buffer has %d; they must match (out mirrors acc)",
                        c.depth(Buffer::out), c.depth(Buffer::acc));
  return absl::OkStatus();
}

Status validateTiming(const HardwareConfig &c) {
  TS_RETURN_IF_ERROR(requireRange("token_queue_depth", c.token_queue_depth, 1, 1024));
  TS_RETURN_IF_ERROR(requireRange("instruction_queue_depth", c.instruction_queue_depth, 1, 4096));
  TS_RETURN_IF_ERROR(requireRange("dram_latency_cycles", c.dram_latency_cycles, 1, 100000));
  TS_RETURN_IF_ERROR(requirePowerOfTwo("dram_bytes_per_cycle", c.dram_bytes_per_cycle));
  TS_RETURN_IF_ERROR(requireRange("dram_bytes_per_cycle", c.dram_bytes_per_cycle, 1, 4096));
  TS_RETURN_IF_ERROR(requirePowerOfTwo("dram_burst_bytes", c.dram_burst_bytes));
  if (c.dram_burst_bytes < c.dram_bytes_per_cycle)
    return invalidInput("config key 'dram_burst_bytes' (%d) must be at least "
                        "'dram_bytes_per_cycle' (%d)",
                        c.dram_burst_bytes, c.dram_bytes_per_cycle);
  if (!(c.clock_mhz > 0 && c.clock_mhz <= 100000))
    return invalidInput("config key 'clock_mhz' must be in (0, 100000], got %g", c.clock_mhz);
  TS_RETURN_IF_ERROR(requireRange("gemm_pipeline_depth", c.gemm_pipeline_depth, 1, 64));
  TS_RETURN_IF_ERROR(requireRange("alu_pipeline_depth", c.alu_pipeline_depth, 1, 64));
  if (c.alu_read_ports != 1 && c.alu_read_ports != 2)
    return invalidInput("config key 'alu_read_ports' must be 1 or 2, got %d", c.alu_read_ports);
  return absl::OkStatus();
}

} // namespace

int64_t HardwareConfig::entryBytes(Buffer buffer) const {
  switch (buffer) {
  case Buffer::uop: return uopWordBits(*this) / 8;
  case Buffer::inp: return batch * block_in * input_bits / 8;
  case Buffer::wgt: return block_out * block_in * weight_bits / 8;
  case Buffer::acc: return batch * block_out * acc_bits / 8;
  case Buffer::out:
  case Buffer::acc8: return batch * block_out;
  }
  return 1;
}

int64_t HardwareConfig::depth(Buffer buffer) const {
  switch (buffer) {
  case Buffer::uop: return uop_buffer_bytes / entryBytes(buffer);
  case Buffer::inp: return input_buffer_bytes / entryBytes(buffer);
  case Buffer::wgt: return weight_buffer_bytes / entryBytes(buffer);
  case Buffer::acc: return acc_buffer_bytes / entryBytes(buffer);
  case Buffer::out: return output_buffer_bytes / entryBytes(buffer);
  case Buffer::acc8: return depth(Buffer::acc);
  }
  return 0;
}

int HardwareConfig::logDepth(Buffer buffer) const {
  return std::bit_width(uint64_t(depth(buffer))) - 1;
}

nlohmann::json HardwareConfig::toJson() const {
  json object;
  object["name"] = name;
#define TESSERA_CONFIG_TO_JSON(key, type, summary) object[#key] = key;
  TESSERA_FOR_EACH_CONFIG_KEY(TESSERA_CONFIG_TO_JSON)
#undef TESSERA_CONFIG_TO_JSON
  return object;
}

uint64_t HardwareConfig::hash() const { return fnv1a64(toJson().dump()); }

StatusOr<HardwareConfig> parseConfig(const json &object) {
  if (!object.is_object()) return invalidInput("a hardware config must be a JSON object");
  TS_RETURN_IF_ERROR(checkKeys(object));
  HardwareConfig config;
  if (object.contains("name")) {
    if (!object["name"].is_string()) return invalidInput("config key 'name' must be a string");
    config.name = object["name"].get<std::string>();
  }
#define TESSERA_CONFIG_READ(key, type, summary) TS_RETURN_IF_ERROR(readKey(object, #key, config.key));
  TESSERA_FOR_EACH_CONFIG_KEY(TESSERA_CONFIG_READ)
#undef TESSERA_CONFIG_READ
  TS_RETURN_IF_ERROR(validateShape(config));
  TS_RETURN_IF_ERROR(validateBuffers(config));
  TS_RETURN_IF_ERROR(validateTiming(config));
  TS_RETURN_IF_ERROR(IsaLayout::build(config).status());
  return config;
}

StatusOr<HardwareConfig> parseConfigText(std::string_view text) {
  // The parse boundary: nlohmann reports syntax errors as parse_error and numbers it
  // cannot represent (1e999) as out_of_range; both become statuses here. The callback
  // remembers the last key read so that the message can name it.
  std::string lastKey;
  json::parser_callback_t rememberKey = [&lastKey](int, json::parse_event_t event, json &parsed) {
    if (event == json::parse_event_t::key && parsed.is_string()) lastKey = parsed.get<std::string>();
    return true;
  };
  json object;
  try {
    object = json::parse(text, rememberKey, /*allow_exceptions=*/true, /*ignore_comments=*/true);
  } catch (const json::parse_error &error) {
    return invalidInput("config is not valid JSON: byte %d: %s", error.byte, error.what());
  } catch (const json::exception &error) {
    if (lastKey.empty()) return invalidInput("config is not valid JSON: %s", error.what());
    return invalidInput("config key '%s': %s", lastKey, error.what());
  }
  return parseConfig(object);
}

StatusOr<HardwareConfig> loadConfigFile(const std::string &path) {
  TS_ASSIGN_OR_RETURN(std::string text, readTextFile(path));
  auto config = parseConfigText(text);
  if (!config.ok()) return annotate(config.status(), path);
  return config;
}

} // namespace tessera::isa
