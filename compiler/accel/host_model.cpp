//===- host_model.cpp - The host side of a compiled model: built, and in JSON ---------===//
#include "compiler/accel/host_model.h"

#include <set>

#include "compiler/accel/layouts.h"
#include "compiler/graph/parser.h"
#include "compiler/graph/printer.h"
#include "compiler/graph/verifier.h"

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
    l.inChannels = j.at("in_channels"), l.height = j.at("height"), l.width = j.at("width");
    l.outHeight = j.at("out_height"), l.outWidth = j.at("out_width");
    l.kernelH = j.at("kernel").at(0), l.kernelW = j.at("kernel").at(1);
    l.strideH = j.at("stride").at(0), l.strideW = j.at("stride").at(1);
    l.dilationH = j.at("dilation").at(0), l.dilationW = j.at("dilation").at(1);
    l.padTop = j.at("pad").at(0), l.padLeft = j.at("pad").at(1);
  } catch (const json::exception &error) {
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
    t.nchw = j.at("nchw").get<Shape>(), t.shape = j.at("shape").get<Shape>();
  } catch (const json::exception &error) {
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

std::vector<bool> nodesIn(const Partition &partition, Placement placement) {
  std::vector<bool> keep(partition.placement.size());
  for (size_t i = 0; i < keep.size(); ++i) keep[i] = partition.placement[i] == placement;
  return keep;
}

/// Values `nodes` define (graph inputs count as defined by the pre phase).
std::set<std::string> definedBy(const graph::Graph &graph, const std::vector<bool> &nodes, bool withGraphInputs) {
  std::set<std::string> defined;
  if (withGraphInputs) defined.insert(graph.inputs.begin(), graph.inputs.end());
  for (size_t i = 0; i < nodes.size(); ++i)
    if (nodes[i]) defined.insert(graph.nodes[i].outputs.begin(), graph.nodes[i].outputs.end());
  return defined;
}

std::optional<graph::Graph> preGraph(const graph::Graph &graph, const Partition &partition,
                                     const std::vector<HostTransfer> &toDevice) {
  std::vector<bool> keep = nodesIn(partition, Placement::pre);
  std::set<std::string> defined = definedBy(graph, keep, false), needed;
  for (const HostTransfer &t : toDevice) needed.insert(t.value);
  for (size_t i = 0; i < graph.nodes.size(); ++i)
    if (partition.placement[i] == Placement::post) needed.insert(graph.nodes[i].inputs.begin(), graph.nodes[i].inputs.end());
  needed.insert(graph.outputs.begin(), graph.outputs.end());
  std::vector<std::string> outputs;
  for (const std::string &value : needed)
    if (defined.count(value)) outputs.push_back(value);
  if (outputs.empty()) return std::nullopt;
  return subgraph(graph, keep, graph.inputs, outputs);
}

std::optional<graph::Graph> postGraph(const graph::Graph &graph, const Partition &partition) {
  std::vector<bool> keep = nodesIn(partition, Placement::post);
  std::set<std::string> defined = definedBy(graph, keep, false), inputs;
  for (size_t i = 0; i < graph.nodes.size(); ++i)
    if (keep[i])
      for (const std::string &input : graph.nodes[i].inputs)
        if (!input.empty() && !defined.count(input) && !graph.constantOf(input)) inputs.insert(input);
  std::vector<std::string> outputs;
  for (const std::string &output : graph.outputs)
    if (defined.count(output)) outputs.push_back(output);
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

json HostModel::toJson() const {
  json to = json::array(), from = json::array();
  for (const HostTransfer &t : toDevice) to.push_back(transferToJson(t));
  for (const HostTransfer &t : fromDevice) from.push_back(transferToJson(t));
  json in = json::array();
  for (const HostInput &input : inputs)
    in.push_back({{"name", input.name}, {"dtype", dtypeName(input.dtype)}, {"shape", input.shape}});
  json j = {{"inputs", in},
            {"outputs", outputs},
            {"pre", pre ? json(graph::printGraph(*pre)) : json(nullptr)},
            {"post", post ? json(graph::printGraph(*post)) : json(nullptr)},
            {"to_device", to},
            {"from_device", from}};
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
      model.inputs.push_back(HostInput{input.at("name"), *dtype, input.at("shape").get<Shape>()});
    }
    model.outputs = j.at("outputs").get<std::vector<std::string>>();
    for (const json &t : j.at("to_device")) {
      TS_ASSIGN_OR_RETURN(HostTransfer transfer, transferFromJson(t));
      model.toDevice.push_back(std::move(transfer));
    }
    for (const json &t : j.at("from_device")) {
      TS_ASSIGN_OR_RETURN(HostTransfer transfer, transferFromJson(t));
      model.fromDevice.push_back(std::move(transfer));
    }
    TS_ASSIGN_OR_RETURN(model.pre, graphFromJson(j.at("pre"), "pre"));
    TS_ASSIGN_OR_RETURN(model.post, graphFromJson(j.at("post"), "post"));
    if (j.contains("coverage")) {
      auto coverage = Coverage::fromJson(j.at("coverage"));
      if (!coverage.ok()) return annotate(coverage.status(), "host metadata");
      model.coverage = *coverage;
    }
    if (j.contains("estimated_cycles")) model.estimatedCycles = j.at("estimated_cycles").get<std::map<std::string, double>>();
  } catch (const json::exception &error) {
    return invalidInput("host metadata: %s", error.what());
  }
  return model;
}

StatusOr<HostModel> buildHostModel(const graph::Graph &graph, const Partition &partition,
                                   const std::vector<HostTransfer> &toDevice, const std::vector<HostTransfer> &fromDevice) {
  HostModel model;
  for (const std::string &input : graph.inputs)
    model.inputs.push_back(HostInput{input, graph.typeOf(input).dtype, graph.typeOf(input).shape});
  model.outputs = graph.outputs;
  model.toDevice = toDevice;
  model.fromDevice = fromDevice;
  for (auto *transfers : {&model.toDevice, &model.fromDevice})
    for (HostTransfer &t : *transfers) t.shape = graph.typeOf(t.value).shape;
  model.pre = preGraph(graph, partition, toDevice);
  model.post = postGraph(graph, partition);
  for (const auto &phase : {model.pre, model.post})
    if (phase) TS_RETURN_IF_ERROR(annotate(graph::verifyGraph(*phase), "host graph of the compiled model"));
  return model;
}

} // namespace tessera::accel
