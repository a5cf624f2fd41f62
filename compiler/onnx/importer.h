//===- importer.h - ONNX models to the graph IR --------------------------------===//
//
// Import runs in two steps. loadOnnxModel parses the ModelProto, applies
// --input-shape overrides, runs ONNX's checker, converts very old opsets with ONNX's
// version converter and runs ONNX's shape inference. buildGraph then translates the
// graph: initializers and Constant nodes become constants (external data resolved
// against the model's directory), every node becomes a graph IR node with typed
// attributes, opset differences are normalized (docs/onnx-import.md), and the result
// is typed by tessera's own inference rules and verified.
//
// Every op the IR does not know is collected before failing, so the error lists them
// all with counts: "2 unsupported op types: Foo x3, Bar x1" (code Unimplemented).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <map>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

#include "compiler/graph/graph.h"

namespace tessera::onnx_import {

struct ImportOptions {
  /// Overrides for graph input shapes (dynamic dimensions in particular).
  std::map<std::string, Shape> inputShapes;
};

/// Parses "name:1x3x224x224" specs; errors name the bad spec.
StatusOr<std::map<std::string, Shape>> parseInputShapes(const std::vector<std::string> &specs);

/// Reads, checks and shape-infers a model file.
StatusOr<onnx::ModelProto> loadOnnxModel(const std::string &path, const ImportOptions &options);

/// Translates a loaded model; `baseDir` resolves external data.
StatusOr<graph::Graph> buildGraph(const onnx::ModelProto &model, const std::string &baseDir);

/// loadOnnxModel + buildGraph.
StatusOr<graph::Graph> importOnnxFile(const std::string &path, const ImportOptions &options = {});

/// The names of the model's real inputs (graph inputs that are not initializers), in order.
std::vector<std::string> modelInputNames(const onnx::ModelProto &model);

} // namespace tessera::onnx_import
