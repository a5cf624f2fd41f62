//===- accel_model.cpp - compile --target accel, and running compiled models ----------===//
#include "tools/accel_model.h"

#include <cmath>
#include <filesystem>
#include <iostream>

#include "compiler/accel/host_model.h"
#include "compiler/accel/layouts.h"
#include "compiler/accel/model_compiler.h"
#include "compiler/graph/printer.h"
#include "compiler/interp/interpreter.h"
#include "compiler/quant/quantize_model.h"
#include "runtime/device.h"
#include "support/file_io.h"
#include "support/npy.h"
#include "tools/model_input.h"

namespace tessera::cli {

namespace {

bool isQuantized(const graph::Graph &graph) {
  for (const graph::Node &node : graph.nodes)
    if (node.op.starts_with("Q") && node.op != "QuantizeLinear") return true;
  return false;
}

/// The int8 graph: quantized with calibration, or read as is when already quantized.
StatusOr<graph::Graph> quantizedGraph(const AccelCompileArgs &args) {
  TS_ASSIGN_OR_RETURN(graph::Graph graph, readGraphFile(args.model, args.inputShapes));
  if (!args.calibrate) {
    if (isQuantized(graph)) return graph;
    return invalidInput("'%s' is an fp32 model: give --calibrate <folder of .npy | random:N> to quantize it", args.model);
  }
  quant::QuantizeModelOptions options;
  options.calibrate = *args.calibrate;
  options.seed = args.seed;
  TS_ASSIGN_OR_RETURN(options.quant.method, quant::parseCalibrationMethod(args.method));
  TS_ASSIGN_OR_RETURN(quant::QuantizeReport report, quant::quantizeModel(graph, options));
  std::cout << report.summary();
  return graph;
}

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

StatusOr<accel::TensorMap> readModelInputs(const accel::HostModel &model, const AccelRunArgs &args) {
  std::vector<InputSpec> specs;
  for (const accel::HostInput &input : model.inputs) specs.push_back(InputSpec{input.name, input.dtype, input.shape});
  return readInputTensors(specs, args.inputs, args.randomSeed);
}

/// "logits: f32[1,10] argmax 7 (value 12.3)".
std::string describeOutput(const std::string &name, const Tensor &tensor) {
  std::string text = strCat(name, ": ", dtypeName(tensor.dtype()), " ", shapeToString(tensor.shape()));
  if (tensor.dtype() != DType::F32 || tensor.elementCount() == 0) return text;
  const float *data = tensor.data<float>();
  int64_t best = std::max_element(data, data + tensor.elementCount()) - data;
  return strCat(text, absl::StrFormat("  prediction (argmax): %d  (value %.4g)", best, data[best]));
}

/// After a mismatch: the first reference node (in graph order) whose int8 result differs
/// from the value the accelerator left in DRAM (every activation has its own tensor).
std::string firstDivergence(const graph::Graph &reference, const accel::TensorMap &inputs, const runtime::Device &device) {
  std::vector<std::pair<const graph::Node *, Tensor>> results;
  auto observer = [&](const graph::Node &node, const std::vector<Tensor> &outputs) {
    if (!outputs.empty()) results.emplace_back(&node, outputs[0]);
  };
  if (!interp::runGraph(reference, inputs, observer).ok()) return "";
  for (const auto &[node, want] : results) {
    const isa::TensorInfo *tensor = device.program().findTensor(node->outputs[0]);
    if (!tensor || want.dtype() != DType::I8 || want.shape().size() < 2) continue;
    auto blocked = device.readTensor(tensor->name);
    if (!blocked.ok()) continue;
    auto image = accel::unpackActivation(*blocked, want.shape()[1]);
    if (!image.ok() || image->byteSize() != want.byteSize()) continue;
    int64_t differing = 0, maxDiff = 0;
    for (int64_t i = 0; i < want.elementCount(); ++i) {
      int64_t diff = std::abs(int64_t(image->data<int8_t>()[i]) - int64_t(want.data<int8_t>()[i]));
      differing += diff != 0;
      maxDiff = std::max(maxDiff, diff);
    }
    if (differing)
      return absl::StrFormat("first divergence: %s: %d of %d elements differ (max |diff| %d)", node->describe(), differing,
                             want.elementCount(), maxDiff);
  }
  return "";
}

Status checkAgainstReference(const std::string &path, const accel::TensorMap &inputs, const accel::TensorMap &outputs,
                             const runtime::Device &device) {
  TS_ASSIGN_OR_RETURN(graph::Graph reference, readGraphFile(path));
  auto expected = interp::runGraph(reference, inputs);
  if (!expected.ok()) return annotate(expected.status(), strCat("reference '", path, "'"));
  for (const auto &[name, want] : *expected) {
    auto got = outputs.find(name);
    if (got == outputs.end()) return invalidInput("reference output '%s' is not an output of the compiled model", name);
    if (got->second.dtype() != want.dtype() || got->second.shape() != want.shape() || got->second.storage() != want.storage())
      return invalidInput("output '%s' differs from the reference interpreter running '%s'; %s", name, path,
                          firstDivergence(reference, inputs, device));
  }
  std::cout << "reference: every output is bit-identical to the interpreter running " << path << "\n";
  return absl::OkStatus();
}

Status writeModelOutputs(const accel::TensorMap &outputs, const std::string &dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) return invalidInput("cannot create output directory '%s': %s", dir, error.message());
  for (const auto &[name, tensor] : outputs) TS_RETURN_IF_ERROR(writeNpyFile(dir + "/" + name + ".npy", tensor));
  return absl::OkStatus();
}

} // namespace

