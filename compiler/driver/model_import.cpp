//===- model_import.cpp - Reading a model into the graph IR -------------------------===//
#include "compiler/driver/model_import.h"

#include "compiler/graph/parser.h"
#include "compiler/graph/verifier.h"
#include "compiler/onnx/importer.h"
#include "support/file_io.h"

namespace tessera::driver {

StatusOr<graph::Graph> readGraphFile(const std::string &path, const std::vector<std::string> &inputShapes) {
  if (path.ends_with(".onnx")) {
    TS_ASSIGN_OR_RETURN(auto shapes, onnx_import::parseInputShapes(inputShapes));
    return onnx_import::importOnnxFile(path, {shapes});
  }
  if (!inputShapes.empty()) return invalidInput("--input-shape applies to .onnx inputs only");
  TS_ASSIGN_OR_RETURN(std::string text, readTextFile(path));
  auto graph = graph::parseGraph(text);
  if (!graph.ok()) return annotate(graph.status(), path);
  TS_RETURN_IF_ERROR(annotate(graph::verifyGraph(*graph), path));
  return graph;
}

StatusOr<graph::Graph> importModel(const ModelSource &model) {
  if (!model.graph) return readGraphFile(model.path, model.inputShapes);
  TS_RETURN_IF_ERROR(annotate(graph::verifyGraph(*model.graph), model.path.empty() ? "the model" : model.path));
  return *model.graph;
}

} // namespace tessera::driver
