//===- workload.cpp - Layer shape keys and a model's workloads ------------------------===//
#include "compiler/tune/workload.h"

#include <map>

#include "compiler/accel/conv_tiling.h"

namespace tessera::tune {
namespace {

template <class... Ts> struct Overloaded : Ts... { using Ts::operator()...; };

std::string epilogueKey(const accel::Int8Epilogue &e) {
  const char *requant = !e.requant ? "none" : e.needsRequantRow() ? "row" : "imm";
  return absl::StrFormat("requant=%s clip=%d", requant, e.clips() ? 1 : 0);
}

std::string convKey(const accel::ConvLayer &l) {
  accel::ConvEpilogue e = accel::convEpilogue(l);
  return absl::StrFormat("c=%d h=%d w=%d o=%d oh=%d ow=%d k=%dx%d s=%dx%d d=%dx%d p=%d,%d g=%d bias=%s requant=%s clip=%d",
                         l.inChannels, l.height, l.width, l.outChannels, l.outHeight, l.outWidth, l.kernelH, l.kernelW,
                         l.strideH, l.strideW, l.dilationH, l.dilationW, l.padTop, l.padLeft, l.group,
                         e.biasImmediate ? "imm" : "row", e.requantImmediate ? "imm" : "row", e.clip ? 1 : 0) +
         (l.batch == 1 ? std::string() : absl::StrFormat(" n=%d", l.batch));
}

std::string eltwiseKey(const accel::EltwiseLayer &l) {
  return absl::StrFormat("c=%d h=%d w=%d ma=%d mb=%d %s", l.channels, l.height, l.width, l.mulA, l.mulB,
                         epilogueKey(l.epilogue));
}

std::string poolKey(const accel::PoolLayer &l) {
  return absl::StrFormat("c=%d h=%d w=%d oh=%d ow=%d k=%dx%d s=%dx%d d=%dx%d p=%d,%d %s", l.channels, l.height, l.width,
                         l.outHeight, l.outWidth, l.kernelH, l.kernelW, l.strideH, l.strideW, l.dilationH, l.dilationW,
                         l.padTop, l.padLeft, epilogueKey(l.epilogue));
}

std::string globalPoolKey(const accel::GlobalPoolLayer &l) {
  return absl::StrFormat("c=%d h=%d w=%d %s", l.channels, l.height, l.width, epilogueKey(l.epilogue));
}

} // namespace

std::string workloadKey(const accel::AccelLayer &layer) {
  auto shape = Overloaded{[](const accel::ConvLayer &l) { return convKey(l); },
                          [](const accel::EltwiseLayer &l) { return eltwiseKey(l); },
                          [](const accel::PoolLayer &l) { return poolKey(l); },
                          [](const accel::GlobalPoolLayer &l) { return globalPoolKey(l); }};
  return strCat(layer.op, " ", std::visit(shape, layer.shape), " host=", layer.inputFromHost ? 1 : 0);
}

std::vector<Workload> workloadsOf(const accel::CompiledModel &model) {
  std::vector<Workload> workloads;
  std::map<std::string, size_t> index;
  for (const accel::LayerSummary &summary : model.layers) {
    std::string key = workloadKey(summary.layer);
    auto [it, fresh] = index.emplace(key, workloads.size());
    if (fresh) workloads.push_back(Workload{key, summary.layer, {}, summary.mapping, summary.estimatedCycles});
    workloads[it->second].layers.push_back(summary.name);
  }
  return workloads;
}

} // namespace tessera::tune
