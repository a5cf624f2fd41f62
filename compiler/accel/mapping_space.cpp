//===- mapping_space.cpp - Enumerating, checking, costing and emitting mappings --------===//
#include "compiler/accel/mapping_space.h"

#include <algorithm>
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

/// The distinct values ceil(n / d) for d = 1..n, largest first: the tile sizes that
/// split n into d nearly equal parts.
std::vector<int64_t> evenSplits(int64_t n) {
  std::vector<int64_t> sizes;
  for (int64_t d = 1; d <= n; ++d) {
    int64_t size = ceilDiv(n, d);
    if (sizes.empty() || size != sizes.back()) sizes.push_back(size);
  }
  return sizes;
}

/// The stages of a conv's space (ConvSplits): 0 whole rows over every input block, 1 with
/// input-channel steps and streamed weights, 2 with column splits too.
constexpr int kConvStages = 3;

/// Whether a tiling's input and accumulator slots overflow; both grow with the rows.
bool slotsOverflow(const ConvLayer &conv, const ConvTiling &tiling, const isa::HardwareConfig &config) {
  ConvFootprint f = convFootprint(conv, tiling, config);
  int64_t v = tiling.virtualThreads;
  return v * f.inpPerSlot > config.depth(isa::Buffer::inp) ||
         v * f.accPerSlot + f.constRows > config.depth(isa::Buffer::acc);
}

/// Tilings of `conv` (the layer the emitter computes: the window-packed form when
/// `packed`) new in `stage`, in the order the search walks them: input layout, weights,
/// input blocks per step, columns, channel blocks, rows (up to the first whose slots
/// overflow). Resident weights hold the whole layer (one channel tile).
void addConvTilings(const ConvLayer &conv, const isa::HardwareConfig &config, int64_t threads, bool packed, int stage,
                    std::vector<Mapping> &out) {
  int64_t blocks = ceilDiv(conv.outChannels, config.block_out);
  int64_t perOut = groupBlocks(conv.inChannels, conv.outChannels, conv.group, config.block_out, config.block_in).perOutBlock;
  std::vector<int64_t> inSteps = stage == 0 || conv.group != 1 ? std::vector<int64_t>{perOut} : evenSplits(perOut);
  std::vector<int64_t> cols = stage < 2 ? std::vector<int64_t>{conv.outWidth} : evenSplits(conv.outWidth);
  for (bool rowMajor : {false, true})
    for (WeightBuffering weights : {WeightBuffering::resident, WeightBuffering::double_, WeightBuffering::stream})
      for (int64_t inBlocks : inSteps)
        for (int64_t outCols : cols) {
          int64_t newest = outCols < conv.outWidth ? 2 : inBlocks < perOut || weights == WeightBuffering::stream ? 1 : 0;
          if (newest != stage) continue;
          for (int64_t outBlocks = 1; outBlocks <= blocks; ++outBlocks) {
            if ((weights == WeightBuffering::resident) != (outBlocks == blocks) && weights != WeightBuffering::stream)
              continue;
            for (int64_t outRows = 1; outRows <= conv.outHeight; ++outRows) {
              ConvTiling tiling{outBlocks, outRows, threads, weights == WeightBuffering::resident ? 1 : 2, rowMajor,
                                outCols, inBlocks, weights == WeightBuffering::stream};
              out.push_back(ConvMapping{tiling, packed});
              if (slotsOverflow(conv, tiling, config)) break; // kept: it names what overflows

            }
          }
        }
}

