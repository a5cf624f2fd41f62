//===- rtl_sim.cpp - Picks the Verilated model of a config and runs it ------------===//
#include "rtl/harness/rtl_sim.h"

#include "simulator/golden/functional_executor.h"

namespace tessera::rtl {

// One pair of functions per Verilated model, generated from rtl_model.cpp.in.
#define TESSERA_RTL_MODEL(NAME)                                                                        \
  const char *rtlModelConfigJson_##NAME();                                                             \
  StatusOr<RtlRun> runRtlModel_##NAME(const isa::Program &, const isa::HardwareConfig &,               \
                                      std::vector<uint8_t> &, const RtlOptions &);
#include "rtl_models.def"

namespace {

struct ModelEntry {
  const char *name;
  const char *(*configJson)();
  StatusOr<RtlRun> (*run)(const isa::Program &, const isa::HardwareConfig &, std::vector<uint8_t> &,
                          const RtlOptions &);
};

const ModelEntry kModels[] = {
#define TESSERA_RTL_MODEL(NAME) {#NAME, &rtlModelConfigJson_##NAME, &runRtlModel_##NAME},
#include "rtl_models.def"
};

const ModelEntry *findModel(const isa::HardwareConfig &config) {
  for (const ModelEntry &entry : kModels) {
    StatusOr<isa::HardwareConfig> built = isa::parseConfigText(entry.configJson());
    if (built.ok() && built->hash() == config.hash()) return &entry;
  }
  return nullptr;
}

} // namespace

std::vector<std::string> rtlModelConfigs() {
  std::vector<std::string> names;
  for (const ModelEntry &entry : kModels) names.push_back(entry.name);
  return names;
}

bool hasRtlModel(const isa::HardwareConfig &config) { return findModel(config) != nullptr; }

StatusOr<RtlRun> runRtl(const isa::Program &program, const isa::HardwareConfig &config, std::vector<uint8_t> &dram,
                        const RtlOptions &options) {
  const ModelEntry *model = findModel(config);
  if (!model)
    return invalidInput("rtl: no Verilated model for config '%s' (built for: %s)", config.name,
                        joinStrings(rtlModelConfigs(), ", "));
  if (program.instructions.empty()) return invalidInput("rtl: the program has no instructions");
  return model->run(program, config, dram, options);
}

} // namespace tessera::rtl
