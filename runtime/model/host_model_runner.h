//===- host_model_runner.h - Running a compiled model's regions with a device ------===//
//
// A binary from `tessera compile --target accel` carries its host side
// (compiler/accel/host_model.h): the regions of the model in order. Running it: each
// host region runs through the cpu target's graph executor (compiler/exec: the kernels
// of the region's library in the binary's HOST_CODE section, or JIT-compiled by LLVM
// when the model is opened if it has none or the host cannot run it; reference
// fallbacks for ops without generated code), timed; before each accelerator region the tensors it reads are packed into
// their blocked layouts and written to DRAM, the region's instructions run on the device
// as a program of their own over the same DRAM, and the tensors the host needs are read
// back and unpacked.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <map>
#include <string>
#include <vector>

#include "compiler/accel/host_model.h"
#include "compiler/exec/graph_executor.h"
#include "runtime/model/model_library.h"
#include "runtime/device.h"

namespace tessera::runtime {

/// The host regions of a model on the cpu target's executor: each loaded from its
/// library in `hostCode` (the binary's HOST_CODE section) when it has one this host can
/// run, else JIT-compiled from its graph.
class HostRegionExecutors {
public:
  static StatusOr<HostRegionExecutors> compile(const accel::HostModel &model, const std::vector<uint8_t> &hostCode = {});
  /// The executor of host region `region` (one the model has).
  const exec::GraphExecutor &executor(int region) const;
  /// "aot" when every host region runs the binary's stored code, "jit" when every one
  /// was compiled at load, "mixed" otherwise, "none" without host regions.
  std::string codeSource() const;

private:
  struct Region {
    std::unique_ptr<LoadedModel> library; ///< loaded from HOST_CODE
    exec::CompiledModel jit;              ///< compiled at load
  };
  std::map<int, Region> regions_;
};

/// One executor step of a host region, timed.
struct HostLayerTime {
  int region = 0;
  std::string name; ///< the value the step defines
  std::string op;   ///< the ops it covers, joined by '+'
  bool compiled = false; ///< an LLVM kernel (else a reference fallback, exec::StepKind::Reference)
  double ms = 0;
};

/// What a run of the whole model measured.
struct ModelRun {
  std::vector<RunResult> regions;      ///< the device's result of each accelerator region, in order
  std::vector<HostLayerTime> hostLayers; ///< in the order they ran
  double hostMs = 0;                   ///< wall time of the host regions
  double transferMs = 0;               ///< wall time of packing, writing, reading back and unpacking
  int64_t transferBytes = 0;           ///< DRAM bytes written before and read after the accelerator regions

  /// The accelerator regions' results as one: counters and cycles added, the segment
  /// rows of every region in order, the other report keys of a region when it is the
  /// only one.
  RunResult merged() const;
};

/// Runs the model on a device that has the program loaded; returns the model outputs.
StatusOr<accel::TensorMap> runHostModel(const accel::HostModel &model, const HostRegionExecutors &host, Device &device,
                                        const accel::TensorMap &inputs, const RunOptions &options, ModelRun &run);

} // namespace tessera::runtime
