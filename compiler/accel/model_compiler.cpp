//===- model_compiler.cpp - Partition, plan, allocate, emit ---------------------------===//
#include "compiler/accel/model_compiler.h"

#include <algorithm>
#include <memory>
#include <set>

#include <nlohmann/json.hpp>

#include "compiler/accel/host_model.h"
#include "compiler/accel/layouts.h"
#include "compiler/graph/macs.h"
#include "compiler/graph/op_traits.h"
#include "compiler/passes/memory_planning.h"

namespace tessera::accel {

using nlohmann::json;

namespace {

/// A layer the accelerator runs, with its mapping.
struct LayerPlan {
  AccelLayer layer;
  Mapping mapping;
  double estimatedCycles = 0;
};

/// State shared by the partition's support check and the emission that follows.
struct ModelLowering {
  const graph::Graph &graph;
  const isa::HardwareConfig &config;
  LoweringOptions options;
  std::unordered_map<std::string, size_t> producers;
  std::vector<bool> onAccelerator;             ///< filled as the partition proceeds
  std::map<size_t, LayerPlan> plans;           ///< accelerator nodes that emit
  std::map<std::string, DeviceValue> values;   ///< every value the accelerator reads or writes
  std::vector<HostTransfer> toDevice;          ///< host-written tensors
  std::set<std::string> overridden;            ///< layers mapped by options.mappings
  Status mappingError;                         ///< a given mapping that does not fit its layer
  const Partition *partition = nullptr;        ///< set once the partition is final

  bool fromHost(const std::string &value) const {
    auto producer = producers.find(value);
    return producer == producers.end() || !onAccelerator[producer->second];
  }

  /// The device value of `value`, adding a host-written tensor when the host produces it.
  StatusOr<DeviceValue> deviceValue(const std::string &value) {
    auto known = values.find(value);
    if (known != values.end()) return known->second;
    TS_ASSIGN_OR_RETURN(Shape nchw, imageShape(graph, value));
    DeviceValue device{value, nchw};
    if (fromHost(value)) toDevice.push_back(HostTransfer{value, value, nchw, {}, std::nullopt});
    return values[value] = device;
  }

  /// A Concat over channels whose inputs are accelerator layers writing only to it: each
  /// producer writes its channel blocks straight into the Concat's tensor.
  Status acceptConcat(const graph::Node &node) {
    const graph::TensorType &out = graph.typeOf(node.outputs[0]);
    int64_t axis = node.attrs.getInt("axis", 0);
    if (out.dtype != DType::I8 || out.rank() != 4 || out.shape[0] != 1 || (axis != 1 && axis != -3))
      return invalidInput("%s: the accelerator concatenates int8 [1,C,H,W] tensors over channels only", node.describe());
    auto uses = graph.useCounts();
    std::vector<std::pair<std::string, DeviceValue>> slices;
    int64_t offset = 0;
    for (size_t i = 0; i < node.inputs.size(); ++i) {
      const std::string &input = node.inputs[i];
      auto producer = producers.find(input);
      auto plan = producer == producers.end() ? plans.end() : plans.find(producer->second);
      if (plan == plans.end() || uses[input] != 1 || graph.isGraphOutput(input))
        return invalidInput("%s: input %%%s is not an accelerator layer's result used only by the Concat", node.describe(), input);
      const Shape &nchw = values.at(input).nchw;
      if (i + 1 < node.inputs.size() && nchw[1] % config.block_out != 0)
        return invalidInput("%s: input %%%s has %d channels, not a multiple of the block %d", node.describe(), input, nchw[1],
                            config.block_out);
      slices.emplace_back(input, DeviceValue{node.outputs[0], nchw, offset});
      offset += ceilDiv(nchw[1], config.block_out);
    }
    for (auto &[input, slice] : slices) values[input] = slice;
    values[node.outputs[0]] = DeviceValue{node.outputs[0], out.shape};
    return absl::OkStatus();
  }

