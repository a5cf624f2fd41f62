//===- gpu_model_bench.cpp - A model's NVPTX kernels timed on the GPU -----------------===//
//
// Plans a model for the nvptx target (the cpu target's kernel groups, each scheduled
// for the GPU), runs the kernels on CUDA device 0, checks the outputs against the cpu
// target's JIT-compiled kernels on the same inputs, and prints the time of a forward
// pass (inputs already on the device, outputs copied back), each the median of
// --repeat runs, and the slowest kernels (CUDA events). Exit status 77 without a GPU.
// Inputs without --input are seeded random tensors (the same on every machine), so the
// cpu target's output can be computed ahead, elsewhere (--save-reference, no GPU
// needed) and checked against later (--reference).
//
//   gpu_model_bench model.onnx [--repeat 50] [--block 256] [--input NAME=file.npy] [--top 8]
//                   [--reference out.npy | --save-reference out.npy] [--emulate]
// --emulate runs the kernels on the host, a GPU thread at a time (no GPU needed; slow).
//
//===----------------------------------------------------------------------===//
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>

#include "compiler/driver/cpu_model.h"
#include "compiler/driver/gpu_model.h"
#include "compiler/exec/execution_plan.h"
#include "support/npy.h"
#include "support/random_tensor.h"

using namespace tessera;

namespace {

struct Args {
  std::string model;
  int repeat = 50, block = 256, top = 8;
  std::map<std::string, std::string> inputFiles;
  std::string reference, saveReference;
  bool emulate = false;
};

bool parse(int argc, char **argv, Args &args) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    bool hasValue = i + 1 < argc;
    if (a == "--repeat" && hasValue) args.repeat = std::atoi(argv[++i]);
    else if (a == "--block" && hasValue) args.block = std::atoi(argv[++i]);
    else if (a == "--top" && hasValue) args.top = std::atoi(argv[++i]);
    else if (a == "--emulate") args.emulate = true;
    else if (a == "--reference" && hasValue) args.reference = argv[++i];
    else if (a == "--save-reference" && hasValue) args.saveReference = argv[++i];
    else if (a == "--input" && hasValue) {
      std::string spec = argv[++i];
      size_t eq = spec.find('=');
      if (eq == std::string::npos) return false;
      args.inputFiles[spec.substr(0, eq)] = spec.substr(eq + 1);
    } else if (args.model.empty() && a[0] != '-') args.model = a;
    else return false;
  }
  return !args.model.empty() && args.repeat > 0;
}

StatusOr<std::map<std::string, Tensor>> inputsFor(const graph::Graph &graph, const Args &args) {
  std::map<std::string, Tensor> inputs;
  uint64_t seed = 1;
  for (const std::string &name : graph.inputs) {
    if (graph.constantOf(name)) continue;
    auto file = args.inputFiles.find(name);
    if (file != args.inputFiles.end()) {
      TS_ASSIGN_OR_RETURN(Tensor t, readNpyFile(file->second));
      inputs.emplace(name, std::move(t));
    } else {
      const graph::TensorType &type = graph.typeOf(name);
      inputs.emplace(name, seededRandomTensor(type.dtype, type.shape, seed++));
    }
  }
  return inputs;
}

/// The cpu target's outputs on `inputs`: computed, or the first read from --reference.
StatusOr<interp::TensorMap> cpuOutputs(const graph::Graph &graph, const std::map<std::string, Tensor> &inputs,
                                       const Args &args) {
  if (!args.reference.empty()) {
    TS_ASSIGN_OR_RETURN(Tensor first, readNpyFile(args.reference));
    return interp::TensorMap{{graph.outputs.at(0), std::move(first)}};
  }
  TS_ASSIGN_OR_RETURN(exec::CompiledModel cpu, exec::compileForCpu(graph));
  return cpu.executor->run(inputs);
}

