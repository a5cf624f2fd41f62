//===- importer_test.cpp - ONNX import: ops, shapes, constants, external data --===//
#include "compiler/onnx/importer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "compiler/graph/parser.h"
#include "compiler/graph/printer.h"
#include "compiler/graph/verifier.h"

namespace tessera::onnx_import {
namespace {

namespace fs = std::filesystem;

/// A scratch directory per test.
std::string scratchDir(const std::string &name) {
  fs::path dir = fs::path(TESSERA_BINARY_DIR) / "test_scratch" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

onnx::ModelProto newModel(int64_t opset = 13) {
  onnx::ModelProto model;
  model.set_ir_version(8);
  auto *import = model.add_opset_import();
  import->set_domain("");
  import->set_version(opset);
  model.mutable_graph()->set_name("g");
  return model;
}

void addTensorValue(google::protobuf::RepeatedPtrField<onnx::ValueInfoProto> *list, const std::string &name,
                    const std::vector<int64_t> &dims, const std::string &symbol = "") {
  auto *value = list->Add();
  value->set_name(name);
  auto *type = value->mutable_type()->mutable_tensor_type();
  type->set_elem_type(onnx::TensorProto::FLOAT);
  auto *shape = type->mutable_shape();
  for (int64_t dim : dims) {
    if (dim < 0) shape->add_dim()->set_dim_param(symbol);
    else shape->add_dim()->set_dim_value(dim);
  }
}

onnx::NodeProto *addNode(onnx::ModelProto &model, const std::string &op, std::vector<std::string> inputs,
                         std::vector<std::string> outputs, const std::string &domain = "") {
  auto *node = model.mutable_graph()->add_node();
  node->set_op_type(op);
  node->set_domain(domain);
  for (const auto &input : inputs) node->add_input(input);
  for (const auto &output : outputs) node->add_output(output);
  return node;
}

std::string save(const onnx::ModelProto &model, const std::string &dir) {
  std::string path = dir + "/model.onnx";
  std::ofstream out(path, std::ios::binary);
  model.SerializeToOstream(&out);
  return path;
}

TEST(OnnxImport, ListsEveryUnsupportedOpWithCounts) {
  onnx::ModelProto model = newModel();
  auto *ml = model.add_opset_import();
  ml->set_domain("ai.onnx.ml");
  ml->set_version(1);
  addTensorValue(model.mutable_graph()->mutable_input(), "x", {2, 3});
  addNode(model, "Binarizer", {"x"}, {"a"}, "ai.onnx.ml");
  addNode(model, "Relu", {"a"}, {"b"});
  addNode(model, "Normalizer", {"b"}, {"c"}, "ai.onnx.ml");
  addNode(model, "Binarizer", {"c"}, {"d"}, "ai.onnx.ml");
  addTensorValue(model.mutable_graph()->mutable_output(), "d", {2, 3});
  auto graph = importOnnxFile(save(model, scratchDir("unsupported")));
  ASSERT_FALSE(graph.ok());
  EXPECT_EQ(graph.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_NE(graph.status().message().find("2 unsupported op types: ai.onnx.ml.Binarizer \u00d72, ai.onnx.ml.Normalizer \u00d71"),
            std::string::npos)
      << graph.status();
}

TEST(OnnxImport, InputShapeOverridesDynamicDimensions) {
  onnx::ModelProto model = newModel();
  addTensorValue(model.mutable_graph()->mutable_input(), "x", {-1, 3}, "N");
  addNode(model, "Relu", {"x"}, {"y"});
  addTensorValue(model.mutable_graph()->mutable_output(), "y", {-1, 3}, "N");
  std::string path = save(model, scratchDir("input_shape"));
  auto dynamic = importOnnxFile(path);
  ASSERT_TRUE(dynamic.ok()) << dynamic.status();
  EXPECT_EQ(graph::typeToString(dynamic->typeOf("y")), "f32[?,3]");
  auto shapes = parseInputShapes({"x:4x3"});
  ASSERT_TRUE(shapes.ok());
  auto fixed = importOnnxFile(path, {*shapes});
  ASSERT_TRUE(fixed.ok()) << fixed.status();
  EXPECT_EQ(graph::typeToString(fixed->typeOf("y")), "f32[4,3]");
  auto wrong = importOnnxFile(path, {{{"nope", {1}}}});
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.status().message().find("--input-shape names 'nope', which is not a model input"), std::string::npos);
  EXPECT_FALSE(parseInputShapes({"x1x2"}).ok());
}

TEST(OnnxImport, InitializersConstantsAndExternalData) {
  std::string dir = scratchDir("external");
  float weights[3] = {1.5f, -2.f, 4.f};
  std::ofstream(dir + "/w.bin", std::ios::binary).write(reinterpret_cast<const char *>(weights), sizeof(weights));
  onnx::ModelProto model = newModel();
  auto *init = model.mutable_graph()->add_initializer();
  init->set_name("w");
  init->set_data_type(onnx::TensorProto::FLOAT);
  init->add_dims(3);
  init->set_data_location(onnx::TensorProto::EXTERNAL);
  auto *location = init->add_external_data();
  location->set_key("location");
  location->set_value("w.bin");
  addTensorValue(model.mutable_graph()->mutable_input(), "x", {3});
  addNode(model, "Add", {"x", "w"}, {"s"});
  auto *cast = addNode(model, "Cast", {"s"}, {"y"});
  auto *to = cast->add_attribute();
  to->set_name("to");
  to->set_type(onnx::AttributeProto::INT);
  to->set_i(onnx::TensorProto::INT64);
  auto *output = model.mutable_graph()->add_output();
  output->set_name("y");
  output->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::INT64);
  output->mutable_type()->mutable_tensor_type()->mutable_shape()->add_dim()->set_dim_value(3);
  auto graph = importOnnxFile(save(model, dir));
  ASSERT_TRUE(graph.ok()) << graph.status();
  const Tensor *w = graph->constantOf("w");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->data<float>()[2], 4.f);
  EXPECT_EQ(graph->nodes[1].attrs.getString("to", ""), "i64");
  EXPECT_EQ(graph::typeToString(graph->typeOf("y")), "i64[3]");
  // The imported graph prints, parses back and verifies.
  auto reparsed = graph::parseGraph(graph::printGraph(*graph));
  ASSERT_TRUE(reparsed.ok()) << reparsed.status();
  EXPECT_TRUE(graph::verifyGraph(*reparsed).ok());