  Status accept(size_t index, const graph::Node &node) {
    if (node.op == "Concat") return acceptConcat(node);
    if (isView(graph, node)) {
      TS_ASSIGN_OR_RETURN(DeviceValue source, deviceValue(node.input(0)));
      values[node.outputs[0]] = source;
      return absl::OkStatus();
    }
    NodeContext context{{}, fromHost(node.input(0))};
    for (const std::string &input : node.inputs)
      if (!input.empty() && !graph.constantOf(input)) {
        auto known = values.find(input); // a view's value keeps its source's image shape
        if (known != values.end()) {
          context.inputs.push_back(known->second);
          continue;
        }
        TS_ASSIGN_OR_RETURN(Shape nchw, imageShape(graph, input));
        context.inputs.push_back(DeviceValue{input, nchw});
      }
    TS_ASSIGN_OR_RETURN(Shape outShape, imageShape(graph, node.outputs[0]));
    TS_ASSIGN_OR_RETURN(AccelLayer layer, layerFromNode(graph, node, context));
    TS_ASSIGN_OR_RETURN(LayerPlan plan, mapLayer(foldAluBatch(std::move(layer), config.block_out)));
    std::optional<ConvLayer> packing = windowPackingOf(plan.layer, plan.mapping);
    for (const std::string &input : node.inputs)
      if (!input.empty() && !graph.constantOf(input) && !(packing && input == node.input(0))) {
        TS_RETURN_IF_ERROR(deviceValue(input).status());
      }
    if (packing) {
      std::string tensor = strCat(node.input(0), "@window:", plan.layer.name);
      TS_ASSIGN_OR_RETURN(Shape nchw, imageShape(graph, node.input(0)));
      toDevice.push_back(HostTransfer{node.input(0), tensor, nchw, {}, packing});
    }
    values[node.outputs[0]] = DeviceValue{node.outputs[0], outShape};
    plans.emplace(index, std::move(plan));
    return absl::OkStatus();
  }

  /// The layer's mapping: the one given for it in the options (checked), or the cost
  /// model's choice. A given mapping that does not fit is an error for the whole model.
  StatusOr<LayerPlan> mapLayer(AccelLayer layer) {
    auto given = options.mappings.find(layer.name);
    Mapping mapping;
    if (given != options.mappings.end()) {
      Status fits = checkMapping(layer, given->second, config);
      if (!fits.ok()) {
        mappingError = invalidInput("mapping of layer '%s' (%s) does not fit config '%s': %s", layer.name,
                                    printMapping(given->second), config.name, fits.message());
        return mappingError;
      }
      overridden.insert(layer.name);
      mapping = given->second;
    } else if (std::optional<Mapping> recorded = recordedMapping(layer)) {
      mapping = *recorded;
    } else {
      TS_ASSIGN_OR_RETURN(mapping, chooseWithThreadsThatFit(layer));
    }
    double cycles = estimateCycles(layer, mapping, config);
    return LayerPlan{std::move(layer), mapping, cycles};
  }

  /// The mapping options.mappingOf gives for the layer, when legal.
  std::optional<Mapping> recordedMapping(const AccelLayer &layer) const {
    if (!options.mappingOf) return std::nullopt;
    std::optional<Mapping> mapping = options.mappingOf(layer);
    if (!mapping || !checkMapping(layer, *mapping, config).ok()) return std::nullopt;
    return mapping;
  }

  /// The cost model's choice with `virtualThreads` threads; a layer whose slots do not fit
  /// that many takes the most threads that fit (the error of the requested count otherwise).
  StatusOr<Mapping> chooseWithThreadsThatFit(const AccelLayer &layer) const {
    StatusOr<Mapping> chosen = chooseMapping(layer, config, MappingSpace{{options.virtualThreads}, true});
    for (int64_t threads = options.virtualThreads - 1; !chosen.ok() && threads >= 1; --threads) {
      StatusOr<Mapping> fewer = chooseMapping(layer, config, MappingSpace{{threads}, true});
      if (fewer.ok()) return fewer;
    }
    return chosen;
  }

  /// The DRAM tensor a layer reads for `input` of node `index`.
  std::string inputTensor(size_t index, const std::string &input) const {
    const LayerPlan &plan = plans.at(index);
    if (windowPackingOf(plan.layer, plan.mapping) && input == graph.nodes[index].input(0))
      return strCat(input, "@window:", plan.layer.name);
    return values.at(input).tensor;
  }
};

/// The accelerator nodes that emit a layer, in the order they run: by region, then in
/// graph order.
std::vector<size_t> executionOrder(const ModelLowering &lowering, const Partition &partition) {
  std::vector<size_t> order;
  for (const auto &[index, plan] : lowering.plans) order.push_back(index);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return partition.region[a] < partition.region[b]; });
  return order;
}

