//===- host_model_runner.cpp - Running a compiled model's regions with a device ----===//
#include "runtime/model/host_model_runner.h"

#include <chrono>
#include <cmath>
#include <cstring>

#include "compiler/accel/layouts.h"

namespace tessera::runtime {
namespace {

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

Tensor reshaped(const Tensor &tensor, const Shape &shape) {
  Tensor result(tensor.dtype(), shape);
  std::memcpy(result.bytes(), tensor.bytes(), std::min(result.byteSize(), tensor.byteSize()));
  return result;
}

StatusOr<const Tensor *> lookup(const accel::TensorMap &values, const std::string &name, const std::string &reader) {
  auto found = values.find(name);
  if (found == values.end()) return invalidInput("compiled model: value '%s' needed by %s is missing", name, reader);
  return &found->second;
}

Status writeToDevice(const accel::HostRegion &region, Device &device, const accel::TensorMap &values, ModelRun &run) {
  for (const accel::HostTransfer &t : region.toDevice) {
    TS_ASSIGN_OR_RETURN(const Tensor *value, lookup(values, t.value, accel::regionName(region.region)));
    if (value->dtype() != DType::I8) return invalidInput("value '%s' sent to the accelerator is not int8", t.value);
    Tensor image = reshaped(*value, t.nchw);
    StatusOr<Tensor> packed = t.window ? accel::packWindowedInput(image, *t.window, device.config().block_in)
                                       : accel::packActivation(image, device.config().block_in);
    if (!packed.ok()) return annotate(packed.status(), strCat("packing '", t.value, "'"));
    TS_RETURN_IF_ERROR(device.writeTensor(t.tensor, *packed));
    run.transferBytes += int64_t(packed->byteSize());
  }
  return absl::OkStatus();
}

Status readFromDevice(const accel::HostRegion &region, const Device &device, accel::TensorMap &values, ModelRun &run) {
  for (const accel::HostTransfer &t : region.fromDevice) {
    TS_ASSIGN_OR_RETURN(Tensor blocked, device.readTensor(t.tensor));
    TS_ASSIGN_OR_RETURN(Tensor image, accel::unpackActivation(blocked, t.nchw[1]));
    values[t.value] = reshaped(image, t.shape);
    run.transferBytes += int64_t(blocked.byteSize());
  }
  return absl::OkStatus();
}

/// The loaded program's instructions [first, end) closed by FINISH, with the segments
/// inside the range: what the region runs.
StatusOr<isa::Program> regionProgram(const isa::Program &program, const accel::HostRegion &region) {
  if (region.endInstruction >= program.instructions.size())
    return invalidInput("%s: instructions [%d, %d) are outside the program's %d", accel::regionName(region.region),
                        region.firstInstruction, region.endInstruction, program.instructions.size());
  isa::Program part = program;
  part.instructions.assign(program.instructions.begin() + region.firstInstruction,
                           program.instructions.begin() + region.endInstruction);
  isa::Instruction finish = isa::makeInstruction(isa::Opcode::finish);
  finish[isa::Field::pop_next] = 1;
  part.instructions.push_back(finish);
  part.segments.clear();
  for (isa::Segment segment : program.segments) {
    if (segment.firstInstruction < region.firstInstruction || segment.firstInstruction >= region.endInstruction) continue;
    segment.firstInstruction -= region.firstInstruction;
    part.segments.push_back(std::move(segment));
  }
  return part;
}

/// Steps that compute (aliases only rename) with their times.
void recordHostLayers(const exec::GraphExecutor &executor, int region, const std::vector<double> &stepMs, ModelRun &run) {
  const graph::Graph &graph = executor.graph();
  const std::vector<exec::Step> &steps = executor.plan().steps;
  for (size_t s = 0; s < steps.size() && s < stepMs.size(); ++s) {
    if (steps[s].kind == exec::StepKind::Alias) continue;
    std::string ops;
    for (size_t n : steps[s].nodes) ops += (ops.empty() ? "" : "+") + graph.nodes[n].op;
    bool compiled = steps[s].kind == exec::StepKind::Kernel;
    run.hostLayers.push_back(
        HostLayerTime{region, graph.nodes[steps[s].nodes.back()].outputs[0], ops, compiled, stepMs[s]});
  }
}

Status runHostRegion(const accel::HostRegion &region, const exec::GraphExecutor &executor, accel::TensorMap &values,
                     ModelRun &run) {
  const graph::Graph &graph = *region.graph;
  accel::TensorMap inputs;
  for (const std::string &input : graph.inputs) {
    TS_ASSIGN_OR_RETURN(const Tensor *value, lookup(values, input, accel::regionName(region.region)));
    inputs[input] = *value;
  }
  std::vector<double> stepMs;
  auto start = Clock::now();
  auto outputs = executor.run(inputs, &stepMs);
  run.hostMs += msSince(start);
  if (!outputs.ok()) return annotate(outputs.status(), accel::regionName(region.region));
  recordHostLayers(executor, region.region, stepMs, run);
  for (auto &[name, tensor] : *outputs) values[name] = std::move(tensor);
  return absl::OkStatus();
}

Status runAcceleratorRegion(const accel::HostRegion &region, Device &device, accel::TensorMap &values,
                            const RunOptions &options, ModelRun &run) {
  auto start = Clock::now();
  TS_RETURN_IF_ERROR(writeToDevice(region, device, values, run));
  run.transferMs += msSince(start);
  TS_ASSIGN_OR_RETURN(isa::Program part, regionProgram(device.program(), region));
  StatusOr<RunResult> result = device.runPart(part, options);
  if (!result.ok()) return annotate(result.status(), accel::regionName(region.region));
  run.regions.push_back(std::move(*result));
  start = Clock::now();
  TS_RETURN_IF_ERROR(readFromDevice(region, device, values, run));
  run.transferMs += msSince(start);
  return absl::OkStatus();
}

/// A compiled model quantizes its float inputs to int8 at the boundary: a NaN has no
/// int8 value (the reference interpreter's QuantizeLinear refuses it too).
Status checkNoNaN(const std::string &name, const Tensor &tensor) {
  if (tensor.dtype() != DType::F32) return absl::OkStatus();
  const float *data = tensor.data<float>();
  for (int64_t i = 0; i < tensor.elementCount(); ++i)
    if (std::isnan(data[i]))
      return invalidInput("model input '%s': element %d is NaN, which the int8 model cannot represent", name, i);
  return absl::OkStatus();
}

Status checkInputs(const accel::HostModel &model, const accel::TensorMap &inputs, accel::TensorMap &values) {
  for (const accel::HostInput &input : model.inputs) {
    auto found = inputs.find(input.name);
    if (found == inputs.end()) return invalidInput("no value for model input '%s'", input.name);
    if (found->second.dtype() != input.dtype || found->second.shape() != input.shape)
      return invalidInput("model input '%s' is %s %s; the model takes %s %s", input.name, dtypeName(found->second.dtype()),
                          shapeToString(found->second.shape()), dtypeName(input.dtype), shapeToString(input.shape));
    TS_RETURN_IF_ERROR(checkNoNaN(input.name, found->second));
    values[input.name] = found->second;
  }
  return absl::OkStatus();
}

void addCounters(sim::Counters &sum, const sim::Counters &part) {
  for (size_t i = 0; i < sum.bytesLoaded.size(); ++i) sum.bytesLoaded[i] += part.bytesLoaded[i];
  for (size_t i = 0; i < sum.instructions.size(); ++i) sum.instructions[i] += part.instructions[i];
  sum.bytesStored += part.bytesStored, sum.gemmUops += part.gemmUops, sum.gemmMacs += part.gemmMacs;
  sum.aluUops += part.aluUops;
}

} // namespace

StatusOr<HostRegionExecutors> HostRegionExecutors::compile(const accel::HostModel &model,
                                                           const std::vector<uint8_t> &hostCode) {
  HostRegionExecutors compiled;
  for (const accel::HostRegion &region : model.regions) {
    if (region.onAccelerator()) continue;
    Region &entry = compiled.regions_[region.region];
    std::string name = accel::regionName(region.region);
    if (region.library && region.library->offset + region.library->size <= hostCode.size()) {
      auto library = LoadedModel::loadBytes(hostCode.data() + region.library->offset, region.library->size,
                                            strCat(name, "'s library"));
      if (library.ok()) {
        entry.library = std::move(*library);
        continue;
      }
      // Code for a CPU this host lacks (or a damaged library): compile the graph here.
    }
    auto executor = exec::compileForCpu(*region.graph);
    if (!executor.ok()) return annotate(executor.status(), strCat("compiling ", name));
    entry.jit = std::move(*executor);
  }
  return compiled;
}

const exec::GraphExecutor &HostRegionExecutors::executor(int region) const {
  const Region &entry = regions_.at(region);
  return entry.library ? entry.library->executor() : *entry.jit.executor;
}

std::string HostRegionExecutors::codeSource() const {
  size_t stored = 0;
  for (const auto &[region, entry] : regions_) stored += entry.library ? 1 : 0;
  if (regions_.empty()) return "none";
  return stored == regions_.size() ? "aot" : stored == 0 ? "jit" : "mixed";
}

RunResult ModelRun::merged() const {
  if (regions.size() == 1) return regions.front();
  RunResult sum;
  nlohmann::json segments = nlohmann::json::array();
  for (const RunResult &region : regions) {
    addCounters(sum.counters, region.counters);
    if (region.totalCycles) sum.totalCycles = sum.totalCycles.value_or(0) + *region.totalCycles;
    if (region.details.contains("segments") && region.details["segments"].is_array())
      segments.insert(segments.end(), region.details["segments"].begin(), region.details["segments"].end());
  }
  if (!segments.empty()) sum.details["segments"] = segments;
  return sum;
}

StatusOr<accel::TensorMap> runHostModel(const accel::HostModel &model, const HostRegionExecutors &host, Device &device,
                                        const accel::TensorMap &inputs, const RunOptions &options, ModelRun &run) {
  run = ModelRun();
  accel::TensorMap values;
  TS_RETURN_IF_ERROR(checkInputs(model, inputs, values));
  for (const accel::HostRegion &region : model.regions) {
    if (region.onAccelerator()) TS_RETURN_IF_ERROR(runAcceleratorRegion(region, device, values, options, run));
    else TS_RETURN_IF_ERROR(runHostRegion(region, host.executor(region.region), values, run));
  }
  accel::TensorMap outputs;
  for (const std::string &output : model.outputs) {
    TS_ASSIGN_OR_RETURN(const Tensor *value, lookup(values, output, "the model's outputs"));
    outputs[output] = *value;
  }
  return outputs;
}

} // namespace tessera::runtime
