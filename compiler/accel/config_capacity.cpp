//===- config_capacity.cpp - Does a hardware config hold the reference layers? --------===//
#include "compiler/accel/config_capacity.h"

#include <optional>

namespace tessera::accel {
namespace {

/// A conv whose bias and requant operands differ per channel (table rows, no immediates).
ConvLayer referenceConv(std::string name, int64_t in, int64_t size, int64_t out, int64_t kernel, int64_t stride,
                        int64_t pad) {
  ConvLayer layer;
  layer.name = std::move(name);
  layer.inChannels = in, layer.height = size, layer.width = size, layer.outChannels = out;
  layer.kernelH = layer.kernelW = kernel, layer.strideH = layer.strideW = stride, layer.padTop = layer.padLeft = pad;
  layer.outHeight = layer.outWidth = (size + 2 * pad - kernel) / stride + 1;
  layer.weights = Tensor(DType::I8, {out, in, kernel, kernel});
  layer.bias.resize(size_t(out));
  layer.requantOperands.resize(size_t(out));
  for (int64_t c = 0; c < out; ++c) {
    layer.bias[size_t(c)] = int32_t(c);
    layer.requantOperands[size_t(c)] = int32_t(((1000 + c) << 8) | 16);
  }
  return layer;
}

PoolLayer referenceMaxPool() {
  PoolLayer layer;
  layer.name = "maxpool3x3";
  layer.op = PoolOp::max;
  layer.channels = 64, layer.height = layer.width = 112, layer.outHeight = layer.outWidth = 56;
  layer.kernelH = layer.kernelW = 3, layer.strideH = layer.strideW = 2, layer.padTop = layer.padLeft = 1;
  return layer;
}

/// A config key the capacity depends on, and where it lives in the config.
struct CapacityKey {
  const char *key;
  const char *buffer;
  int64_t isa::HardwareConfig::*member;
};
constexpr CapacityKey kCapacityKeys[] = {
    {"input_buffer_bytes", "input", &isa::HardwareConfig::input_buffer_bytes},
    {"weight_buffer_bytes", "weight", &isa::HardwareConfig::weight_buffer_bytes},
    {"acc_buffer_bytes", "accumulator", &isa::HardwareConfig::acc_buffer_bytes},
    {"uop_buffer_bytes", "micro-op", &isa::HardwareConfig::uop_buffer_bytes},
};
constexpr int kMaxDoublings = 10;

/// Whether `layer` has a legal mapping with one thread (the walk stops at the first: a
/// wide layer on a small array has ~10^5 candidates).
bool fits(const AccelLayer &layer, const isa::HardwareConfig &config) {
  return firstLegalMapping(layer, config, MappingSpace{{1}, true}).ok();
}

/// `config` with `key` multiplied by `factor` (the output buffer follows the acc buffer,
/// whose depth it mirrors), if the result is a valid config.
std::optional<isa::HardwareConfig> raised(const isa::HardwareConfig &config, const CapacityKey &key, int64_t factor) {
  isa::HardwareConfig bigger = config;
  bigger.*key.member *= factor;
  if (key.member == &isa::HardwareConfig::acc_buffer_bytes) bigger.output_buffer_bytes *= factor;
  StatusOr<isa::HardwareConfig> valid = isa::parseConfig(bigger.toJson());
  if (!valid.ok()) return std::nullopt;
  return *valid;
}

/// The smallest power-of-two factor of `key` that makes `layer` fit, if one does.
std::optional<int64_t> factorThatFits(const AccelLayer &layer, const isa::HardwareConfig &config,
                                      const CapacityKey &key) {
  for (int doublings = 1; doublings <= kMaxDoublings; ++doublings) {
    int64_t factor = int64_t(1) << doublings;
    std::optional<isa::HardwareConfig> bigger = raised(config, key, factor);
    if (!bigger) return std::nullopt; // larger still would not be valid either
    if (fits(layer, *bigger)) return factor;
  }
  return std::nullopt;
}

/// "raise KEY OLD -> NEW": the key whose fix adds the fewest bytes.
std::string suggestion(const AccelLayer &layer, const isa::HardwareConfig &config) {
  std::string best;
  int64_t bestAdded = 0;
  for (const CapacityKey &key : kCapacityKeys) {
    std::optional<int64_t> factor = factorThatFits(layer, config, key);
    if (!factor) continue;
    int64_t now = config.*key.member, needed = now * *factor;
    int64_t added = needed - now;
    if (key.member == &isa::HardwareConfig::acc_buffer_bytes) added += config.output_buffer_bytes * (*factor - 1);
    if (!best.empty() && added >= bestAdded) continue;
    bestAdded = added;
    best = absl::StrFormat("the %s buffer is short: it needs %d bytes, the config has %d; raise %s %d -> %d", key.buffer,
                           needed, now, key.key, now, needed);
    if (key.member == &isa::HardwareConfig::acc_buffer_bytes)
      best += absl::StrFormat(" (and output_buffer_bytes %d -> %d, whose depth mirrors it)", config.output_buffer_bytes,
                              config.output_buffer_bytes * *factor);
  }
  if (best.empty())
    return strCat("no single buffer key up to ", int64_t(1) << kMaxDoublings,
                  "x makes it fit within the instruction fields");
  return best;
}

std::string describe(const AccelLayer &layer) {
  if (const auto *conv = std::get_if<ConvLayer>(&layer.shape))
    return absl::StrFormat("%dx%d/%d %s %d -> %d on %dx%d", conv->kernelH, conv->kernelW, conv->strideH, layer.op,
                           conv->inChannels, conv->outChannels, conv->height, conv->width);
  if (const auto *pool = std::get_if<PoolLayer>(&layer.shape))
    return absl::StrFormat("%dx%d/%d %s on %dx%dx%d", pool->kernelH, pool->kernelW, pool->strideH, layer.op,
                           pool->height, pool->width, pool->channels);
  return layer.op;
}

} // namespace

std::vector<AccelLayer> referenceLayers() {
  std::vector<AccelLayer> layers;
  layers.push_back({"conv3x3_512", "conv2d", referenceConv("conv3x3_512", 512, 7, 512, 3, 1, 1), false});
  layers.push_back({"stem7x7", "conv2d", referenceConv("stem7x7", 3, 224, 64, 7, 2, 3), /*inputFromHost=*/true});
  layers.push_back({"fc512", "gemm", referenceConv("fc512", 512, 1, 1000, 1, 1, 0), false});
  layers.push_back({"fc1280", "gemm", referenceConv("fc1280", 1280, 1, 1000, 1, 1, 0), false});
  layers.push_back({"maxpool3x3", "maxpool", referenceMaxPool(), false});
  return layers;
}

Status checkConfigCapacity(const isa::HardwareConfig &config) {
  for (const AccelLayer &layer : referenceLayers()) {
    StatusOr<Mapping> legal = firstLegalMapping(layer, config, MappingSpace{{1}, true});
    if (legal.ok()) continue;
    return invalidInput("config '%s' is too small for reference layer '%s' (%s): %s; %s", config.name, layer.name,
                        describe(layer), legal.status().message(), suggestion(layer, config));
  }
  return absl::OkStatus();
}

} // namespace tessera::accel