/// Every candidate mapping of the layer in `space`, legal or not, in search order;
/// `packed`: the conv's window-packed form when the space and the layer allow packing.
std::vector<Mapping> candidates(const AccelLayer &layer, const ConvLayer *packed, const isa::HardwareConfig &config,
                                const MappingSpace &space, int stage) {
  std::vector<Mapping> out;
  auto add = Overloaded{
      [&](const ConvLayer &conv) {
        for (int64_t threads : space.virtualThreads) addConvTilings(conv, config, threads, /*packed=*/false, stage, out);
        if (!packed) return;
        for (int64_t threads : space.virtualThreads) addConvTilings(*packed, config, threads, /*packed=*/true, stage, out);
      },
      [&](const EltwiseLayer &eltwise) {
        if (stage > 0) return;
        int64_t most = std::min<int64_t>(eltwiseEntries(eltwise, config), (1 << 14) - 1);
        for (int64_t threads : space.virtualThreads)
          for (int64_t entries = 1; entries <= most; ++entries) out.push_back(EltwiseTiling{entries, threads});
      },
      [&](const PoolLayer &pool) {
        if (stage > 0) return;
        for (int64_t threads : space.virtualThreads)
          for (int64_t blocks = 1; blocks <= ceilDiv(pool.channels, config.block_out); ++blocks)
            for (int64_t rows = 1; rows <= pool.outHeight; ++rows) out.push_back(PoolTiling{blocks, rows, threads});
      },
      [&](const GlobalPoolLayer &pool) {
        if (stage > 0) return;
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

/// The conv tiling with the smallest footprint in `space` (one block, row, column and
/// input block per step, streamed weights, the fewest threads): why it does not fit is
/// what a config lacks.
std::optional<Mapping> smallestConvMapping(const AccelLayer &layer, const isa::HardwareConfig &config,
                                           const MappingSpace &space) {
  const auto *conv = std::get_if<ConvLayer>(&layer.shape);
  if (!conv || space.virtualThreads.empty()) return std::nullopt;
  int64_t threads = *std::min_element(space.virtualThreads.begin(), space.virtualThreads.end());
  int64_t perOut = groupBlocks(conv->inChannels, conv->outChannels, conv->group, config.block_out, config.block_in).perOutBlock;
  return ConvMapping{ConvTiling{1, 1, threads, 2, false, 1, conv->group == 1 ? 1 : perOut, true}, false};
}

/// legalMappings with the window-packed form (or null) computed by the caller: the
/// candidates of the space's stages, widening until one is legal (ConvSplits).
/// With `firstOnly`, the walk stops at the first legal mapping.
StatusOr<std::vector<Mapping>> legalAmong(const AccelLayer &layer, const ConvLayer *packed,
                                          const isa::HardwareConfig &config, const MappingSpace &space,
                                          bool firstOnly = false) {
  std::vector<Mapping> legal;
  Status firstError = absl::OkStatus(); // why the first (smallest) candidate of the first stage does not fit
  for (int stage = 0; stage < kConvStages; ++stage) {
    for (const Mapping &mapping : candidates(layer, packed, config, space, stage)) {
      Status fits = checkCandidate(layer, packed, mapping, config);
      if (fits.ok()) {
        legal.push_back(mapping);
        if (firstOnly) return legal;
      } else if (firstError.ok()) {
        firstError = fits;
      }
    }
    if (!legal.empty() && space.convSplits == ConvSplits::whenNeeded) break;
  }
  if (legal.empty()) {
    if (std::optional<Mapping> smallest = smallestConvMapping(layer, config, space)) {
      Status why = checkCandidate(layer, packed, *smallest, config);
      if (!why.ok()) firstError = why;
    }
    return absl::ResourceExhaustedError(absl::StrFormat("%s: no mapping fits config '%s' (%s)", layer.name, config.name,
                                                        firstError.ok() ? "no candidate" : firstError.message()));
  }
  return legal;
}

} // namespace

StatusOr<std::vector<Mapping>> legalMappings(const AccelLayer &layer, const isa::HardwareConfig &config,
                                             const MappingSpace &space) {
  std::optional<ConvLayer> packed = packedForm(layer, config, space);
  return legalAmong(layer, packed ? &*packed : nullptr, config, space);
}

StatusOr<Mapping> firstLegalMapping(const AccelLayer &layer, const isa::HardwareConfig &config,
                                    const MappingSpace &space) {
  std::optional<ConvLayer> packed = packedForm(layer, config, space);
  TS_ASSIGN_OR_RETURN(std::vector<Mapping> legal,
                      legalAmong(layer, packed ? &*packed : nullptr, config, space, /*firstOnly=*/true));
  return legal.front();
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
