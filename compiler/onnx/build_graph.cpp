//===- build_graph.cpp - Translating an ONNX GraphProto to the graph IR --------===//
#include <absl/strings/str_join.h>

#include <map>
#include <unordered_set>

#include "compiler/graph/shape_inference.h"
#include "compiler/graph/topo_sort.h"
#include "compiler/graph/verifier.h"
#include "compiler/onnx/importer.h"
#include "compiler/onnx/normalize_opset.h"
#include "compiler/onnx/onnx_tensor.h"

namespace tessera::onnx_import {
namespace {

using graph::Attribute;
using graph::TensorType;

/// Attributes that hold an ONNX TensorProto data type code, stored as dtype names.
bool isDtypeAttribute(const std::string &op, const std::string &name) {
  return (op == "Cast" && name == "to") || (op == "EyeLike" && name == "dtype") || name == "output_datatype";
}

/// What the translation found it cannot represent, reported all at once.
struct Unsupported {
  std::map<std::string, int> ops;
  std::vector<std::string> other;

  bool empty() const { return ops.empty() && other.empty(); }
  Status toStatus() const {
    std::vector<std::string> parts;
    for (const auto &[op, count] : ops) parts.push_back(absl::StrCat(op, " \u00d7", count));
    std::string message;
    if (!ops.empty())
      message = absl::StrCat(ops.size(), " unsupported op type", ops.size() == 1 ? "" : "s", ": ", absl::StrJoin(parts, ", "));
    if (!other.empty()) absl::StrAppend(&message, message.empty() ? "" : "; ", absl::StrJoin(other, "; "));
    return absl::UnimplementedError(message);
  }
};

StatusOr<TensorType> typeFromValueInfo(const onnx::ValueInfoProto &info) {
  if (!info.type().has_tensor_type())
    return absl::UnimplementedError(absl::StrFormat("value '%s' is not a tensor (sequence, map or optional)", info.name()));
  const auto &tensorType = info.type().tensor_type();
  auto dtype = dtypeFromOnnx(tensorType.elem_type());
  if (!dtype.ok()) return Status(dtype.status().code(), absl::StrFormat("value '%s': %s", info.name(), dtype.status().message()));
  if (!tensorType.has_shape()) return TensorType::unranked(*dtype);
  TensorType type(*dtype, {});
  for (const auto &dim : tensorType.shape().dim())
    type.shape.push_back(dim.has_dim_value() && dim.dim_value() >= 0 ? dim.dim_value() : graph::kUnknownDim);
  return type;
}

StatusOr<Attribute> convertAttribute(const std::string &op, const onnx::AttributeProto &attr, const std::string &baseDir) {
  using onnx::AttributeProto;
  switch (attr.type()) {
  case AttributeProto::FLOAT: return Attribute(attr.f());
  case AttributeProto::INT:
    if (isDtypeAttribute(op, attr.name())) {
      TS_ASSIGN_OR_RETURN(DType dtype, dtypeFromOnnx(static_cast<int32_t>(attr.i())));
      return Attribute(std::string(dtypeName(dtype)));
    }
    return Attribute(static_cast<int64_t>(attr.i()));
  case AttributeProto::STRING: return Attribute(attr.s());
  case AttributeProto::FLOATS: return Attribute(graph::Floats(attr.floats().begin(), attr.floats().end()));
  case AttributeProto::INTS: return Attribute(graph::Ints(attr.ints().begin(), attr.ints().end()));
  case AttributeProto::STRINGS: return Attribute(graph::Strings(attr.strings().begin(), attr.strings().end()));
  case AttributeProto::TENSOR: {
    TS_ASSIGN_OR_RETURN(Tensor tensor, tensorFromProto(attr.t(), baseDir));
    return Attribute(std::move(tensor));
  }
  default:
    return absl::UnimplementedError(absl::StrFormat("%s attribute '%s' has an unsupported kind (graph, sparse tensor or type)", op, attr.name()));
  }
}

class GraphBuilder {
public:
  GraphBuilder(const onnx::ModelProto &model, const std::string &baseDir) : model_(model), baseDir_(baseDir) {}
  StatusOr<graph::Graph> build();

private:
  Status addInitializers();
  Status addInputs();
  Status addNode(const onnx::NodeProto &proto);
  Status addConstantNode(const onnx::NodeProto &proto, graph::Node &node);
  void recordValueInfo();
  /// Records an error that only matters if nothing is unsupported.
  void noteUnsupported(const Status &status, const std::string &op);