/// max |got - want| / max |want| over every f32 output.
StatusOr<double> relativeError(const interp::TensorMap &want, const std::map<std::string, Tensor> &got) {
  double worst = 0;
  for (const auto &[name, tensor] : want) {
    if (tensor.dtype() != DType::F32) continue;
    if (!got.count(name) || got.at(name).shape() != tensor.shape())
      return invalidInput("the reference output %s is %s, the GPU's %s", name, shapeToString(tensor.shape()),
                          got.count(name) ? shapeToString(got.at(name).shape()) : "missing");
    const float *g = got.at(name).data<float>(), *w = tensor.data<float>();
    double diff = 0, scale = 1e-30;
    for (int64_t e = 0; e < tensor.elementCount(); ++e) {
      diff = std::max(diff, std::fabs(double(g[e]) - w[e]));
      scale = std::max(scale, std::fabs(double(w[e])));
    }
    worst = std::max(worst, diff / scale);
  }
  return worst;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

Status saveReference(const graph::Graph &graph, const Args &args) {
  TS_ASSIGN_OR_RETURN(auto inputs, inputsFor(graph, args));
  TS_ASSIGN_OR_RETURN(interp::TensorMap outputs, cpuOutputs(graph, inputs, args));
  TS_RETURN_IF_ERROR(writeNpyFile(args.saveReference, outputs.at(graph.outputs.at(0))));
  std::printf("wrote %s (the cpu target's output %s)\n", args.saveReference.c_str(), graph.outputs[0].c_str());
  return absl::OkStatus();
}

Status bench(const Args &args) {
  using Clock = std::chrono::steady_clock;
  auto t0 = Clock::now();
  TS_ASSIGN_OR_RETURN(graph::Graph graph, driver::cpuGraph(driver::ModelSource(args.model)));
  if (!args.saveReference.empty()) return saveReference(graph, args);
  TS_ASSIGN_OR_RETURN(exec::ExecutionPlan cpuPlan, exec::planGraph(graph));
  TS_ASSIGN_OR_RETURN(driver::GpuPlan plan, driver::planForGpu(graph, cpuPlan, args.block));
  TS_ASSIGN_OR_RETURN(std::unique_ptr<driver::KernelDevice> device, args.emulate
                                                                        ? driver::openEmulatedDevice(plan.module)
                                                                        : driver::openCudaDevice(plan.module));
  double compileS = std::chrono::duration<double>(Clock::now() - t0).count();
  TS_ASSIGN_OR_RETURN(std::unique_ptr<driver::GpuModel> model, driver::GpuModel::create(graph, plan, *device));
  TS_ASSIGN_OR_RETURN(auto inputs, inputsFor(graph, args));
  TS_RETURN_IF_ERROR(model->setInputs(inputs));
  TS_RETURN_IF_ERROR(model->run());
  TS_ASSIGN_OR_RETURN(auto outputs, model->outputs());
  TS_ASSIGN_OR_RETURN(interp::TensorMap want, cpuOutputs(graph, inputs, args));
  TS_ASSIGN_OR_RETURN(double error, relativeError(want, outputs));

  std::vector<double> ms;
  for (int r = 0; r < args.repeat; ++r) {
    auto start = Clock::now();
    TS_RETURN_IF_ERROR(model->run());
    TS_RETURN_IF_ERROR(model->outputs().status());
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  std::map<std::string, double> kernelMs;
  TS_RETURN_IF_ERROR(model->run(&kernelMs));
  double kernelSum = 0;
  std::vector<std::pair<double, std::string>> slowest;
  for (const auto &[name, t] : kernelMs) {
    kernelSum += t;
    slowest.emplace_back(t, name);
  }
  std::sort(slowest.rbegin(), slowest.rend());

  std::printf("model %s\ndevice %s\n", args.model.c_str(), device->name().c_str());
  std::printf("kernels %zu (for %d graph kernels), block %d, device memory %.1f MB, plan+PTX+load %.2f s\n",
              plan.module.funcs.size(), plan.graphKernels, args.block, model->deviceBytes() / 1e6, compileS);
  std::printf("check max|gpu-cpu|/max|cpu| %.3g\n", error);
  std::printf("forward_ms median %.4f min %.4f (%d runs)\n", median(ms), *std::min_element(ms.begin(), ms.end()),
              args.repeat);
  std::printf("kernel_ms sum %.4f (one run, each kernel timed alone)\n", kernelSum);
  for (int i = 0; i < args.top && i < int(slowest.size()); ++i)
    std::printf("  %-28s %.4f ms %4.1f%%\n", slowest[i].second.c_str(), slowest[i].first,
                100 * slowest[i].first / kernelSum);
  return absl::OkStatus();
}

} // namespace

int main(int argc, char **argv) {
  Args args;
  if (!parse(argc, argv, args)) {
    std::fprintf(stderr, "usage: gpu_model_bench model.onnx [--repeat N] [--block N] [--input NAME=file.npy] [--top K]\n"
                         "                       [--reference out.npy | --save-reference out.npy] [--emulate]\n");
    return 2;
  }
  Status status = bench(args);
  if (status.ok()) return 0;
  std::fprintf(stderr, "gpu_model_bench: %s: %s\n", args.model.c_str(), std::string(status.message()).c_str());
  return status.code() == absl::StatusCode::kUnavailable ? 77 : 1;
}
