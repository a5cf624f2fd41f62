//===- features.cpp - The learned cost model's feature vector --------------------------===//
#include "compiler/tune/features.h"

#include <cmath>

namespace tessera::tune {
namespace {

template <class... Ts> struct Overloaded : Ts... { using Ts::operator()...; };

// Name lists, in vector order.
const char *const kKinds[] = {"is_conv", "is_eltwise", "is_pool", "is_global_pool"};
const char *const kShape[] = {"c", "h", "w", "o", "oh", "ow", "kh", "kw", "sh", "sw", "g", "host", "macs"};
const char *const kMapping[] = {"blocks", "rows", "cols", "in_blocks", "threads", "weights", "row_major", "window", "entries"};
const char *const kCost[] = {"estimate", "log2_estimate"};

constexpr size_t kShapeBase = std::size(kKinds), kMappingBase = kShapeBase + std::size(kShape),
                 kCostBase = kMappingBase + std::size(kMapping), kConfigBase = kCostBase + std::size(kCost);

void setShape(const accel::AccelLayer &layer, float *f) {
  auto shape = Overloaded{
      [&](const accel::ConvLayer &l) {
        float v[] = {float(l.inChannels), float(l.height),  float(l.width),   float(l.outChannels), float(l.outHeight),
                     float(l.outWidth),   float(l.kernelH), float(l.kernelW), float(l.strideH),     float(l.strideW),
                     float(l.group)};
        std::copy(std::begin(v), std::end(v), f);
      },
      [&](const accel::EltwiseLayer &l) {
        f[0] = f[3] = float(l.channels), f[1] = f[4] = float(l.height), f[2] = f[5] = float(l.width);
      },
      [&](const accel::PoolLayer &l) {
        float v[] = {float(l.channels), float(l.height),  float(l.width),   float(l.channels), float(l.outHeight),
                     float(l.outWidth), float(l.kernelH), float(l.kernelW), float(l.strideH),  float(l.strideW)};
        std::copy(std::begin(v), std::end(v), f);
      },
      [&](const accel::GlobalPoolLayer &l) {
        f[0] = f[3] = float(l.channels), f[1] = float(l.height), f[2] = float(l.width), f[4] = f[5] = 1;
      },
  };
  std::visit(shape, layer.shape);
  f[11] = layer.inputFromHost ? 1.f : 0.f;
  f[12] = float(layer.macs());
}

void setMapping(const accel::Mapping &mapping, float *f) {
  auto numbers = Overloaded{
      [&](const accel::ConvMapping &m) {
        const accel::ConvTiling &t = m.tiling;
        float v[] = {float(t.outBlocks), float(t.outRows),          float(t.outCols),        float(t.inBlocks),
                     float(t.virtualThreads), float(int(t.weights())), t.rowMajorInput ? 1.f : 0.f,
                     m.windowPacked ? 1.f : 0.f};
        std::copy(std::begin(v), std::end(v), f);
      },
      [&](const accel::EltwiseTiling &t) { f[4] = float(t.virtualThreads), f[8] = float(t.entries); },
      [&](const accel::PoolTiling &t) { f[0] = float(t.blocks), f[1] = float(t.outRows), f[4] = float(t.virtualThreads); },
      [&](const accel::GlobalPoolTiling &t) { f[0] = float(t.blocks), f[4] = float(t.virtualThreads); },
  };
  std::visit(numbers, mapping);
}

std::vector<float> configNumbers(const isa::HardwareConfig &config) {
  std::vector<float> numbers;
#define TESSERA_CONFIG_NUMBER(key, type, summary) numbers.push_back(float(config.key));
  TESSERA_FOR_EACH_CONFIG_KEY(TESSERA_CONFIG_NUMBER)
#undef TESSERA_CONFIG_NUMBER
  return numbers;
}

} // namespace

const std::vector<std::string> &featureNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> all;
    all.insert(all.end(), std::begin(kKinds), std::end(kKinds));
    all.insert(all.end(), std::begin(kShape), std::end(kShape));
    all.insert(all.end(), std::begin(kMapping), std::end(kMapping));
    all.insert(all.end(), std::begin(kCost), std::end(kCost));
#define TESSERA_CONFIG_NAME(key, type, summary) all.push_back(strCat("config.", #key));
    TESSERA_FOR_EACH_CONFIG_KEY(TESSERA_CONFIG_NAME)
#undef TESSERA_CONFIG_NAME
    return all;
  }();
  return names;
}

size_t featureCount() { return featureNames().size(); }

std::vector<float> features(const accel::AccelLayer &layer, const accel::Mapping &mapping,
                            const isa::HardwareConfig &config) {
  std::vector<float> f(featureCount(), 0.f);
  f[layer.shape.index()] = 1.f;
  setShape(layer, f.data() + kShapeBase);
  setMapping(mapping, f.data() + kMappingBase);
  double estimate = accel::estimateCycles(layer, mapping, config);
  f[kCostBase] = float(estimate), f[kCostBase + 1] = float(std::log2(1 + estimate));
  std::vector<float> numbers = configNumbers(config);
  std::copy(numbers.begin(), numbers.end(), f.begin() + kConfigBase);
  return f;
}

} // namespace tessera::tune