  std::ofstream(dir + "/../w.bin", std::ios::binary).write(reinterpret_cast<const char *>(weights), sizeof(weights));
  location->set_value("../w.bin");
  auto escaped = importOnnxFile(save(model, dir));
  ASSERT_FALSE(escaped.ok());
  EXPECT_NE(escaped.status().message().find("leaves the model directory"), std::string::npos) << escaped.status();
}

TEST(OnnxImport, RejectsGarbageAndCheckerFailures) {
  std::string dir = scratchDir("garbage");
  std::ofstream(dir + "/model.onnx") << "not a protobuf";
  auto garbage = importOnnxFile(dir + "/model.onnx");
  ASSERT_FALSE(garbage.ok());
  onnx::ModelProto model = newModel();
  addTensorValue(model.mutable_graph()->mutable_input(), "x", {3});
  addNode(model, "Relu", {"x", "x", "x"}, {"y"}); // Relu takes one input
  addTensorValue(model.mutable_graph()->mutable_output(), "y", {3});
  auto bad = importOnnxFile(save(model, dir));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("ONNX checker"), std::string::npos) << bad.status();
}

// libonnx's checker, converter and shape inference read tensors by their dims: every
// inline payload is compared with them before any of it runs, naming the tensor and,
// for an attribute, the node.
TEST(OnnxImport, AShortPayloadIsRefusedBeforeLibonnxReadsIt) {
  std::string dir = scratchDir("short_payload");
  onnx::ModelProto model = newModel();
  addTensorValue(model.mutable_graph()->mutable_input(), "x", {2, 3});
  auto *constant = addNode(model, "Constant", {}, {"shape"});
  constant->set_name("c");
  auto *value = constant->add_attribute();
  value->set_name("value");
  value->set_type(onnx::AttributeProto::TENSOR);
  value->mutable_t()->set_name("v");
  value->mutable_t()->set_data_type(onnx::TensorProto::INT64);
  value->mutable_t()->add_dims(4);
  value->mutable_t()->set_raw_data(std::string(8, '\0'));
  addNode(model, "Reshape", {"x", "shape"}, {"y"});
  addTensorValue(model.mutable_graph()->mutable_output(), "y", {6});
  auto graph = importOnnxFile(save(model, dir));
  ASSERT_FALSE(graph.ok());
  EXPECT_NE(graph.status().message().find("Constant node 'c' attribute 'value': tensor 'v' has 8 raw bytes, its shape needs 32"),
            std::string::npos)
      << graph.status();

  // A sparse initializer whose indices hold fewer elements than their dims say.
  onnx::ModelProto sparse = newModel();
  addTensorValue(sparse.mutable_graph()->mutable_input(), "x", {4});
  auto *init = sparse.mutable_graph()->add_sparse_initializer();
  init->add_dims(4);
  init->mutable_values()->set_name("s");
  init->mutable_values()->set_data_type(onnx::TensorProto::FLOAT);
  init->mutable_values()->add_dims(2);
  init->mutable_values()->add_float_data(1.f);
  init->mutable_values()->add_float_data(2.f);
  init->mutable_indices()->set_name("s_indices");
  init->mutable_indices()->set_data_type(onnx::TensorProto::INT64);
  init->mutable_indices()->add_dims(2);
  init->mutable_indices()->add_int64_data(0);
  addNode(sparse, "Add", {"x", "s"}, {"y"});
  addTensorValue(sparse.mutable_graph()->mutable_output(), "y", {4});
  auto refused = importOnnxFile(save(sparse, dir));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("tensor 's_indices' has 1 elements but its shape needs 2"), std::string::npos)
      << refused.status();
}

TEST(OnnxImport, LegacySoftmaxCoercesTo2d) {
  onnx::ModelProto model = newModel(11);
  addTensorValue(model.mutable_graph()->mutable_input(), "x", {2, 3, 4});
  addNode(model, "Softmax", {"x"}, {"y"});
  addTensorValue(model.mutable_graph()->mutable_output(), "y", {2, 3, 4});
  auto graph = importOnnxFile(save(model, scratchDir("softmax")));
  ASSERT_TRUE(graph.ok()) << graph.status();
  EXPECT_EQ(graph->nodes[0].attrs.getInt("coerce_2d", 0), 1);
}

} // namespace
} // namespace tessera::onnx_import
