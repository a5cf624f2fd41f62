//===- quant_accuracy.cpp - int8 vs fp32 agreement of a quantized model ----------===//
//
//   quant_accuracy model.onnx [--calibrate random:8] [--method percentile] [--inputs 100]
//
// Quantizes the model as `tessera quantize` does, then runs fp32 and int8 on the
// reference interpreter over seeded standard-normal inputs (seeds distinct from the
// calibration's) and reports top-1 agreement and the cosine similarity of the logits
// (mean and minimum), also centered on the mean fp32 logits, next to the mean cosine
// between the fp32 logits of consecutive inputs (the similarity that says nothing about
// quantization) and the number of distinct fp32 top-1 classes. docs/quantization.md records the figures for ResNet-18 and
// MobileNetV2 with the command.
//
//===----------------------------------------------------------------------===//
#include <chrono>
#include <cmath>
#include <iostream>
#include <set>

#include "compiler/interp/kernel_util.h"
#include "compiler/onnx/importer.h"
#include "compiler/quant/quantize_model.h"

namespace tessera {
namespace {

struct Args {
  std::string model, calibrate = "random:8", method = "percentile";
  int inputs = 100;
};

StatusOr<Args> parseArgs(int argc, char **argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    bool hasValue = i + 1 < argc;
    if (arg == "--calibrate" && hasValue) args.calibrate = argv[++i];
    else if (arg == "--method" && hasValue) args.method = argv[++i];
    else if (arg == "--inputs" && hasValue) args.inputs = std::atoi(argv[++i]);
    else if (!arg.empty() && arg[0] != '-' && args.model.empty()) args.model = arg;
    else return invalidInput("unknown argument '%s'", arg);
  }
  if (args.model.empty() || args.inputs <= 0)
    return invalidInput("usage: quant_accuracy model.onnx [--calibrate random:8] [--method m] [--inputs 100]");
  return args;
}

double cosine(const std::vector<float> &a, const std::vector<float> &b) {
  double dot = 0, na = 0, nb = 0;
  for (size_t i = 0; i < a.size(); ++i) dot += double(a[i]) * b[i], na += double(a[i]) * a[i], nb += double(b[i]) * b[i];
  return na > 0 && nb > 0 ? dot / std::sqrt(na * nb) : 0;
}

size_t argmax(const std::vector<float> &v) { return std::max_element(v.begin(), v.end()) - v.begin(); }

struct Agreement {
  double agreement = 0, cosine = 0, minCosine = 1, centered = 0, minCentered = 1, baseline = 0;
  int classes = 0;
};

/// Compares fp32 logits `a` with int8 logits `b`. The centered cosine subtracts the mean
/// fp32 logits over all inputs from both: random-weight models give logits dominated by
/// an input-independent vector (the fp32 logits of two inputs have cosine ~1), and the
/// centered cosine measures only the part that depends on the input.
Agreement compare(const std::vector<std::vector<float>> &a, const std::vector<std::vector<float>> &b) {
  Agreement r;
  size_t n = a.size(), width = a[0].size();
  std::vector<float> mean(width, 0);
  for (const auto &row : a)
    for (size_t j = 0; j < width; ++j) mean[j] += row[j] / float(n);
  std::set<size_t> classes;
  for (size_t i = 0; i < n; ++i) {
    std::vector<float> ca(width), cb(width);
    for (size_t j = 0; j < width; ++j) ca[j] = a[i][j] - mean[j], cb[j] = b[i][j] - mean[j];
    double c = cosine(a[i], b[i]), cc = cosine(ca, cb);
    r.agreement += argmax(a[i]) == argmax(b[i]) ? 100.0 / double(n) : 0;
    r.cosine += c / double(n);
    r.minCosine = std::min(r.minCosine, c);
    r.centered += cc / double(n);
    r.minCentered = std::min(r.minCentered, cc);
    if (i + 1 < n) r.baseline += cosine(a[i], a[i + 1]) / double(n - 1);
    classes.insert(argmax(a[i]));
  }
  r.classes = int(classes.size());
  return r;
}

StatusOr<std::vector<float>> logits(const graph::Graph &graph, const interp::TensorMap &input) {
  TS_ASSIGN_OR_RETURN(interp::TensorMap outputs, interp::runGraph(graph, input));
  return interp::toFloats(outputs.at(graph.outputs[0]));
}

Status run(const Args &args) {
  TS_ASSIGN_OR_RETURN(graph::Graph fp32, onnx_import::importOnnxFile(args.model));
  graph::Graph int8 = fp32;
  quant::QuantizeModelOptions options;
  options.calibrate = args.calibrate;
  TS_ASSIGN_OR_RETURN(options.quant.method, quant::parseCalibrationMethod(args.method));
  auto start = std::chrono::steady_clock::now();
  TS_ASSIGN_OR_RETURN(quant::QuantizeReport report, quant::quantizeModel(int8, options));
  double quantizeSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << report.summary();
  // Evaluation inputs use seeds the calibration (seed 0) does not.
  TS_ASSIGN_OR_RETURN(auto inputs, quant::randomSamples(fp32, args.inputs, /*seed=*/12345));
  std::vector<std::vector<float>> a, b;
  for (const interp::TensorMap &input : inputs) {
    TS_ASSIGN_OR_RETURN(std::vector<float> fp, logits(fp32, input));
    TS_ASSIGN_OR_RETURN(std::vector<float> q, logits(int8, input));
    a.push_back(std::move(fp));
    b.push_back(std::move(q));
  }
  Agreement result = compare(a, b);
  std::cout << absl::StrFormat("%s: calibrate %s, method %s, quantize %.1f s; %d inputs (%d distinct fp32 top-1 "
                               "classes): top-1 agreement %.1f%%, logit cosine mean %.5f min %.5f, centered logit "
                               "cosine mean %.4f min %.4f (fp32 vs fp32 of the next input: %.5f)\n",
                               args.model, args.calibrate, args.method, quantizeSeconds, args.inputs, result.classes,
                               result.agreement, result.cosine, result.minCosine, result.centered,
                               result.minCentered, result.baseline);
  return absl::OkStatus();
}

} // namespace
} // namespace tessera

int main(int argc, char **argv) {
  auto args = tessera::parseArgs(argc, argv);
  tessera::Status status = args.ok() ? tessera::run(*args) : args.status();
  if (status.ok()) return 0;
  std::cerr << "quant_accuracy: " << status.message() << "\n";
  return 1;
}
