//===- cmd_onnx_test.cpp - `tessera onnx-test`: ONNX backend test cases --------===//
//
//   tessera onnx-test <case-dir> --target ref
//   tessera onnx-test --suite <root> --target ref --report r.json [--min-passed N]
//
// One case: prints its status and exits 0 when it passes. A suite: runs every case
// under the root in isolated child processes, prints the totals, writes the JSON
// report, and exits non-zero when any case crashed or fewer than --min-passed passed.
//
//===----------------------------------------------------------------------===//
#include <iostream>
#include <thread>

#include "compiler/onnx/backend_test.h"
#include "support/file_io.h"
#include "tools/command.h"
#include "compiler/driver/cpu_model.h"

namespace po = boost::program_options;

namespace tessera::cli {
namespace {

constexpr const char *kUsage =
    "<case-dir> --target ref | --suite <root> --target ref [--report r.json] [--min-passed N]";

int runSuite(const po::variables_map &vm, const onnx_import::CaseTarget *target) {
  onnx_import::SuiteOptions options;
  options.target = target;
  options.workers = vm["workers"].as<int>();
  options.timeoutSeconds = vm["timeout"].as<int>();
  onnx_import::SuiteReport report = onnx_import::runBackendTestSuite(vm["suite"].as<std::string>(), options);
  if (vm.count("verbose"))
    for (const auto &result : report.cases)
      if (result.status != "passed") std::cout << result.status << " " << result.name << ": " << result.message << "\n";
  int passed = report.count("passed"), crashed = report.count("crashed");
  std::cout << "total " << report.cases.size() << ", passed " << passed << ", failed " << report.count("failed")
            << ", unsupported " << report.count("unsupported") << ", crashed " << crashed
            << ", ref_fallback " << report.count("ref_fallback") << "\n";
  if (vm.count("report")) {
    Status status = writeTextFile(vm["report"].as<std::string>(), report.toJson());
    if (!status.ok()) return reportError("onnx-test", status);
  }
  int minimum = vm["min-passed"].as<int>();
  if (passed < minimum) std::cerr << "tessera onnx-test: " << passed << " passed, below the baseline of " << minimum << "\n";
  if (crashed > 0) std::cerr << "tessera onnx-test: " << crashed << " case(s) crashed\n";
  return passed < minimum || crashed > 0 ? 1 : 0;
}

} // namespace

int runOnnxTestCommand(const std::vector<std::string> &args) {
  po::options_description options("options");
  options.add_options()("case", po::value<std::string>(), "an ONNX backend test case directory")(
      "suite", po::value<std::string>(), "run every case under this directory")(
      "target", po::value<std::string>()->default_value("ref"), "where to run: ref (the reference interpreter) or cpu (compiled kernels; a pass with nodes left to the interpreter counts as ref_fallback)")(
      "report", po::value<std::string>(), "write the suite's JSON report here")(
      "min-passed", po::value<int>()->default_value(0), "fail when fewer cases pass (the committed baseline)")(
      "workers", po::value<int>()->default_value(std::max(1u, std::thread::hardware_concurrency())), "parallel cases")(
      "timeout", po::value<int>()->default_value(60), "seconds before a case counts as crashed")(
      "verbose,v", "print every case that did not pass");
  po::positional_options_description positional;
  positional.add("case", 1);
  po::variables_map vm;
  int exitCode = 0;
  if (!parseCommandLine("onnx-test", kUsage, args, options, positional, vm, exitCode)) return exitCode;
  const std::string &targetName = vm["target"].as<std::string>();
  if (targetName != "ref" && targetName != "cpu")
    return reportError("onnx-test", invalidInput("unknown target '%s' (available: ref, cpu)", targetName));
  onnx_import::CaseTarget cpu = driver::cpuCaseTarget();
  const onnx_import::CaseTarget *target = targetName == "cpu" ? &cpu : nullptr;
  if (vm.count("suite")) return runSuite(vm, target);
  if (!vm.count("case")) return reportError("onnx-test", invalidInput("give a case directory or --suite <root>"));
  onnx_import::CaseResult result = onnx_import::runBackendTestCase(vm["case"].as<std::string>(), target);
  std::cout << result.status << " " << result.name << (result.message.empty() ? "" : ": " + result.message) << "\n";
  return result.status == "passed" ? 0 : 1;
}

} // namespace tessera::cli
