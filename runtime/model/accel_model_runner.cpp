//===- accel_model_runner.cpp - A binary compiled from a model, on a device ---------===//
#include "runtime/model/accel_model_runner.h"

#include "compiler/accel/host_model_check.h"

#include <algorithm>

#include "compiler/accel/layouts.h"
#include "compiler/interp/interpreter.h"
#include "runtime/model/host_model_runner.h"

namespace tessera::runtime {
namespace {

/// Elements that differ between the accelerator's int8 image and the reference, and
/// the largest difference.
std::pair<int64_t, int64_t> differences(const Tensor &got, const Tensor &want) {
  int64_t differing = 0, maxDiff = 0;
  for (int64_t i = 0; i < want.elementCount(); ++i) {
    int64_t diff = std::abs(int64_t(got.data<int8_t>()[i]) - int64_t(want.data<int8_t>()[i]));
    differing += diff != 0;
    maxDiff = std::max(maxDiff, diff);
  }
  return {differing, maxDiff};
}

/// Whether `tensor` still holds its value after a run: no other non-constant tensor
/// shares its bytes (the compiler places activations whose lifetimes do not overlap in
/// the same DRAM, so a shared tensor may have been overwritten by a later layer).
bool keepsItsBytes(const isa::Program &program, const isa::TensorInfo &tensor) {
  uint64_t begin = tensor.dramOffset, end = begin + tensor.byteSize();
  return std::none_of(program.tensors.begin(), program.tensors.end(), [&](const isa::TensorInfo &other) {
    bool shares = other.dramOffset < end && begin < other.dramOffset + other.byteSize();
    return &other != &tensor && other.kind != isa::TensorKind::constant && shares;
  });
}

/// After a mismatch: the first reference node (in graph order) whose int8 result differs
/// from the value the accelerator left in DRAM, among the values whose tensor no other
/// tensor shares.
std::string firstDivergence(const graph::Graph &reference, const accel::TensorMap &inputs, const Device &device) {
  std::vector<std::pair<const graph::Node *, Tensor>> results;
  auto observer = [&](const graph::Node &node, const std::vector<Tensor> &outputs) {
    if (!outputs.empty()) results.emplace_back(&node, outputs[0]);
  };
  if (!interp::runGraph(reference, inputs, observer).ok()) return "";
  for (const auto &[node, want] : results) {
    const isa::TensorInfo *tensor = device.program().findTensor(node->outputs[0]);
    if (!tensor || want.dtype() != DType::I8 || want.shape().size() < 2) continue;
    if (!keepsItsBytes(device.program(), *tensor)) continue;
    auto blocked = device.readTensor(tensor->name);
    if (!blocked.ok()) continue;
    auto image = accel::unpackActivation(*blocked, want.shape()[1]);
    if (!image.ok() || image->byteSize() != want.byteSize()) continue;
    auto [differing, maxDiff] = differences(*image, want);
    if (differing)
      return absl::StrFormat("first divergence: %s: %d of %d elements differ (max |diff| %d)", node->describe(), differing,
                             want.elementCount(), maxDiff);
  }
  return "";
}

} // namespace

StatusOr<AccelModelRunner> AccelModelRunner::open(isa::LoadedBinary binary, const std::string &backend) {
  AccelModelRunner runner;
  TS_ASSIGN_OR_RETURN(runner.model_, accel::HostModel::fromJson(binary.program.host));
  TS_RETURN_IF_ERROR(accel::checkHostModel(runner.model_, binary.program, binary.config));
  TS_ASSIGN_OR_RETURN(HostRegionExecutors host, HostRegionExecutors::compile(runner.model_, binary.program.hostCode));
  runner.host_ = std::make_unique<HostRegionExecutors>(std::move(host));
  TS_ASSIGN_OR_RETURN(runner.device_, Device::open(backend, binary.config));
  TS_RETURN_IF_ERROR(runner.device_->load(std::move(binary.program)));
  return runner;
}

nlohmann::json AccelModelRunner::endToEnd() const {
  RunResult merged = run_.merged();
  double cycles = 0;
  for (const auto &[layer, estimate] : model_.estimatedCycles) cycles += estimate;
  if (merged.totalCycles) cycles = double(*merged.totalCycles);
  double accelMs = cycles / (device_->config().clock_mhz * 1e3);
  int accelRegions = 0;
  for (const accel::HostRegion &region : model_.regions) accelRegions += region.onAccelerator();
  return {{"accel_cycles", cycles},
          {"accel_cycles_source", merged.totalCycles ? "backend" : "cost_model"},
          {"accel_ms", accelMs},
          {"host_ms", run_.hostMs},
          {"transfer_ms", run_.transferMs},
          {"transfer_bytes", run_.transferBytes},
          {"partitions", model_.regions.size()},
          {"accel_partitions", accelRegions},
          {"host_partitions", int(model_.regions.size()) - accelRegions},
          {"host_code", host_->codeSource()},
          {"total_ms", accelMs + run_.hostMs + run_.transferMs}};
}

nlohmann::json AccelModelRunner::report() const {
  nlohmann::json report = device_->report(run_.merged());
  if (model_.coverage) report["coverage"] = model_.coverage->toJson();
  if (report.contains("segments") && report["segments"].is_array())
    for (nlohmann::json &segment : report["segments"]) {
      auto estimate = model_.estimatedCycles.find(segment.value("name", std::string()));
      if (estimate != model_.estimatedCycles.end()) segment["estimated_cycles"] = estimate->second;
    }
  nlohmann::json hostLayers = nlohmann::json::array();
  for (const HostLayerTime &layer : run_.hostLayers)
    hostLayers.push_back({{"region", layer.region},
                          {"name", layer.name},
                          {"op", layer.op},
                          {"path", layer.compiled ? "llvm" : "reference"},
                          {"host_ms", layer.ms}});
  report["host_layers"] = hostLayers;
  report["end_to_end"] = endToEnd();
  return report;
}

StatusOr<accel::TensorMap> AccelModelRunner::run(const accel::TensorMap &inputs, const RunOptions &options) {
  return runHostModel(model_, *host_, *device_, inputs, options, run_);
}

Status AccelModelRunner::checkAgainstReference(const graph::Graph &reference, const std::string &referenceName,
                                               const accel::TensorMap &inputs, const accel::TensorMap &outputs) const {
  auto expected = interp::runGraph(reference, inputs);
  if (!expected.ok()) return annotate(expected.status(), strCat("reference '", referenceName, "'"));
  for (const auto &[name, want] : *expected) {
    auto got = outputs.find(name);
    if (got == outputs.end()) return invalidInput("reference output '%s' is not an output of the compiled model", name);
    if (got->second.dtype() != want.dtype() || got->second.shape() != want.shape() || got->second.storage() != want.storage())
      return invalidInput("output '%s' differs from the reference interpreter running '%s'; %s", name, referenceName,
                          firstDivergence(reference, inputs, *device_));
  }
  return absl::OkStatus();
}

std::string describeOutput(const std::string &name, const Tensor &tensor) {
  std::string text = strCat(name, ": ", dtypeName(tensor.dtype()), " ", shapeToString(tensor.shape()));
  if (tensor.dtype() != DType::F32 || tensor.elementCount() == 0) return text;
  const float *data = tensor.data<float>();
  int64_t best = std::max_element(data, data + tensor.elementCount()) - data;
  return strCat(text, absl::StrFormat("  prediction (argmax): %d  (value %.4g)", best, data[best]));
}

} // namespace tessera::runtime
