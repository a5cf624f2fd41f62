//===- backend_test.cpp - Running one ONNX backend test case -------------------===//
#include "compiler/onnx/backend_test.h"

#include <cmath>
#include <filesystem>

#include "compiler/graph/dtype_dispatch.h"
#include "compiler/interp/interpreter.h"
#include "compiler/onnx/importer.h"
#include "compiler/onnx/onnx_tensor.h"

namespace tessera::onnx_import {
namespace fs = std::filesystem;

Status compareTensors(const Tensor &expected, const Tensor &actual, double rtol, double atol) {
  if (expected.dtype() != actual.dtype())
    return invalidInput("expected %s elements, got %s", std::string(dtypeName(expected.dtype())),
                        std::string(dtypeName(actual.dtype())));
  if (expected.shape() != actual.shape())
    return invalidInput("expected shape %s, got %s", shapeToString(expected.shape()), shapeToString(actual.shape()));
  bool exact = !graph::isFloatType(expected.dtype());
  int64_t mismatches = 0, first = -1;
  double firstExpected = 0, firstActual = 0;
  for (int64_t i = 0; i < expected.elementCount(); ++i) {
    double e = graph::loadAsDouble(expected.dtype(), expected.bytes(), i);
    double a = graph::loadAsDouble(actual.dtype(), actual.bytes(), i);
    bool ok = exact ? graph::loadAsInt(expected.dtype(), expected.bytes(), i) == graph::loadAsInt(actual.dtype(), actual.bytes(), i)
                    : (std::isnan(e) && std::isnan(a)) || e == a || std::fabs(a - e) <= atol + rtol * std::fabs(e);
    if (ok) continue;
    if (mismatches++ == 0) {
      first = i;
      firstExpected = e;
      firstActual = a;
    }
  }
  if (mismatches == 0) return absl::OkStatus();
  return invalidInput("%d of %d elements differ; first at index %d: expected %g, got %g", mismatches,
                      expected.elementCount(), first, firstExpected, firstActual);
}

namespace {

CaseResult classify(const std::string &name, const Status &status) {
  if (status.ok()) return {name, "passed", ""};
  bool unsupported = status.code() == absl::StatusCode::kUnimplemented;
  return {name, unsupported ? "unsupported" : "failed", std::string(status.message())};
}

std::vector<fs::path> sortedFiles(const fs::path &dir, const std::string &prefix) {
  std::vector<fs::path> files;
  for (size_t i = 0;; ++i) {
    fs::path file = dir / (prefix + std::to_string(i) + ".pb");
    if (!fs::exists(file)) break;
    files.push_back(file);
  }
  return files;
}

Status runDataSet(const graph::Graph &graph, const std::vector<std::string> &inputNames, const fs::path &dataDir,
                  const CaseTarget *target) {
  interp::TensorMap inputs;
  std::vector<fs::path> inputFiles = sortedFiles(dataDir, "input_");
  for (size_t i = 0; i < inputFiles.size() && i < inputNames.size(); ++i) {
    TS_ASSIGN_OR_RETURN(Tensor tensor, readTensorProtoFile(inputFiles[i].string()));
    inputs[inputNames[i]] = std::move(tensor);
  }
  TS_ASSIGN_OR_RETURN(interp::TensorMap outputs, target ? target->run(graph, inputs) : interp::runGraph(graph, inputs));
  std::vector<fs::path> outputFiles = sortedFiles(dataDir, "output_");
  if (outputFiles.size() != graph.outputs.size())
    return invalidInput("%s has %d expected outputs, the graph has %d", dataDir.string(), outputFiles.size(), graph.outputs.size());
  for (size_t i = 0; i < outputFiles.size(); ++i) {
    TS_ASSIGN_OR_RETURN(Tensor expected, readTensorProtoFile(outputFiles[i].string()));
    Status match = compareTensors(expected, outputs.at(graph.outputs[i]));
    if (!match.ok()) return annotate(match, absl::StrCat(dataDir.filename().string(), " output ", i, " (%", graph.outputs[i], ")"));
  }
  return absl::OkStatus();
}

} // namespace

CaseResult runBackendTestCase(const std::string &caseDir, const CaseTarget *target) {
  std::string name = fs::path(caseDir).filename().string();
  auto model = loadOnnxModel(caseDir + "/model.onnx", {});
  if (!model.ok()) return classify(name, model.status());
  auto graph = buildGraph(*model, caseDir);
  if (!graph.ok()) return classify(name, graph.status());
  std::vector<std::string> inputNames;
  for (const std::string &input : modelInputNames(*model))
    if (graph->findValue(input) && !graph->constantOf(input)) inputNames.push_back(input);
  std::vector<fs::path> dataSets;
  for (const auto &entry : fs::directory_iterator(caseDir))
    if (entry.is_directory() && entry.path().filename().string().rfind("test_data_set_", 0) == 0) dataSets.push_back(entry.path());
  std::sort(dataSets.begin(), dataSets.end());
  if (dataSets.empty()) return {name, "failed", "no test_data_set_* directories"};
  for (const fs::path &dataSet : dataSets) {
    Status status = runDataSet(*graph, inputNames, dataSet, target);
    if (!status.ok()) return classify(name, status);
  }
  if (target && target->fallbackCount) {
    auto fallbacks = target->fallbackCount(*graph);
    if (!fallbacks.ok()) return classify(name, fallbacks.status());
    if (*fallbacks > 0) return {name, "ref_fallback", absl::StrCat(*fallbacks, " node(s) on the reference interpreter")};
  }
  return {name, "passed", ""};
}

std::vector<std::string> findTestCases(const std::string &root) {
  std::vector<std::string> cases;
  std::error_code error;
  if (fs::exists(fs::path(root) / "model.onnx")) return {root};
  for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::follow_directory_symlink, error); !error && it != fs::recursive_directory_iterator(); it.increment(error))
    if (it->is_regular_file() && it->path().filename() == "model.onnx") cases.push_back(it->path().parent_path().string());
  std::sort(cases.begin(), cases.end());
  return cases;
}

} // namespace tessera::onnx_import
