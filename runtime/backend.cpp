//===- backend.cpp - Backend registry and the functional backend ---------------------===//
#include "runtime/backend.h"

#include "simulator/golden/functional_executor.h"

namespace tessera::runtime {

#define TESSERA_BACKEND(name, factory) StatusOr<std::unique_ptr<Backend>> factory(const isa::HardwareConfig &config);
#include "runtime/backends.def"

namespace {

class FunctionalBackend final : public Backend {
public:
  explicit FunctionalBackend(const isa::HardwareConfig &config) : config_(config) {}
  std::string_view name() const override { return "functional"; }
  StatusOr<RunResult> run(const isa::Program &program, std::vector<uint8_t> &dram, const RunOptions &options) override {
    if (!options.tracePath.empty() || !options.vcdPath.empty())
      return invalidInput("the functional backend has no cycles to trace: --trace and --vcd need --backend systemc or rtl");
    sim::FunctionalOptions functional;
    functional.maxCycles = options.maxCycles;
    TS_ASSIGN_OR_RETURN(sim::Counters counters, sim::runFunctional(program, config_, dram, functional));
    RunResult result;
    result.counters = counters;
    return result;
  }

private:
  isa::HardwareConfig config_;
};

struct BackendEntry {
  const char *name;
  StatusOr<std::unique_ptr<Backend>> (*factory)(const isa::HardwareConfig &);
};

const BackendEntry kBackends[] = {
#define TESSERA_BACKEND(name, factory) {name, &factory},
#include "runtime/backends.def"
};

} // namespace

StatusOr<std::unique_ptr<Backend>> createFunctionalBackend(const isa::HardwareConfig &config) {
  return std::unique_ptr<Backend>(new FunctionalBackend(config));
}

StatusOr<std::unique_ptr<Backend>> createBackend(std::string_view name, const isa::HardwareConfig &config) {
  for (const BackendEntry &entry : kBackends) {
    if (name == entry.name) return entry.factory(config);
  }
  return invalidInput("unknown backend '%s' (available: %s)", std::string(name), joinStrings(availableBackends(), ", "));
}

std::vector<std::string> availableBackends() {
  std::vector<std::string> names;
  for (const BackendEntry &entry : kBackends) names.push_back(entry.name);
  return names;
}

} // namespace tessera::runtime