  const onnx::ModelProto &model_;
  std::string baseDir_;
  graph::Graph graph_;
  Unsupported unsupported_;
  Status firstError_;
  int64_t opset_ = 0;
};

void GraphBuilder::noteUnsupported(const Status &status, const std::string &op) {
  if (status.code() == absl::StatusCode::kUnimplemented) {
    if (!op.empty()) ++unsupported_.ops[op];
    else unsupported_.other.push_back(std::string(status.message()));
  } else if (firstError_.ok()) {
    firstError_ = status;
  }
}

Status GraphBuilder::addInitializers() {
  for (const auto &init : model_.graph().initializer()) {
    auto tensor = tensorFromProto(init, baseDir_);
    if (!tensor.ok()) {
      noteUnsupported(tensor.status(), "");
      continue;
    }
    graph_.setValue(init.name(), graph::typeOf(*tensor)).constant = std::move(*tensor);
  }
  return absl::OkStatus();
}

Status GraphBuilder::addInputs() {
  for (const auto &input : model_.graph().input()) {
    if (graph_.findValue(input.name())) continue; // an initializer listed as an input (IR < 4)
    auto type = typeFromValueInfo(input);
    if (!type.ok()) {
      noteUnsupported(type.status(), "");
      continue;
    }
    graph_.inputs.push_back(input.name());
    graph_.setValue(input.name(), *type);
  }
  return absl::OkStatus();
}

Status GraphBuilder::addConstantNode(const onnx::NodeProto &proto, graph::Node &node) {
  if (node.attrs.has("sparse_value") || proto.output_size() != 1)
    return absl::UnimplementedError("sparse Constant");
  const graph::AttributeMap &attrs = node.attrs;
  Tensor value;
  if (const Tensor *t = attrs.getTensor("value")) value = *t;
  else if (attrs.has("value_float")) { value = Tensor(DType::F32, {}); *value.data<float>() = attrs.getFloat("value_float", 0); }
  else if (attrs.has("value_int")) { value = Tensor(DType::I64, {}); *value.data<int64_t>() = attrs.getInt("value_int", 0); }
  else if (attrs.has("value_floats")) {
    graph::Floats f = attrs.getFloats("value_floats");
    value = Tensor(DType::F32, {int64_t(f.size())});
    std::copy(f.begin(), f.end(), value.data<float>());
  } else if (attrs.has("value_ints")) {
    graph::Ints v = attrs.getInts("value_ints");
    value = Tensor(DType::I64, {int64_t(v.size())});
    std::copy(v.begin(), v.end(), value.data<int64_t>());
  } else {
    return absl::UnimplementedError("Constant with a string or sparse value");
  }
  graph_.setValue(proto.output(0), graph::typeOf(value)).constant = std::move(value);
  return absl::OkStatus();
}

Status GraphBuilder::addNode(const onnx::NodeProto &proto) {
  bool knownDomain = proto.domain().empty() || proto.domain() == "ai.onnx";
  std::string op = knownDomain ? proto.op_type() : proto.domain() + "." + proto.op_type();
  if (!knownDomain || !graph::findInferRule(op)) return absl::UnimplementedError(op);
  graph::Node node;
  node.op = op;
  node.name = proto.name();
  node.inputs.assign(proto.input().begin(), proto.input().end());
  node.outputs.assign(proto.output().begin(), proto.output().end());
  for (const auto &attr : proto.attribute()) {
    auto value = convertAttribute(op, attr, baseDir_);
    if (!value.ok())
      return Status(value.status().code(), absl::StrFormat("%s attribute '%s': %s", op, attr.name(), value.status().message()));
    node.attrs.set(attr.name(), std::move(*value));
  }
  if (op == "Constant") {
    Status status = addConstantNode(proto, node);
    return status.ok() ? status : absl::UnimplementedError(op);
  }
  TS_RETURN_IF_ERROR(normalizeForOpset(node, opset_, graph_));
  graph_.nodes.push_back(std::move(node));
  return absl::OkStatus();
}

/// Seeds node results with ONNX's inferred types; tessera's rules refine them later.
void GraphBuilder::recordValueInfo() {
  auto record = [&](const onnx::ValueInfoProto &info) {
    graph::Value *value = graph_.findValue(info.name());
    if (value && value->constant) return;
    auto type = typeFromValueInfo(info);
    if (type.ok()) graph_.setValue(info.name(), *type);
  };
  for (const auto &info : model_.graph().value_info()) record(info);
  for (const auto &info : model_.graph().output()) record(info);
}

StatusOr<graph::Graph> GraphBuilder::build() {
  for (const auto &opset : model_.opset_import())
    if (opset.domain().empty() || opset.domain() == "ai.onnx") opset_ = opset.version();
  graph_.name = model_.graph().name().empty() ? "main" : model_.graph().name();
  for (char &c : graph_.name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.') c = '_';
  TS_RETURN_IF_ERROR(addInitializers());
  TS_RETURN_IF_ERROR(addInputs());
  for (const auto &proto : model_.graph().node()) {
    Status status = addNode(proto);
    // An unknown op comes back as its bare name; other messages are reported whole.
    bool bareOpName = status.message().find(' ') == absl::string_view::npos;
    if (!status.ok()) noteUnsupported(status, bareOpName ? std::string(status.message()) : "");
  }
  if (!unsupported_.empty()) return unsupported_.toStatus();
  TS_RETURN_IF_ERROR(firstError_);
  for (const auto &output : model_.graph().output()) graph_.outputs.push_back(output.name());
  recordValueInfo();
  TS_RETURN_IF_ERROR(graph::sortTopologically(graph_));
  TS_RETURN_IF_ERROR(graph::inferGraphTypes(graph_));
  TS_RETURN_IF_ERROR(graph::verifyGraph(graph_));
  return std::move(graph_);
}

} // namespace

StatusOr<graph::Graph> buildGraph(const onnx::ModelProto &model, const std::string &baseDir) {
  return GraphBuilder(model, baseDir).build();
}

} // namespace tessera::onnx_import