/// The region each value the host reads from the accelerator is read after: the region
/// of the node that defines it, for values read by a host node or a model output.
std::map<std::string, int> readAfter(const ModelLowering &lowering, const Partition &partition) {
  const graph::Graph &graph = lowering.graph;
  std::set<std::string> needed(graph.outputs.begin(), graph.outputs.end());
  for (size_t i = 0; i < graph.nodes.size(); ++i)
    if (!partition.onAccelerator(i)) needed.insert(graph.nodes[i].inputs.begin(), graph.nodes[i].inputs.end());
  std::map<std::string, int> regions;
  for (const auto &[value, device] : lowering.values)
    if (needed.count(value) && !lowering.fromHost(value)) regions[value] = partition.region[lowering.producers.at(value)];
  return regions;
}

/// The region each host-written tensor is written before: the first region whose
/// accelerator nodes (layers, views, Concats) read it.
std::map<std::string, int> writtenBefore(const ModelLowering &lowering, const Partition &partition) {
  const graph::Graph &graph = lowering.graph;
  std::map<std::string, int> regions;
  for (size_t index = 0; index < graph.nodes.size(); ++index) {
    if (!partition.onAccelerator(index)) continue;
    for (const std::string &input : graph.nodes[index].inputs) {
      if (input.empty() || graph.constantOf(input)) continue;
      auto value = lowering.values.find(input);
      if (!lowering.plans.count(index) && value == lowering.values.end()) continue;
      std::string tensor = lowering.plans.count(index) ? lowering.inputTensor(index, input) : value->second.tensor;
      auto [it, fresh] = regions.emplace(tensor, partition.region[index]);
      it->second = std::min(it->second, partition.region[index]);
    }
  }
  return regions;
}

/// The accelerator regions with their transfers (instruction ranges are filled by the
/// emission).
std::vector<HostRegion> acceleratorRegions(const ModelLowering &lowering, const Partition &partition) {
  std::vector<HostRegion> regions;
  std::map<int, size_t> indexOf;
  for (int r : partition.acceleratorRegions()) {
    indexOf[r] = regions.size();
    regions.emplace_back().region = r;
  }
  std::map<std::string, int> before = writtenBefore(lowering, partition);
  for (const HostTransfer &t : lowering.toDevice) {
    auto region = before.find(t.tensor); // every host-written tensor has a reader; the first region otherwise
    regions[region == before.end() ? 0 : indexOf.at(region->second)].toDevice.push_back(t);
  }
  for (const auto &[value, region] : readAfter(lowering, partition)) {
    const DeviceValue &device = lowering.values.at(value);
    regions[indexOf.at(region)].fromDevice.push_back(HostTransfer{value, device.tensor, device.nchw, {}, std::nullopt});
  }
  return regions;
}

/// A DRAM tensor of the accelerator's activations, before placement.
struct ActivationTensor {
  std::string name;
  isa::TensorKind kind;
  Shape shape;
  passes::BufferRequest lifetime;
};

/// The tensors the layers read and write: host-written ones first, then the values that
/// own a tensor (views and Concat slices own none), in name order.
std::vector<ActivationTensor> activationTensors(const ModelLowering &lowering, const std::vector<HostRegion> &regions) {
  std::vector<ActivationTensor> tensors;
  std::set<std::string> added, outputTensors;
  for (const HostRegion &region : regions)
    for (const HostTransfer &output : region.fromDevice) outputTensors.insert(output.tensor);
  for (const HostTransfer &input : lowering.toDevice) {
    tensors.push_back({input.tensor, isa::TensorKind::input, deviceShape(input, lowering.config), {}});
    added.insert(input.tensor);
  }
  for (const auto &[value, device] : lowering.values) {
    if (added.count(device.tensor) || device.tensor != value) continue;
    isa::TensorKind kind = outputTensors.count(device.tensor) ? isa::TensorKind::output : isa::TensorKind::scratch;
    tensors.push_back({device.tensor, kind, blockedShape(device.nchw, lowering.config), {}});
    added.insert(device.tensor);
  }
  return tensors;
}

