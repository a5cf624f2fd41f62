//===- device.cpp - Runtime device ---------------------------------------------------===//
#include "runtime/device.h"

#include <cstring>

#include "isa/instruction.h"
#include "isa/layout.h"
#include "support/hash.h"
#include "support/version.h"
#include "simulator/golden/functional_executor.h"

namespace tessera::runtime {

StatusOr<std::unique_ptr<Device>> Device::open(std::string_view backend, const isa::HardwareConfig &config) {
  TS_ASSIGN_OR_RETURN(std::unique_ptr<Backend> instance, createBackend(backend, config));
  return std::unique_ptr<Device>(new Device(std::move(instance), config));
}

Status Device::load(isa::Program program) {
  TS_RETURN_IF_ERROR(isa::verifyProgram(program, config_));
  TS_ASSIGN_OR_RETURN(dram_, sim::buildDramImage(program, config_));
  program_ = std::move(program);
  loaded_ = true;
  return absl::OkStatus();
}

StatusOr<const isa::TensorInfo *> Device::findTensor(std::string_view name) const {
  if (!loaded_) return absl::FailedPreconditionError("no program is loaded");
  const isa::TensorInfo *tensor = program_.findTensor(name);
  if (tensor) return tensor;
  std::vector<std::string> names;
  for (const isa::TensorInfo &info : program_.tensors) names.push_back(info.name);
  return invalidInput("the program has no tensor '%s' (it has: %s)", std::string(name), joinStrings(names, ", "));
}

Status Device::writeTensor(std::string_view name, const Tensor &tensor) {
  TS_ASSIGN_OR_RETURN(const isa::TensorInfo *info, findTensor(name));
  if (info->kind == isa::TensorKind::constant)
    return invalidInput("tensor '%s' is a constant of the program and cannot be written", info->name);
  if (tensor.dtype() != info->dtype || tensor.shape() != info->shape)
    return invalidInput("tensor '%s' expects %s %s but was given %s %s", info->name, dtypeName(info->dtype),
                        shapeToString(info->shape), dtypeName(tensor.dtype()), shapeToString(tensor.shape()));
  std::memcpy(dram_.data() + info->dramOffset, tensor.bytes(), tensor.byteSize());
  return absl::OkStatus();
}

StatusOr<Tensor> Device::readTensor(std::string_view name) const {
  TS_ASSIGN_OR_RETURN(const isa::TensorInfo *info, findTensor(name));
  Tensor tensor(info->dtype, info->shape);
  std::memcpy(tensor.bytes(), dram_.data() + info->dramOffset, tensor.byteSize());
  return tensor;
}

StatusOr<RunResult> Device::run(const RunOptions &options) {
  if (!loaded_) return absl::FailedPreconditionError("no program is loaded");
  return backend_->run(program_, dram_, options);
}

StatusOr<RunResult> Device::runPart(const isa::Program &part, const RunOptions &options) {
  if (!loaded_) return absl::FailedPreconditionError("no program is loaded");
  if (part.dramBytes != program_.dramBytes || part.uopOffset != program_.uopOffset ||
      part.instructionOffset != program_.instructionOffset || part.tensors.size() != program_.tensors.size() ||
      part.instructions.size() > program_.instructions.size())
    return invalidInput("the program part does not share the loaded program's memory map");
  TS_RETURN_IF_ERROR(isa::verifyProgram(part, config_));
  TS_RETURN_IF_ERROR(writeInstructionStream(part));
  return backend_->run(part, dram_, options);
}

Status Device::writeInstructionStream(const isa::Program &part) {
  TS_ASSIGN_OR_RETURN(isa::IsaLayout layout, isa::IsaLayout::build(config_));
  const int wordBytes = layout.instructionBytes();
  for (size_t i = 0; i < part.instructions.size(); ++i) {
    TS_ASSIGN_OR_RETURN(isa::Word word, isa::encode(layout, part.instructions[i]));
    isa::storeWord(word, dram_.data() + part.instructionOffset + i * uint64_t(wordBytes), wordBytes);
  }
  return absl::OkStatus();
}

nlohmann::json Device::report(const RunResult &result) const {
  nlohmann::json report = {{"backend", backend_->name()},
                           {"tool", "tessera"},
                           {"tool_version", kVersion},
                           {"config", config_.toJson()},
                           {"config_hash", hashToHex(config_.hash())},
                           {"counters", result.counters.toJson()}};
  if (result.totalCycles) {
    report["total_cycles"] = *result.totalCycles;
    report["time_us"] = double(*result.totalCycles) / config_.clock_mhz;
  }
  for (const auto &item : result.details.items()) report[item.key()] = item.value();
  return report;
}

} // namespace tessera::runtime