Status compileForAccelTarget(const AccelCompileArgs &args) {
  auto start = std::chrono::steady_clock::now();
  if (args.configPath.empty()) return invalidInput("--target accel needs --config <hardware config JSON>");
  TS_ASSIGN_OR_RETURN(isa::HardwareConfig config, isa::loadConfigFile(args.configPath));
  TS_ASSIGN_OR_RETURN(graph::Graph graph, quantizedGraph(args));
  if (!args.emitQuantized.empty()) TS_RETURN_IF_ERROR(writeTextFile(args.emitQuantized, graph::printGraph(graph)));
  accel::LoweringOptions options;
  options.virtualThreads = args.virtualThreads;
  TS_ASSIGN_OR_RETURN(accel::CompiledModel model, accel::compileForAccelerator(graph, config, options));
  TS_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, isa::writeBinary(model.program, config));
  TS_RETURN_IF_ERROR(writeBinaryFile(args.output, bytes));
  std::cout << model.summary(config);
  std::cout << absl::StrFormat("wrote %s (%d bytes) in %.2f s\n", args.output, bytes.size(), secondsSince(start));
  return absl::OkStatus();
}

StatusOr<nlohmann::json> runCompiledModel(isa::LoadedBinary binary, const AccelRunArgs &args) {
  TS_ASSIGN_OR_RETURN(accel::HostModel model, accel::HostModel::fromJson(binary.program.host));
  TS_ASSIGN_OR_RETURN(auto device, runtime::Device::open(args.backend, binary.config));
  TS_RETURN_IF_ERROR(device->load(std::move(binary.program)));
  TS_ASSIGN_OR_RETURN(accel::TensorMap inputs, readModelInputs(model, args));
  runtime::RunResult result;
  TS_ASSIGN_OR_RETURN(accel::TensorMap outputs, accel::runHostModel(model, *device, inputs, args.options, result));
  for (const auto &[name, tensor] : outputs) std::cout << describeOutput(name, tensor) << "\n";
  if (!args.outputDir.empty()) TS_RETURN_IF_ERROR(writeModelOutputs(outputs, args.outputDir));
  if (!args.referencePath.empty()) TS_RETURN_IF_ERROR(checkAgainstReference(args.referencePath, inputs, outputs, *device));
  return device->report(result);
}

} // namespace tessera::cli