/// Lifetimes in execution order (executionOrder): from the first layer that touches a
/// tensor to the last; a tensor the host writes is live from the start of the region it
/// is written before, one it reads from the end of the region it is read after. Layer k
/// runs at step 2k + 1; a region spans from the step before its first layer to the one
/// after its last.
void computeLifetimes(const ModelLowering &lowering, const std::vector<size_t> &order,
                      const std::vector<HostRegion> &regions, std::vector<ActivationTensor> &tensors) {
  std::map<std::string, std::pair<size_t, size_t>> uses;
  auto use = [&](const std::string &tensor, size_t step) {
    auto [it, fresh] = uses.emplace(tensor, std::make_pair(step, step));
    it->second.first = std::min(it->second.first, step), it->second.second = std::max(it->second.second, step);
  };
  const graph::Graph &graph = lowering.graph;
  std::map<int, std::pair<size_t, size_t>> regionSteps;
  for (size_t k = 0; k < order.size(); ++k) {
    size_t index = order[k], step = 2 * k + 1;
    for (const std::string &input : graph.nodes[index].inputs)
      if (!input.empty() && !graph.constantOf(input)) use(lowering.inputTensor(index, input), step);
    use(lowering.values.at(graph.nodes[index].outputs[0]).tensor, step);
    int region = lowering.partition->region[index];
    auto [it, fresh] = regionSteps.emplace(region, std::make_pair(step - 1, step + 1));
    it->second.second = step + 1;
  }
  for (const HostRegion &region : regions) {
    auto [begin, end] = regionSteps.at(region.region);
    for (const HostTransfer &t : region.toDevice) use(t.tensor, begin);
    for (const HostTransfer &t : region.fromDevice) use(t.tensor, end);
  }
  size_t end = 2 * order.size() + 1;
  for (ActivationTensor &tensor : tensors) {
    auto found = uses.find(tensor.name);
    auto [first, last] = found == uses.end() ? std::make_pair(size_t(0), end) : found->second;
    tensor.lifetime.firstUse = int64_t(first), tensor.lifetime.lastUse = int64_t(last);
  }
}

/// Places the activations in one DRAM arena with the graph memory planner's placement:
/// tensors whose lifetimes do not overlap share bytes. Returns the arena's size.
uint64_t addTensors(ProgramBuilder &builder, const ModelLowering &lowering, const std::vector<size_t> &order,
                    const std::vector<HostRegion> &regions) {
  std::vector<ActivationTensor> tensors = activationTensors(lowering, regions);
  computeLifetimes(lowering, order, regions, tensors);
  std::vector<passes::BufferRequest> requests;
  for (ActivationTensor &tensor : tensors) {
    tensor.lifetime.bytes = int64_t(shapeElementCount(tensor.shape)); // int8
    requests.push_back(tensor.lifetime);
  }
  int64_t arenaBytes = 0;
  std::vector<int64_t> offsets = passes::placeBuffers(requests, int64_t(tensorAlignment(lowering.config)), arenaBytes);
  uint64_t base = builder.reserveArena(uint64_t(arenaBytes));
  for (size_t i = 0; i < tensors.size(); ++i)
    builder.addTensorAt(tensors[i].name, tensors[i].kind, DType::I8, tensors[i].shape, base + uint64_t(offsets[i]));
  return uint64_t(arenaBytes);
}

/// Closes an accelerator region that another follows: a compute no-op pops the token
/// the region's last store pushed, so the next region starts as a program's first layer
/// does (the runner runs each region as a program of its own, with FINISH in this place).
void emitRegionEnd(ProgramBuilder &builder) {
  size_t sync = builder.emit(makeGemm(0, 0, LoopNest{}, false));
  builder.instruction(sync)[isa::Field::pop_next] = 1;
}

