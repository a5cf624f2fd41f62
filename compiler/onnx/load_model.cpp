//===- load_model.cpp - Parsing, checking and shape-inferring ONNX models ------===//
#include <onnx/checker.h>
#include <onnx/shape_inference/implementation.h>
#include <onnx/version_converter/convert.h>

#include <absl/strings/numbers.h>

#include <unordered_set>

#include "compiler/onnx/importer.h"
#include "compiler/onnx/guarded_schema_registry.h"
#include "compiler/onnx/onnx_tensor.h"
#include "compiler/onnx/validate_attributes.h"
#include "support/file_io.h"

namespace tessera::onnx_import {
namespace {

/// Opsets older than this are converted with ONNX's version converter.
constexpr int64_t kOldestNativeOpset = 6;
constexpr int64_t kConversionTarget = 13;

int64_t defaultOpset(const onnx::ModelProto &model) {
  for (const auto &opset : model.opset_import())
    if (opset.domain().empty() || opset.domain() == "ai.onnx") return opset.version();
  return 0;
}

Status applyInputShapes(onnx::ModelProto &model, const ImportOptions &options) {
  std::unordered_set<std::string> applied;
  for (auto &input : *model.mutable_graph()->mutable_input()) {
    auto it = options.inputShapes.find(input.name());
    if (it == options.inputShapes.end()) continue;
    if (!input.type().has_tensor_type())
      return invalidInput("--input-shape %s: the input is not a tensor", input.name());
    auto *shape = input.mutable_type()->mutable_tensor_type()->mutable_shape();
    shape->clear_dim();
    for (int64_t dim : it->second) shape->add_dim()->set_dim_value(dim);
    applied.insert(input.name());
  }
  for (const auto &[name, shape] : options.inputShapes)
    if (!applied.count(name)) return invalidInput("--input-shape names '%s', which is not a model input", name);
  return absl::OkStatus();
}

/// Every graph output must be a graph input, an initializer or a node's output. ONNX's
/// checker lets an undefined one through, and ONNX's version converter then dereferences
/// a null value (SIGSEGV in graphProtoToGraph; found by fuzz/fuzz_onnx.cpp).
Status checkOutputsDefined(const onnx::GraphProto &graph) {
  std::unordered_set<std::string> defined;
  for (const auto &input : graph.input()) defined.insert(input.name());
  for (const auto &init : graph.initializer()) defined.insert(init.name());
  for (const auto &node : graph.node())
    for (const auto &output : node.output()) defined.insert(output);
  for (const auto &output : graph.output())
    if (!defined.count(output.name()))
      return invalidInput("graph output '%s' is produced by no node, input or initializer", output.name());
  return absl::OkStatus();
}

/// Every inline tensor (initializers, Constant values and other tensor attributes, sparse
/// tensors' values and indices, in subgraphs too) holds the payload its dims need,
/// checked before any of libonnx's code reads the model: parts of it index tensors by
/// their dims and copy past a shorter payload (a heap overflow in memcpy, found by
/// fuzz/fuzz_onnx.cpp). Element types tessera lacks are left to the graph builder,
/// which names them.
Status checkTensorPayloads(const onnx::GraphProto &graph) {
  auto check = [](const onnx::TensorProto &tensor) -> Status {
    if (!dtypeFromOnnx(tensor.data_type()).ok()) return absl::OkStatus();
    return checkTensorPayload(tensor).status();
  };
  auto checkSparse = [&](const onnx::SparseTensorProto &sparse) -> Status {
    TS_RETURN_IF_ERROR(check(sparse.values()));
    return check(sparse.indices());
  };
  for (const auto &init : graph.initializer()) TS_RETURN_IF_ERROR(check(init));
  for (const auto &init : graph.sparse_initializer()) TS_RETURN_IF_ERROR(checkSparse(init));
  for (const auto &node : graph.node())
    for (const auto &attr : node.attribute()) {
      Status status = attr.has_t() ? check(attr.t()) : absl::OkStatus();
      for (const auto &tensor : attr.tensors())
        if (status.ok()) status = check(tensor);
      if (status.ok() && attr.has_sparse_tensor()) status = checkSparse(attr.sparse_tensor());
      for (const auto &sparse : attr.sparse_tensors())
        if (status.ok()) status = checkSparse(sparse);
      if (status.ok() && attr.has_g()) status = checkTensorPayloads(attr.g());
      for (const auto &subgraph : attr.graphs())
        if (status.ok()) status = checkTensorPayloads(subgraph);
      if (!status.ok())
        return annotate(status, absl::StrFormat("%s node '%s' attribute '%s'", node.op_type(), node.name(), attr.name()));
    }
  return absl::OkStatus();
}

} // namespace

StatusOr<std::map<std::string, Shape>> parseInputShapes(const std::vector<std::string> &specs) {
  std::map<std::string, Shape> shapes;
  for (const std::string &spec : specs) {
    size_t colon = spec.rfind(':');
    if (colon == std::string::npos || colon == 0)
      return invalidInput("bad --input-shape '%s': expected name:1x3x224x224", spec);
    auto shape = parseShape(spec.substr(colon + 1));
    if (!shape.ok()) return annotate(shape.status(), "bad --input-shape '" + spec + "'");
    shapes[spec.substr(0, colon)] = *shape;
  }
  return shapes;
}

StatusOr<onnx::ModelProto> loadOnnxModel(const std::string &path, const ImportOptions &options) {
  TS_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, readBinaryFile(path));
  onnx::ModelProto model;
  if (!model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return invalidInput("%s is not a serialized ONNX model", path);
  TS_RETURN_IF_ERROR(annotate(checkTensorPayloads(model.graph()), path));
  try {
    // The path form resolves external data against the model's directory.
    onnx::checker::check_model(path);
  } catch (const std::exception &error) {
    return invalidInput("%s: ONNX checker: %s", path, error.what());
  }
  TS_RETURN_IF_ERROR(annotate(applyInputShapes(model, options), path));
  TS_RETURN_IF_ERROR(annotate(checkOutputsDefined(model.graph()), path));
  int64_t opset = defaultOpset(model);
  if (opset > 0 && opset < kOldestNativeOpset) {
    try {
      model = onnx::version_conversion::ConvertVersion(model, kConversionTarget);
    } catch (const std::exception &error) {
      return invalidInput("%s: converting opset %d to %d failed: %s", path, opset, kConversionTarget, error.what());
    }
  }
  TS_RETURN_IF_ERROR(annotate(checkWindowAttributes(model.graph()), path));
  try {
    onnx::ShapeInferenceOptions inference(/*check_type_val=*/false, /*strict_mode_val=*/0, /*data_prop_val=*/true);
    static GuardedSchemaRegistry schemas;
    onnx::shape_inference::InferShapes(model, &schemas, inference);
  } catch (const std::exception &error) {
    return invalidInput("%s: ONNX shape inference: %s", path, error.what());
  }
  return model;
}

std::vector<std::string> modelInputNames(const onnx::ModelProto &model) {
  std::unordered_set<std::string> initializers;
  for (const auto &init : model.graph().initializer()) initializers.insert(init.name());
  std::vector<std::string> names;
  for (const auto &input : model.graph().input())
    if (!initializers.count(input.name())) names.push_back(input.name());
  return names;
}

StatusOr<graph::Graph> importOnnxFile(const std::string &path, const ImportOptions &options) {
  TS_ASSIGN_OR_RETURN(onnx::ModelProto model, loadOnnxModel(path, options));
  size_t slash = path.find_last_of('/');
  std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
  auto graph = buildGraph(model, dir);
  if (!graph.ok()) return Status(graph.status().code(), absl::StrCat(path, ": ", graph.status().message()));
  return graph;
}

} // namespace tessera::onnx_import
