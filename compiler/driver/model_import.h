//===- model_import.h - Reading a model into the graph IR --------------------------===//
//
// The first stage of every pipeline: an .onnx file is imported (with --input-shape
// overrides), graph IR text is parsed and verified, and a graph given in memory is
// verified and taken as is.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>
#include <vector>

#include "compiler/driver/driver.h"
#include "compiler/graph/graph.h"

namespace tessera::driver {

/// Imports an .onnx model or parses and verifies graph IR text.
StatusOr<graph::Graph> readGraphFile(const std::string &path, const std::vector<std::string> &inputShapes = {});

/// The source's graph: the in-memory one when set, else read from its file.
StatusOr<graph::Graph> importModel(const ModelSource &model);

} // namespace tessera::driver