/// Emits the layers in `order`, region after region; fills each region's instruction
/// range.
Status emitLayers(ProgramBuilder &builder, const ModelLowering &lowering, const std::vector<size_t> &order,
                  std::vector<HostRegion> &regions, CompiledModel &model) {
  auto region = regions.begin();
  region->firstInstruction = 0;
  LayerPosition position = LayerPosition::first;
  for (size_t index : order) {
    if (lowering.partition->region[index] != region->region) {
      region->endInstruction = uint32_t(builder.instructionCount());
      emitRegionEnd(builder);
      ++region;
      region->firstInstruction = uint32_t(builder.instructionCount());
      position = LayerPosition::first;
    }
    const LayerPlan &plan = lowering.plans.at(index);
    const graph::Node &node = lowering.graph.nodes[index];
    std::vector<std::string> inputs;
    for (const std::string &input : node.inputs)
      if (!input.empty() && !lowering.graph.constantOf(input)) inputs.push_back(lowering.inputTensor(index, input));
    const DeviceValue &output = lowering.values.at(node.outputs[0]);
    size_t firstSegment = builder.segmentCount();
    LayerIO io{inputs, output.tensor, position, output.blockOffset};
    TS_RETURN_IF_ERROR(annotate(emitLayer(builder, plan.layer, plan.mapping, io), node.describe()));
    builder.relabelSegments(firstSegment, plan.layer.op);
    model.layers.push_back(
        LayerSummary{plan.layer.name, plan.layer.op, plan.layer.macs(), plan.estimatedCycles, plan.mapping, plan.layer});
    position = LayerPosition::afterLayer;
  }
  region->endInstruction = uint32_t(builder.instructionCount()); // the FINISH finish() appends
  return absl::OkStatus();
}

void countOps(const graph::Graph &graph, const Partition &partition, CompiledModel &model) {
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const graph::Node &node = graph.nodes[i];
    if (partition.onAccelerator(i)) {
      ++model.acceleratorOps[node.op];
      continue;
    }
    ++model.cpuOps[node.op];
    auto reason = partition.hostReasons.find(i);
    model.cpuReasons.push_back(strCat(node.describe(), " [", regionName(partition.region[i]), "]: ",
                                      reason == partition.hostReasons.end() ? "" : reason->second));
  }
}

/// Layers and MACs on each side; host nodes that only reshape are not layers.
Coverage coverageOf(const ModelLowering &lowering, const Partition &partition) {
  const graph::Graph &graph = lowering.graph;
  Coverage coverage;
  std::set<std::string> hostOps;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const graph::Node &node = graph.nodes[i];
    coverage.totalMacs += graph::nodeMacs(graph, node);
    if (partition.onAccelerator(i) || graph::hasOpTrait(node.op, graph::op_trait::ReshapeLike)) continue;
    ++coverage.hostLayers;
    hostOps.insert(node.op);
  }
  for (const auto &[index, plan] : lowering.plans) coverage.accelMacs += plan.layer.macs();
  coverage.accelLayers = int64_t(lowering.plans.size());
  coverage.hostOps.assign(hostOps.begin(), hostOps.end());
  coverage.accelRegions = int64_t(partition.acceleratorRegions().size());
  std::set<int> hostRegions;
  for (size_t i = 0; i < graph.nodes.size(); ++i)
    if (!partition.onAccelerator(i)) hostRegions.insert(partition.region[i]);
  coverage.hostRegions = int64_t(hostRegions.size());
  return coverage;
}

} // namespace

namespace {

/// The partition; `lowering` ends as the last pass's (it holds the accepted layers).
Partition partitionModel(std::unique_ptr<ModelLowering> &lowering, const graph::Graph &graph,
                         const isa::HardwareConfig &config, const LoweringOptions &options) {
  auto newCheck = [&]() -> SupportCheck {
    lowering = std::make_unique<ModelLowering>(
        ModelLowering{graph, config, options, graph.producers(), {}, {}, {}, {}, {}, absl::OkStatus(), nullptr});
    lowering->onAccelerator.assign(graph.nodes.size(), false);
    return [&](const graph::Graph &, size_t index) -> Status {
      Status status = lowering->accept(index, graph.nodes[index]);
      if (status.ok()) lowering->onAccelerator[index] = true;
      return status;
    };
  };
  CostModel costs = options.costs;
  costs.acceleratorUs = [&](size_t index) {
    auto plan = lowering->plans.find(index);
    return plan == lowering->plans.end() ? 0.0 : plan->second.estimatedCycles / config.clock_mhz;
  };
  costs.emitsCode = [&](size_t index) { return lowering->plans.count(index) > 0; };
  return partitionGraph(graph, newCheck, costs);
}

} // namespace

