//===- model_input.cpp - Models and input tensors for CLI commands --------------------===//
#include "tools/model_input.h"

#include <algorithm>

#include "compiler/graph/parser.h"
#include "compiler/graph/verifier.h"
#include "compiler/onnx/importer.h"
#include "support/file_io.h"
#include "tools/program_input.h"

namespace tessera::cli {

StatusOr<graph::Graph> readGraphFile(const std::string &path, const std::vector<std::string> &inputShapes) {
  if (path.ends_with(".onnx")) {
    TS_ASSIGN_OR_RETURN(auto shapes, onnx_import::parseInputShapes(inputShapes));
    return onnx_import::importOnnxFile(path, {shapes});
  }
  if (!inputShapes.empty()) return invalidInput("--input-shape applies to .onnx models only");
  TS_ASSIGN_OR_RETURN(std::string text, readTextFile(path));
  auto graph = graph::parseGraph(text);
  if (!graph.ok()) return annotate(graph.status(), path);
  TS_RETURN_IF_ERROR(annotate(graph::verifyGraph(*graph), path));
  return graph;
}

std::vector<InputSpec> inputSpecsOf(const graph::Graph &graph) {
  std::vector<InputSpec> specs;
  for (const std::string &name : graph.inputs)
    if (!graph.constantOf(name)) specs.push_back(InputSpec{name, graph.typeOf(name).dtype, graph.typeOf(name).shape});
  return specs;
}

StatusOr<std::map<std::string, Tensor>> readInputTensors(const std::vector<InputSpec> &specs,
                                                         const std::vector<std::string> &inputArgs,
                                                         std::optional<uint64_t> randomSeed) {
  std::map<std::string, std::string> files;
  for (const std::string &input : inputArgs) {
    auto [name, path] = splitOnce(input, '=');
    if (name.empty() || path.empty()) return invalidInput("--input '%s' must be NAME=FILE", input);
    files[std::string(name)] = std::string(path);
  }
  for (const auto &[name, path] : files) {
    bool known = std::any_of(specs.begin(), specs.end(), [&](const InputSpec &spec) { return spec.name == name; });
    if (!known) return invalidInput("--input names '%s', which is not an input of the model", name);
  }
  std::map<std::string, Tensor> inputs;
  uint64_t index = 0;
  for (const InputSpec &spec : specs) {
    ++index;
    auto file = files.find(spec.name);
    if (file != files.end()) {
      TS_ASSIGN_OR_RETURN(inputs[spec.name], readTensorFile(file->second));
      files.erase(file);
    } else if (randomSeed) {
      inputs[spec.name] = randomTensor(spec.dtype, spec.shape, *randomSeed + index);
    } else {
      return invalidInput("no value for input '%s' (%s %s): give --input %s=FILE.npy or --random-inputs SEED", spec.name,
                          dtypeName(spec.dtype), shapeToString(spec.shape), spec.name);
    }
  }
  return inputs;
}

} // namespace tessera::cli
