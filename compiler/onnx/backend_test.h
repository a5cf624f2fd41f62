//===- backend_test.h - Running ONNX backend test cases ------------------------===//
//
// An ONNX backend test case is a directory with model.onnx and test_data_set_*/
// holding input_<i>.pb and output_<i>.pb. A case passes when every data set's
// outputs match within ONNX's default tolerances (|a - e| <= atol + rtol * |e|,
// rtol 1e-3, atol 1e-7, NaN matching NaN). A suite runs every case under a root in
// its own forked process (a small worker pool), so a case that crashes, aborts or
// hangs is counted `crashed` and the suite goes on.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "support/tensor.h"

namespace tessera::graph {
class Graph;
}

namespace tessera::onnx_import {

struct CaseResult {
  std::string name;
  /// "passed", "failed", "unsupported" or "crashed".
  std::string status;
  std::string message;
};

struct SuiteReport {
  std::vector<CaseResult> cases;
  int count(const std::string &status) const;
  /// The report as JSON: {"total","passed","failed","unsupported","crashed","cases":[...]}.
  std::string toJson() const;
};

/// Where a case runs when not on the reference interpreter (a compiled back end).
/// `run` computes the graph outputs; `fallbackCount` says how many nodes of the graph
/// that target leaves to the reference interpreter: a passing case with fallbacks is
/// reported as "ref_fallback", not "passed".
struct CaseTarget {
  std::function<StatusOr<std::map<std::string, Tensor>>(const graph::Graph &, const std::map<std::string, Tensor> &)> run;
  std::function<StatusOr<int>(const graph::Graph &)> fallbackCount;
};

struct SuiteOptions {
  int workers = 2;
  int timeoutSeconds = 60;
  /// Null: the reference interpreter.
  const CaseTarget *target = nullptr;
};

/// Compares with ONNX's tolerances; the error says where and by how much.
Status compareTensors(const Tensor &expected, const Tensor &actual, double rtol = 1e-3, double atol = 1e-7);

/// Runs one case in this process on the reference interpreter (or `target`).
CaseResult runBackendTestCase(const std::string &caseDir, const CaseTarget *target = nullptr);

/// Case directories (holding model.onnx) under `root`, sorted.
std::vector<std::string> findTestCases(const std::string &root);

/// Runs every case under `root`, each in a forked child.
SuiteReport runBackendTestSuite(const std::string &root, const SuiteOptions &options);

} // namespace tessera::onnx_import
