//===- host_model_runner.cpp - Running a compiled model's host side with a device -===//
#include "runtime/model/host_model_runner.h"

#include <cstring>

#include "compiler/accel/layouts.h"
#include "compiler/interp/interpreter.h"

namespace tessera::runtime {
namespace {

Tensor reshaped(const Tensor &tensor, const Shape &shape) {
  Tensor result(tensor.dtype(), shape);
  std::memcpy(result.bytes(), tensor.bytes(), std::min(result.byteSize(), tensor.byteSize()));
  return result;
}

StatusOr<const Tensor *> lookup(const accel::TensorMap &values, const std::string &name, const char *phase) {
  auto found = values.find(name);
  if (found == values.end()) return invalidInput("compiled model: value '%s' needed by the %s phase is missing", name, phase);
  return &found->second;
}

Status writeToDevice(const accel::HostModel &model, Device &device, const accel::TensorMap &values) {
  for (const accel::HostTransfer &t : model.toDevice) {
    TS_ASSIGN_OR_RETURN(const Tensor *value, lookup(values, t.value, "accelerator"));
    if (value->dtype() != DType::I8) return invalidInput("value '%s' sent to the accelerator is not int8", t.value);
    Tensor image = reshaped(*value, t.nchw);
    StatusOr<Tensor> packed = t.window ? accel::packWindowedInput(image, *t.window, device.config().block_in)
                                       : accel::packActivation(image, device.config().block_in);
    if (!packed.ok()) return annotate(packed.status(), strCat("packing '", t.value, "'"));
    TS_RETURN_IF_ERROR(device.writeTensor(t.tensor, *packed));
  }
  return absl::OkStatus();
}

Status readFromDevice(const accel::HostModel &model, const Device &device, accel::TensorMap &values) {
  for (const accel::HostTransfer &t : model.fromDevice) {
    TS_ASSIGN_OR_RETURN(Tensor blocked, device.readTensor(t.tensor));
    TS_ASSIGN_OR_RETURN(Tensor image, accel::unpackActivation(blocked, t.nchw[1]));
    values[t.value] = reshaped(image, t.shape);
  }
  return absl::OkStatus();
}

Status runPhase(const std::optional<graph::Graph> &graph, accel::TensorMap &values, const char *phase) {
  if (!graph) return absl::OkStatus();
  accel::TensorMap inputs;
  for (const std::string &input : graph->inputs) {
    TS_ASSIGN_OR_RETURN(const Tensor *value, lookup(values, input, phase));
    inputs[input] = *value;
  }
  auto outputs = interp::runGraph(*graph, inputs);
  if (!outputs.ok()) return annotate(outputs.status(), strCat("host ", phase, " graph"));
  for (auto &[name, tensor] : *outputs) values[name] = std::move(tensor);
  return absl::OkStatus();
}

} // namespace

StatusOr<accel::TensorMap> runHostModel(const accel::HostModel &model, Device &device, const accel::TensorMap &inputs,
                                        const RunOptions &options, RunResult &result) {
  accel::TensorMap values;
  for (const accel::HostInput &input : model.inputs) {
    auto found = inputs.find(input.name);
    if (found == inputs.end()) return invalidInput("no value for model input '%s'", input.name);
    if (found->second.dtype() != input.dtype || found->second.shape() != input.shape)
      return invalidInput("model input '%s' is %s %s; the model takes %s %s", input.name, dtypeName(found->second.dtype()),
                          shapeToString(found->second.shape()), dtypeName(input.dtype), shapeToString(input.shape));
    values[input.name] = found->second;
  }
  TS_RETURN_IF_ERROR(runPhase(model.pre, values, "pre"));
  TS_RETURN_IF_ERROR(writeToDevice(model, device, values));
  TS_ASSIGN_OR_RETURN(result, device.run(options));
  TS_RETURN_IF_ERROR(readFromDevice(model, device, values));
  TS_RETURN_IF_ERROR(runPhase(model.post, values, "post"));
  accel::TensorMap outputs;
  for (const std::string &output : model.outputs) {
    TS_ASSIGN_OR_RETURN(const Tensor *value, lookup(values, output, "output"));
    outputs[output] = *value;
  }
  return outputs;
}

} // namespace tessera::runtime
