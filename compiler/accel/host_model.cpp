//===- host_model.cpp - The host side of a compiled model: built, and in JSON ---------===//
#include "compiler/accel/host_model.h"

#include <algorithm>
#include <set>

#include "compiler/accel/layouts.h"
#include "compiler/graph/parser.h"
#include "compiler/graph/printer.h"
#include "compiler/graph/verifier.h"
#include "support/json_number.h"

namespace tessera::accel {

using nlohmann::json;

Shape blockedShape(const Shape &nchw, const isa::HardwareConfig &config) {
  return blockedImageShape(nchw, config.block_in);
}

Shape deviceShape(const HostTransfer &transfer, const isa::HardwareConfig &config) {
  if (!transfer.window) return blockedShape(transfer.nchw, config);
  return windowPackedShape(*transfer.window, transfer.nchw[0], config.block_in);
}

namespace {

json windowToJson(const ConvLayer &l) {
  return {{"in_channels", l.inChannels}, {"height", l.height},        {"width", l.width},
          {"out_height", l.outHeight},   {"out_width", l.outWidth},   {"kernel", {l.kernelH, l.kernelW}},
          {"stride", {l.strideH, l.strideW}}, {"dilation", {l.dilationH, l.dilationW}}, {"pad", {l.padTop, l.padLeft}}};
}

StatusOr<ConvLayer> windowFromJson(const json &j) {
  ConvLayer l;
  try {
    l.inChannels = jsonAt<int64_t>(j, "in_channels"), l.height = jsonAt<int64_t>(j, "height");
    l.width = jsonAt<int64_t>(j, "width");
    l.outHeight = jsonAt<int64_t>(j, "out_height"), l.outWidth = jsonAt<int64_t>(j, "out_width");
    auto pair = [&](const char *key, int64_t &first, int64_t &second) {
      auto values = jsonAt<std::vector<int64_t>>(j, key);
      if (values.size() != 2) throw JsonRangeError(strCat("'", key, "' must hold two integers"));
      first = values[0], second = values[1];
    };
    pair("kernel", l.kernelH, l.kernelW);
    pair("stride", l.strideH, l.strideW);
    pair("dilation", l.dilationH, l.dilationW);
    pair("pad", l.padTop, l.padLeft);
  } catch (const std::exception &error) {  // json::exception, JsonRangeError
    return invalidInput("host metadata: window packing: %s", error.what());
  }
  return l;
}

json transferToJson(const HostTransfer &t) {
  json j = {{"value", t.value}, {"tensor", t.tensor}, {"nchw", t.nchw}, {"shape", t.shape}};
  if (t.window) j["window"] = windowToJson(*t.window);
  return j;
}

StatusOr<HostTransfer> transferFromJson(const json &j) {
  HostTransfer t;
  try {
    t.value = j.at("value"), t.tensor = j.at("tensor");
    t.nchw = jsonAt<Shape>(j, "nchw"), t.shape = jsonAt<Shape>(j, "shape");
  } catch (const std::exception &error) {  // json::exception, JsonRangeError
    return invalidInput("host metadata: transfer: %s", error.what());
  }
  if (t.nchw.size() != 4 || shapeElementCount(t.nchw) != shapeElementCount(t.shape))
    return invalidInput("host metadata: transfer of '%s': nchw %s does not hold shape %s", t.value, shapeToString(t.nchw),
                        shapeToString(t.shape));
  if (j.contains("window")) {
    TS_ASSIGN_OR_RETURN(ConvLayer window, windowFromJson(j["window"]));
    t.window = window;
  }
  return t;
}

/// The graph restricted to the nodes `keep` marks, with the given inputs and outputs.
graph::Graph subgraph(const graph::Graph &graph, const std::vector<bool> &keep, std::vector<std::string> inputs,
                      std::vector<std::string> outputs) {
  graph::Graph sub = graph;
  std::vector<bool> erase(keep.size());
  for (size_t i = 0; i < keep.size(); ++i) erase[i] = !keep[i];
  sub.eraseNodes(erase);
  sub.inputs = std::move(inputs);
  sub.outputs = std::move(outputs);
  sub.pruneUnusedValues();
  return sub;
}

/// Values read outside `region`: by nodes of other regions, by the accelerator's
/// transfers, and the model's outputs.
std::set<std::string> readOutside(const graph::Graph &graph, const Partition &partition, int region,
                                  const std::vector<HostRegion> &acceleratorRegions) {
  std::set<std::string> read(graph.outputs.begin(), graph.outputs.end());
  for (size_t i = 0; i < graph.nodes.size(); ++i)
    if (partition.region[i] != region) read.insert(graph.nodes[i].inputs.begin(), graph.nodes[i].inputs.end());
  for (const HostRegion &accelerator : acceleratorRegions)
    for (const HostTransfer &t : accelerator.toDevice) read.insert(t.value);
  return read;
}

/// Host region `region` as a graph; none when it has no node whose result is needed.
std::optional<graph::Graph> hostRegionGraph(const graph::Graph &graph, const Partition &partition, int region,
                                            const std::vector<HostRegion> &acceleratorRegions) {
  std::vector<bool> keep(graph.nodes.size());
  std::set<std::string> defined, inputs;
  for (size_t i = 0; i < keep.size(); ++i) {
    keep[i] = partition.region[i] == region;
    if (keep[i]) defined.insert(graph.nodes[i].outputs.begin(), graph.nodes[i].outputs.end());
  }
  for (size_t i = 0; i < keep.size(); ++i)
    if (keep[i])
      for (const std::string &input : graph.nodes[i].inputs)
        if (!input.empty() && !defined.count(input) && !graph.constantOf(input)) inputs.insert(input);
  std::vector<std::string> outputs;
  for (const std::string &value : readOutside(graph, partition, region, acceleratorRegions))
    if (defined.count(value)) outputs.push_back(value);
  if (outputs.empty()) return std::nullopt;
  return subgraph(graph, keep, {inputs.begin(), inputs.end()}, outputs);
}

StatusOr<std::optional<graph::Graph>> graphFromJson(const json &j, const char *what) {
  if (j.is_null()) return std::optional<graph::Graph>();
  if (!j.is_string()) return invalidInput("host metadata: '%s' must be graph IR text", what);
  auto parsed = graph::parseGraph(j.get<std::string>());
  if (!parsed.ok()) return annotate(parsed.status(), strCat("host metadata: '", what, "' graph"));
  TS_RETURN_IF_ERROR(annotate(graph::verifyGraph(*parsed), strCat("host metadata: '", what, "' graph")));
  return std::optional<graph::Graph>(std::move(*parsed));
}

} // namespace

std::vector<HostTransfer> HostModel::toDevice() const {
  std::vector<HostTransfer> all;
  for (const HostRegion &region : regions) all.insert(all.end(), region.toDevice.begin(), region.toDevice.end());
  return all;
}

std::vector<HostTransfer> HostModel::fromDevice() const {
  std::vector<HostTransfer> all;
  for (const HostRegion &region : regions) all.insert(all.end(), region.fromDevice.begin(), region.fromDevice.end());
  return all;
}

namespace {

json transfersToJson(const std::vector<HostTransfer> &transfers) {
  json list = json::array();
  for (const HostTransfer &t : transfers) list.push_back(transferToJson(t));
  return list;
}

StatusOr<std::vector<HostTransfer>> transfersFromJson(const json &list) {
  std::vector<HostTransfer> transfers;
  for (const json &t : list) {
    TS_ASSIGN_OR_RETURN(HostTransfer transfer, transferFromJson(t));
    transfers.push_back(std::move(transfer));
  }
  return transfers;
}

json regionToJson(const HostRegion &region) {
  if (!region.onAccelerator()) {
    json j = {{"region", region.region}, {"graph", graph::printGraph(*region.graph)}};
    if (region.library) j["library"] = {{"offset", region.library->offset}, {"size", region.library->size}};
    return j;
  }
  return {{"region", region.region},
          {"instructions", {region.firstInstruction, region.endInstruction}},
          {"to_device", transfersToJson(region.toDevice)},
          {"from_device", transfersToJson(region.fromDevice)}};
}

/// One region; `previous` is the region before it (-1 for the first).
StatusOr<HostRegion> regionFromJson(const json &j, int previous) {
  HostRegion region;
  region.region = jsonAt<int>(j, "region");
  if (region.region <= previous) return invalidInput("host metadata: region %d follows region %d", region.region, previous);
  std::string what = regionName(region.region);
  if (!region.onAccelerator()) {
    TS_ASSIGN_OR_RETURN(region.graph, graphFromJson(j.at("graph"), what.c_str()));
    if (!region.graph) return invalidInput("host metadata: %s has no graph", what);
    if (j.contains("library"))
      region.library = HostRegion::Library{jsonAt<uint64_t>(j["library"], "offset"), jsonAt<uint64_t>(j["library"], "size")};
    return region;
  }
  region.firstInstruction = jsonGet<uint32_t>(j.at("instructions").at(0), "instructions");
  region.endInstruction = jsonGet<uint32_t>(j.at("instructions").at(1), "instructions");
  if (region.firstInstruction >= region.endInstruction)
    return invalidInput("host metadata: %s: empty instruction range [%d, %d)", what, region.firstInstruction,
                        region.endInstruction);
  TS_ASSIGN_OR_RETURN(region.toDevice, transfersFromJson(j.at("to_device")));
  TS_ASSIGN_OR_RETURN(region.fromDevice, transfersFromJson(j.at("from_device")));
  return region;
}

} // namespace

json HostModel::toJson() const {
  json in = json::array(), list = json::array();
  for (const HostInput &input : inputs)
    in.push_back({{"name", input.name}, {"dtype", dtypeName(input.dtype)}, {"shape", input.shape}});
  for (const HostRegion &region : regions) list.push_back(regionToJson(region));
  json j = {{"inputs", in}, {"outputs", outputs}, {"regions", list}};
  if (coverage) j["coverage"] = coverage->toJson();
  if (!estimatedCycles.empty()) j["estimated_cycles"] = estimatedCycles;
  return j;
}

StatusOr<HostModel> HostModel::fromJson(std::string_view text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return invalidInput("host metadata is not a JSON object");
  HostModel model;
  try {
    for (const json &input : j.at("inputs")) {
      auto dtype = parseDType(input.at("dtype").get<std::string>());
      if (!dtype.ok()) return annotate(dtype.status(), "host metadata: model input");
      model.inputs.push_back(HostInput{input.at("name"), *dtype, jsonAt<Shape>(input, "shape")});
    }
    model.outputs = j.at("outputs").get<std::vector<std::string>>();
    for (const json &r : j.at("regions")) {
      TS_ASSIGN_OR_RETURN(HostRegion region, regionFromJson(r, model.regions.empty() ? -1 : model.regions.back().region));
      model.regions.push_back(std::move(region));
    }
    if (j.contains("coverage")) {
      auto coverage = Coverage::fromJson(j.at("coverage"));
      if (!coverage.ok()) return annotate(coverage.status(), "host metadata");
      model.coverage = *coverage;
    }
    if (j.contains("estimated_cycles")) model.estimatedCycles = j.at("estimated_cycles").get<std::map<std::string, double>>();
  } catch (const std::exception &error) {  // json::exception, JsonRangeError
    return invalidInput("host metadata: %s", error.what());
  }
  return model;
}

StatusOr<HostModel> buildHostModel(const graph::Graph &graph, const Partition &partition,
                                   std::vector<HostRegion> acceleratorRegions) {
  HostModel model;
  for (const std::string &input : graph.inputs)
    model.inputs.push_back(HostInput{input, graph.typeOf(input).dtype, graph.typeOf(input).shape});
  model.outputs = graph.outputs;
  for (HostRegion &region : acceleratorRegions)
    for (auto *transfers : {&region.toDevice, &region.fromDevice})
      for (HostTransfer &t : *transfers) t.shape = graph.typeOf(t.value).shape;
  for (int r = 0; r < partition.regionCount(); r += 2) {
    std::optional<graph::Graph> host = hostRegionGraph(graph, partition, r, acceleratorRegions);
    if (!host) continue;
    TS_RETURN_IF_ERROR(annotate(graph::verifyGraph(*host), strCat(regionName(r), " of the compiled model")));
    HostRegion &region = model.regions.emplace_back();
    region.region = r;
    region.graph = std::move(host);
  }
  model.regions.insert(model.regions.end(), acceleratorRegions.begin(), acceleratorRegions.end());
  std::sort(model.regions.begin(), model.regions.end(),
            [](const HostRegion &a, const HostRegion &b) { return a.region < b.region; });
  return model;
}

} // namespace tessera::accel
