//===- backend.h - The interface every execution backend implements ----------------===//
//
// A backend runs a verified program over a DRAM image: `functional` (the golden
// executor), `systemc` (cycle-accurate model) and, when Verilator is found, `rtl`
// (Verilated RTL); there is no `cpu` one (models on the CPU run through tools/).
// This is what a backend implements, and nothing more: it sits below the simulators
// that implement it (tessera_backend_api), while the registry that creates backends by
// name (runtime/backend.h, from the single list runtime/backends.def) and the Device
// sit above them (docs/architecture.md#layers).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "isa/program.h"
#include "simulator/golden/counters.h"

namespace tessera::runtime {

struct RunOptions {
  uint64_t maxCycles = 0;  ///< stop with an error past this many cycles (0: no limit; functional: a lower bound, sim::FunctionalOptions)
  std::string tracePath;   ///< Chrome Trace Event JSON (cycle-level backends)
  std::string vcdPath;     ///< waveform (cycle-level backends)
  bool progress = false;   ///< progress lines on stderr for long runs
};

struct RunResult {
  sim::Counters counters;
  std::optional<uint64_t> totalCycles;            ///< cycle-level backends only
  nlohmann::json details = nlohmann::json::object(); ///< backend-specific report keys
};

class Backend {
public:
  virtual ~Backend() = default;
  virtual std::string_view name() const = 0;
  /// Runs `program` over `dram` (already holding its image and inputs).
  virtual StatusOr<RunResult> run(const isa::Program &program, std::vector<uint8_t> &dram,
                                  const RunOptions &options) = 0;
};

} // namespace tessera::runtime
