//===- coverage.cpp - The coverage line and report object -----------------------------===//
#include "compiler/accel/coverage.h"

#include <absl/strings/str_format.h>

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
    coverage.accelLayers = json.at("accel_layers").get<int64_t>();
    coverage.hostLayers = json.at("host_layers").get<int64_t>();
    coverage.hostOps = json.at("host_ops").get<std::vector<std::string>>();
    coverage.accelMacs = json.at("accel_macs").get<int64_t>();
    coverage.totalMacs = json.at("total_macs").get<int64_t>();
    coverage.accelRegions = json.at("accel_regions").get<int64_t>();
    coverage.hostRegions = json.at("host_regions").get<int64_t>();
  } catch (const nlohmann::json::exception &error) {
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
