//===- coverage.cpp - The coverage line and report object -----------------------------===//
#include "compiler/accel/coverage.h"

#include <absl/strings/str_format.h>

#include "support/json_number.h"
#include "support/strings.h"

namespace tessera::accel {

double Coverage::macFraction() const { return totalMacs > 0 ? double(accelMacs) / double(totalMacs) : 1.0; }

std::string Coverage::describe() const {
  std::string host = hostOps.empty() ? "nothing" : joinStrings(hostOps, ", ");
  return absl::StrFormat("accelerator: %d of %d layers, %.1f%% of MACs; host: %s; regions: %d accelerator, %d host",
                         accelLayers, accelLayers + hostLayers, 100.0 * macFraction(), host, accelRegions, hostRegions);
}

nlohmann::json Coverage::toJson() const {
  return {{"accel_layers", accelLayers}, {"host_layers", hostLayers}, {"host_ops", hostOps},
          {"accel_macs", accelMacs},     {"total_macs", totalMacs},   {"accel_mac_fraction", macFraction()},
          {"accel_regions", accelRegions}, {"host_regions", hostRegions}};
}

StatusOr<Coverage> Coverage::fromJson(const nlohmann::json &json) {
  Coverage coverage;
  try {
    coverage.accelLayers = jsonAt<int64_t>(json, "accel_layers");
    coverage.hostLayers = jsonAt<int64_t>(json, "host_layers");
    coverage.hostOps = json.at("host_ops").get<std::vector<std::string>>();
    coverage.accelMacs = jsonAt<int64_t>(json, "accel_macs");
    coverage.totalMacs = jsonAt<int64_t>(json, "total_macs");
    coverage.accelRegions = jsonAt<int64_t>(json, "accel_regions");
    coverage.hostRegions = jsonAt<int64_t>(json, "host_regions");
  } catch (const std::exception &error) {  // nlohmann::json::exception, JsonRangeError
    return invalidInput("coverage: %s", error.what());
  }
  if (coverage.accelLayers < 0 || coverage.hostLayers < 0 || coverage.accelMacs < 0 ||
      coverage.accelMacs > coverage.totalMacs)
    return invalidInput("coverage: inconsistent counts (%d and %d layers, %d of %d MACs)", coverage.accelLayers,
                        coverage.hostLayers, coverage.accelMacs, coverage.totalMacs);
  if (coverage.accelRegions < 0 || coverage.hostRegions < 0)
    return invalidInput("coverage: negative region counts (%d accelerator, %d host)", coverage.accelRegions,
                        coverage.hostRegions);
  return coverage;
}

} // namespace tessera::accel