StatusOr<CompiledModel> compileForAccelerator(const graph::Graph &graph, const isa::HardwareConfig &config,
                                              const LoweringOptions &options) {
  std::unique_ptr<ModelLowering> owned;
  Partition partition = partitionModel(owned, graph, config, options);
  ModelLowering &lowering = *owned;
  lowering.partition = &partition;
  TS_RETURN_IF_ERROR(lowering.mappingError);
  for (const auto &[name, mapping] : options.mappings)
    if (!lowering.overridden.count(name))
      return invalidInput("mapping given for '%s', which is no accelerator layer of graph '%s'", name, graph.name);
  CompiledModel model;
  countOps(graph, partition, model);
  model.coverage = coverageOf(lowering, partition);
  if (lowering.plans.empty())
    return invalidInput("no node of graph '%s' runs on the accelerator:\n  %s", graph.name, joinStrings(model.cpuReasons, "\n  "));
  ProgramBuilder builder(config);
  std::vector<size_t> order = executionOrder(lowering, partition);
  std::vector<HostRegion> regions = acceleratorRegions(lowering, partition);
  model.activationBytes = addTensors(builder, lowering, order, regions);
  TS_RETURN_IF_ERROR(emitLayers(builder, lowering, order, regions, model));
  TS_ASSIGN_OR_RETURN(model.program, builder.finish(/*popStore=*/true));
  for (const isa::TensorInfo &tensor : model.program.tensors)
    if (tensor.kind == isa::TensorKind::constant) model.constantBytes += tensor.byteSize();
  TS_ASSIGN_OR_RETURN(HostModel host, buildHostModel(graph, partition, std::move(regions)));
  host.coverage = model.coverage;
  for (const LayerSummary &layer : model.layers) host.estimatedCycles[layer.name] = layer.estimatedCycles;
  model.program.host = host.toJson().dump();
  return model;
}

double CompiledModel::estimatedCycles() const {
  double total = 0;
  for (const LayerSummary &layer : layers) total += layer.estimatedCycles;
  return total;
}

std::string CompiledModel::summary(const isa::HardwareConfig &config) const {
  auto countsOf = [](const std::map<std::string, int> &counts) {
    std::vector<std::string> parts;
    for (const auto &[op, count] : counts) parts.push_back(strCat(op, " x", count));
    return parts.empty() ? std::string("none") : joinStrings(parts, ", ");
  };
  int64_t macs = 0;
  for (const LayerSummary &layer : layers) macs += layer.macs;
  double cycles = estimatedCycles();
  std::string text = absl::StrFormat("target: accel  config: %s\n", config.name);
  text += strCat(coverage.describe(), "\n");
  text += strCat("ops on accel: ", countsOf(acceleratorOps), "\n", "ops on cpu:   ", countsOf(cpuOps), "\n");
  for (const std::string &reason : cpuReasons) text += strCat("  cpu: ", reason, "\n");
  text += absl::StrFormat("layers: %d  instructions: %d  micro-ops: %d\n", layers.size(), program.instructions.size(),
                          program.uops.size());
  text += absl::StrFormat("dram: %d bytes (constants %d, activations %d)  macs: %d\n", program.dramBytes, constantBytes,
                          activationBytes, macs);
  text += absl::StrFormat("estimated cycles: %.0f (%.3f ms at %g MHz, cost model)\n", cycles,
                          cycles / (config.clock_mhz * 1e3), config.clock_mhz);
  return text;
}

std::string printLayerMappings(const CompiledModel &model) {
  std::string text;
  for (const LayerSummary &layer : model.layers) text += strCat(layer.name, ": ", printMapping(layer.mapping), "\n");
  return text;
}

StatusOr<std::map<std::string, Mapping>> parseLayerMappings(std::string_view text) {
  std::map<std::string, Mapping> mappings;
  int lineNumber = 0;
  for (std::string_view line : splitString(text, '\n')) {
    ++lineNumber;
    line = trimWhitespace(line);
    if (line.empty() || line.front() == '#') continue;
    size_t colon = line.rfind(':');
    if (colon == std::string_view::npos) return invalidInput("line %d: expected 'LAYER: MAPPING'", lineNumber);
    std::string name(trimWhitespace(line.substr(0, colon)));
    StatusOr<Mapping> mapping = parseMapping(line.substr(colon + 1));
    if (!mapping.ok()) return invalidInput("line %d (layer '%s'): %s", lineNumber, name, mapping.status().message());
    if (!mappings.emplace(name, *mapping).second) return invalidInput("line %d: layer '%s' mapped twice", lineNumber, name);
  }
  return mappings;
}

} // namespace tessera::accel
