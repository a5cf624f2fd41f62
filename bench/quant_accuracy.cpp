//===- quant_accuracy.cpp - int8 vs fp32 agreement of a quantized model ----------===//
//
//   quant_accuracy model.onnx [--calibrate random:8] [--method percentile] [--inputs 100]
//
// Quantizes the model as `tessera quantize` does, then runs fp32 and int8 on the
// reference interpreter over seeded standard-normal inputs (seeds distinct from the
// calibration's) and reports top-1 agreement and the cosine similarity of the logits
// (mean and minimum) next to the mean cosine between the fp32 logits of consecutive
// inputs, the similarity that says nothing about quantization. docs/quantization.md records the figures for ResNet-18 and
// MobileNetV2 with the command.
//
//===----------------------------------------------------------------------===//
#include <chrono>
#include <cmath>
#include <iostream>

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
  int agree = 0;
  double sumCosine = 0, minCosine = 1, sumBaseline = 0;
  std::vector<float> previous;
  for (const interp::TensorMap &input : inputs) {
    TS_ASSIGN_OR_RETURN(std::vector<float> a, logits(fp32, input));
    TS_ASSIGN_OR_RETURN(std::vector<float> b, logits(int8, input));
    // Reference: how similar the fp32 logits of two different inputs already are.
    if (!previous.empty()) sumBaseline += cosine(previous, a);
    previous = a;
    double c = cosine(a, b);
    agree += argmax(a) == argmax(b);
    sumCosine += c;
    minCosine = std::min(minCosine, c);
  }
  std::cout << absl::StrFormat("%s: calibrate %s, method %s, quantize %.1f s; %d inputs: top-1 agreement %.1f%%, "
                               "logit cosine mean %.5f min %.5f (fp32 vs fp32 of the next input: %.5f)\n",
                               args.model, args.calibrate, args.method, quantizeSeconds, args.inputs,
                               100.0 * agree / args.inputs, sumCosine / args.inputs, minCosine,
                               args.inputs > 1 ? sumBaseline / (args.inputs - 1) : 1.0);
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
