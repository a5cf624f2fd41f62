//===- mapping_space.cpp - Enumerating, checking, costing and emitting mappings --------===//
#include "compiler/accel/mapping_space.h"

#include <limits>

#include "compiler/accel/eltwise_emitter.h"
#include "compiler/accel/layouts.h"
#include "compiler/accel/pool_emitter.h"

namespace tessera::accel {

namespace {

template <class... Ts> struct Overloaded : Ts... { using Ts::operator()...; };

/// Whether the host may pack `layer`'s input with its kernel window: a first layer (the
/// host writes its input) of group 1, fewer input channels than a block, a kernel > 1x1.
bool windowPackable(const AccelLayer &layer, const ConvLayer &conv, const isa::HardwareConfig &config) {
  return layer.inputFromHost && conv.group == 1 && conv.inChannels < config.block_in && conv.kernelH * conv.kernelW > 1;
}

/// The convolution the emitter computes for `mapping`: the layer itself, or its
/// window-packed form built into `packed` (the layer is not copied: a search checks and
/// prices thousands of mappings of one layer).
StatusOr<const ConvLayer *> effectiveConv(const ConvLayer &conv, const ConvMapping &mapping,
                                         std::optional<ConvLayer> &packed) {
  if (!mapping.windowPacked) return &conv;
  TS_ASSIGN_OR_RETURN(packed, windowPackedLayer(conv));
  return &*packed;
}

/// Tilings of `conv` (the layer the emitter computes: the window-packed form when
/// `packed`) in the order the search walks them: input layout, weight slots, channel
/// blocks, rows. One weight slot holds all of a layer's weights; two double-buffer them
/// per channel tile.
void addConvTilings(const ConvLayer &conv, const isa::HardwareConfig &config, int64_t threads, bool packed,
                    std::vector<Mapping> &out) {
  int64_t blocks = ceilDiv(conv.outChannels, config.block_out);
  for (bool rowMajor : {false, true})
    for (int64_t weightSlots : {1, 2})
      for (int64_t outBlocks = 1; outBlocks <= blocks; ++outBlocks)
        for (int64_t outRows = 1; outRows <= conv.outHeight; ++outRows) {
          if ((weightSlots == 1) != (outBlocks == blocks)) continue;
          out.push_back(ConvMapping{ConvTiling{outBlocks, outRows, threads, weightSlots, rowMajor}, packed});
        }
}

/// Every candidate mapping of the layer in `space`, legal or not, in search order;
/// `packed`: the conv's window-packed form when the space and the layer allow packing.
std::vector<Mapping> candidates(const AccelLayer &layer, const ConvLayer *packed, const isa::HardwareConfig &config,
                                const MappingSpace &space) {
  std::vector<Mapping> out;
  auto add = Overloaded{
      [&](const ConvLayer &conv) {
        for (int64_t threads : space.virtualThreads) addConvTilings(conv, config, threads, /*packed=*/false, out);
        if (!packed) return;
        for (int64_t threads : space.virtualThreads) addConvTilings(*packed, config, threads, /*packed=*/true, out);
      },
      [&](const EltwiseLayer &eltwise) {
        int64_t most = std::min<int64_t>(eltwiseEntries(eltwise, config), (1 << 14) - 1);
        for (int64_t threads : space.virtualThreads)
          for (int64_t entries = 1; entries <= most; ++entries) out.push_back(EltwiseTiling{entries, threads});
      },
      [&](const PoolLayer &pool) {
        for (int64_t threads : space.virtualThreads)
          for (int64_t blocks = 1; blocks <= ceilDiv(pool.channels, config.block_out); ++blocks)
            for (int64_t rows = 1; rows <= pool.outHeight; ++rows) out.push_back(PoolTiling{blocks, rows, threads});
      },
      [&](const GlobalPoolLayer &pool) {
        for (int64_t threads : space.virtualThreads)
          for (int64_t blocks = 1; blocks <= ceilDiv(pool.channels, config.block_out); ++blocks)
            out.push_back(GlobalPoolTiling{blocks, threads});
      },
  };
  std::visit(add, layer.shape);
  return out;
}

/// Legality of a conv mapping on the (possibly packed) layer the emitter computes.
Status checkConvMapping(const AccelLayer &layer, const ConvLayer &conv, const ConvMapping &mapping,
                        const isa::HardwareConfig &config) {
  if (mapping.windowPacked && !windowPackable(layer, conv, config))
    return invalidInput("window packing needs a first layer of group 1 with fewer than %d input channels and a kernel "
                        "larger than 1x1",
                        config.block_in);
  std::optional<ConvLayer> packed;
  TS_ASSIGN_OR_RETURN(const ConvLayer *effective, effectiveConv(conv, mapping, packed));
  return checkConvTiling(*effective, mapping.tiling, config);
}

/// Same as checkMapping, with the window-packed layer computed once by the caller.
Status checkCandidate(const AccelLayer &layer, const ConvLayer *packed, const Mapping &mapping,
                      const isa::HardwareConfig &config) {
  const auto *conv = std::get_if<ConvMapping>(&mapping);
  if (conv && conv->windowPacked && packed) return checkConvTiling(*packed, conv->tiling, config);
  return checkMapping(layer, mapping, config);
}

double estimateCandidate(const AccelLayer &layer, const ConvLayer *packed, const Mapping &mapping,
                         const isa::HardwareConfig &config) {
  const auto *conv = std::get_if<ConvMapping>(&mapping);
  if (conv && conv->windowPacked && packed) return estimateConvCycles(*packed, conv->tiling, config);
  return estimateCycles(layer, mapping, config);
}

/// The window-packed form of a conv layer when `space` tries packing and the layer may be
/// packed, else none.
std::optional<ConvLayer> packedForm(const AccelLayer &layer, const isa::HardwareConfig &config,
                                    const MappingSpace &space) {
  const auto *conv = std::get_if<ConvLayer>(&layer.shape);
  if (!space.windowPacking || !conv || !windowPackable(layer, *conv, config)) return std::nullopt;
  StatusOr<ConvLayer> packed = windowPackedLayer(*conv);
  if (!packed.ok()) return std::nullopt;
  return *packed;
}

} // namespace

int64_t AccelLayer::macs() const {
  const auto *conv = std::get_if<ConvLayer>(&shape);
  return conv ? conv->macs() : 0;
}

Status checkMapping(const AccelLayer &layer, const Mapping &mapping, const isa::HardwareConfig &config) {
  if (mapping.index() != layer.shape.index())
    return invalidInput("a %s mapping does not apply to a %s layer", mappingKindName(mapping), layer.op);
  auto check = Overloaded{
      [&](const ConvLayer &conv) { return checkConvMapping(layer, conv, std::get<ConvMapping>(mapping), config); },
      [&](const EltwiseLayer &l) { return checkEltwiseTiling(l, std::get<EltwiseTiling>(mapping), config); },
      [&](const PoolLayer &l) { return checkPoolTiling(l, std::get<PoolTiling>(mapping), config); },
      [&](const GlobalPoolLayer &l) { return checkGlobalPoolTiling(l, std::get<GlobalPoolTiling>(mapping), config); },
  };
  return std::visit(check, layer.shape);
}

double estimateCycles(const AccelLayer &layer, const Mapping &mapping, const isa::HardwareConfig &config) {
  auto estimate = Overloaded{
      [&](const ConvLayer &conv) {
        const ConvMapping &m = std::get<ConvMapping>(mapping);
        std::optional<ConvLayer> packed;
        StatusOr<const ConvLayer *> effective = effectiveConv(conv, m, packed);
        return effective.ok() ? estimateConvCycles(**effective, m.tiling, config) : std::numeric_limits<double>::infinity();
      },
      [&](const EltwiseLayer &l) { return estimateEltwiseCycles(l, std::get<EltwiseTiling>(mapping), config); },
      [&](const PoolLayer &l) { return estimatePoolCycles(l, std::get<PoolTiling>(mapping), config); },
      [&](const GlobalPoolLayer &l) { return estimateGlobalPoolCycles(l, std::get<GlobalPoolTiling>(mapping), config); },
  };
  return std::visit(estimate, layer.shape);
}

namespace {

/// legalMappings with the window-packed form (or null) computed by the caller.
StatusOr<std::vector<Mapping>> legalAmong(const AccelLayer &layer, const ConvLayer *packed,
                                          const isa::HardwareConfig &config, const MappingSpace &space) {
  std::vector<Mapping> legal;
  Status firstError = absl::OkStatus(); // why the first (smallest) candidate does not fit
  for (const Mapping &mapping : candidates(layer, packed, config, space)) {
    Status fits = checkCandidate(layer, packed, mapping, config);
    if (fits.ok()) {
      legal.push_back(mapping);
    } else if (firstError.ok()) {
      firstError = fits;
    }
  }
  if (legal.empty())
    return absl::ResourceExhaustedError(absl::StrFormat("%s: no mapping fits config '%s' (%s)", layer.name, config.name,
                                                        firstError.ok() ? "no candidate" : firstError.message()));
  return legal;
}

} // namespace

StatusOr<std::vector<Mapping>> legalMappings(const AccelLayer &layer, const isa::HardwareConfig &config,
                                             const MappingSpace &space) {
  std::optional<ConvLayer> packed = packedForm(layer, config, space);
  return legalAmong(layer, packed ? &*packed : nullptr, config, space);
}

StatusOr<Mapping> chooseMapping(const AccelLayer &layer, const isa::HardwareConfig &config, const MappingSpace &space) {
  std::optional<ConvLayer> packed = packedForm(layer, config, space);
  TS_ASSIGN_OR_RETURN(std::vector<Mapping> legal, legalAmong(layer, packed ? &*packed : nullptr, config, space));
  size_t best = 0;
  double bestCycles = std::numeric_limits<double>::infinity();
  for (size_t i = 0; i < legal.size(); ++i) {
    double cycles = estimateCandidate(layer, packed ? &*packed : nullptr, legal[i], config);
    if (cycles < bestCycles) best = i, bestCycles = cycles;
  }
  return legal[best];
}

std::optional<ConvLayer> windowPackingOf(const AccelLayer &layer, const Mapping &mapping) {
  const auto *conv = std::get_if<ConvLayer>(&layer.shape);
  const auto *m = std::get_if<ConvMapping>(&mapping);
  if (!conv || !m || !m->windowPacked) return std::nullopt;
  return *conv;
}

Status emitLayer(ProgramBuilder &builder, const AccelLayer &layer, const Mapping &mapping, const LayerIO &io) {
  TS_RETURN_IF_ERROR(checkMapping(layer, mapping, builder.config()));
  const std::string &input = io.inputs.at(0);
  auto emit = Overloaded{
      [&](const ConvLayer &conv) -> Status {
        const ConvMapping &m = std::get<ConvMapping>(mapping);
        std::optional<ConvLayer> packed;
        TS_ASSIGN_OR_RETURN(const ConvLayer *effective, effectiveConv(conv, m, packed));
        return emitConv(builder, *effective, m.tiling, input, io.output, io.position, io.outputBlockOffset);
      },
      [&](const EltwiseLayer &l) {
        const std::string &second = io.inputs.size() > 1 ? io.inputs[1] : input;
        return emitEltwise(builder, l, std::get<EltwiseTiling>(mapping), input, second, io.output, io.position,
                           io.outputBlockOffset);
      },
      [&](const PoolLayer &l) {
        return emitPool(builder, l, std::get<PoolTiling>(mapping), input, io.output, io.position, io.outputBlockOffset);
      },
      [&](const GlobalPoolLayer &l) {
        return emitGlobalPool(builder, l, std::get<GlobalPoolTiling>(mapping), input, io.output, io.position,
                              io.outputBlockOffset);
      },
  };
  return std::visit(emit, layer.shape);
}

namespace {

/// The cheapest mapping of `shape` with `threads` threads and no window packing.
template <class Shape, class Tiling>
StatusOr<Tiling> chooseOfKind(const Shape &shape, const char *op, const isa::HardwareConfig &config, int64_t threads) {
  if (threads < 1 || threads > 8) return invalidInput("%d virtual threads; 1 to 8 are supported", threads);
  AccelLayer layer{shape.name, op, shape, /*inputFromHost=*/false};
  TS_ASSIGN_OR_RETURN(Mapping mapping, chooseMapping(layer, config, MappingSpace{{threads}, false}));
  return std::get<Tiling>(mapping);
}

} // namespace

StatusOr<ConvTiling> chooseConvTiling(const ConvLayer &layer, const isa::HardwareConfig &config, int64_t virtualThreads) {
  TS_ASSIGN_OR_RETURN(ConvMapping mapping, (chooseOfKind<ConvLayer, ConvMapping>(layer, "conv2d", config, virtualThreads)));
  return mapping.tiling;
}

StatusOr<EltwiseTiling> chooseEltwiseTiling(const EltwiseLayer &layer, const isa::HardwareConfig &config,
                                            int64_t virtualThreads) {
  return chooseOfKind<EltwiseLayer, EltwiseTiling>(layer, segmentOpOf(layer.op), config, virtualThreads);
}

StatusOr<PoolTiling> choosePoolTiling(const PoolLayer &layer, const isa::HardwareConfig &config, int64_t virtualThreads) {
  return chooseOfKind<PoolLayer, PoolTiling>(layer, segmentOpOf(layer.op), config, virtualThreads);
}

StatusOr<GlobalPoolTiling> chooseGlobalPoolTiling(const GlobalPoolLayer &layer, const isa::HardwareConfig &config,
                                                  int64_t virtualThreads) {
  return chooseOfKind<GlobalPoolLayer, GlobalPoolTiling>(layer, "global_avgpool", config, virtualThreads);
}

} // namespace tessera::accel
