//===- measure.cpp - A layer alone on the SystemC model ---------------------------------===//
#include "compiler/tune/measure.h"

#include "compiler/accel/layer_program.h"
#include "runtime/device.h"

namespace tessera::tune {

StatusOr<uint64_t> measureLayer(const accel::AccelLayer &layer, const accel::Mapping &mapping,
                                const isa::HardwareConfig &config) {
  TS_ASSIGN_OR_RETURN(isa::Program program, accel::layerProgram(layer, mapping, config));
  TS_ASSIGN_OR_RETURN(std::unique_ptr<runtime::Device> device, runtime::Device::open("systemc", config));
  TS_RETURN_IF_ERROR(device->load(std::move(program)));
  TS_ASSIGN_OR_RETURN(runtime::RunResult result, device->run({}));
  const nlohmann::json &segments = result.details.value("segments", nlohmann::json::array());
  if (segments.size() != 1 || !segments[0].contains("cycles"))
    return invalidInput("layer '%s': the systemc report has no segment for the layer", layer.name);
  return segments[0]["cycles"].get<uint64_t>();
}

} // namespace tessera::tune
