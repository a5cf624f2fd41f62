//===- device.h - The runtime API: open a device, load a binary, run, read back ------===//
//
//   auto device = Device::open("functional", config);
//   device->load(program);                 // builds the DRAM image
//   device->writeTensor("A", a);           // inputs, checked against the memory map
//   auto result = device->run({});         // counters, cycles
//   auto c = device->readTensor("C");
//   json report = device->report(*result); // backend, config, config_hash, counters, ...
//
//===----------------------------------------------------------------------===//
#pragma once

#include <memory>

#include "runtime/backend.h"
#include "support/tensor.h"

namespace tessera::runtime {

class Device {
public:
  /// Opens a device of `config` running on `backend`.
  static StatusOr<std::unique_ptr<Device>> open(std::string_view backend, const isa::HardwareConfig &config);

  /// Loads a program: verifies it against the device config and builds its DRAM image.
  Status load(isa::Program program);
  /// Writes an input (or any non-constant) tensor; dtype and shape must match the map.
  Status writeTensor(std::string_view name, const Tensor &tensor);
  /// Reads a tensor of the memory map from DRAM.
  StatusOr<Tensor> readTensor(std::string_view name) const;
  /// Runs the loaded program.
  StatusOr<RunResult> run(const RunOptions &options);
  /// Runs `part` over the loaded program's DRAM as it stands: a program with the loaded
  /// program's memory map whose instructions are a range of the loaded program's, closed
  /// by FINISH (an accelerator region of a compiled model, runtime/model/). Its
  /// instruction stream replaces the loaded one's first words in DRAM, where the
  /// cycle-level backends fetch from.
  StatusOr<RunResult> runPart(const isa::Program &part, const RunOptions &options);
  /// The JSON report of a run: backend, tool version, config, config_hash, counters,
  /// total_cycles (cycle-level backends) and the backend's own keys.
  nlohmann::json report(const RunResult &result) const;

  const isa::Program &program() const { return program_; }
  const isa::HardwareConfig &config() const { return config_; }
  std::string_view backendName() const { return backend_->name(); }
  /// Raw DRAM, for tests comparing backends bit for bit.
  const std::vector<uint8_t> &dram() const { return dram_; }

private:
  Device(std::unique_ptr<Backend> backend, const isa::HardwareConfig &config)
      : backend_(std::move(backend)), config_(config) {}
  StatusOr<const isa::TensorInfo *> findTensor(std::string_view name) const;
  Status writeInstructionStream(const isa::Program &part);

  std::unique_ptr<Backend> backend_;
  isa::HardwareConfig config_;
  isa::Program program_;
  std::vector<uint8_t> dram_;
  bool loaded_ = false;
};

} // namespace tessera::runtime
