//===- accel_report.cpp - Text forms of the accel pipeline's partition and layers ---===//
#include "compiler/driver/accel_report.h"

#include "compiler/accel/host_model.h"
#include "compiler/graph/printer.h"

namespace tessera::driver {
namespace {

std::string countsOf(const std::map<std::string, int> &counts) {
  std::vector<std::string> parts;
  for (const auto &[op, count] : counts) parts.push_back(strCat(op, " x", count));
  return parts.empty() ? std::string("none") : joinStrings(parts, ", ");
}

std::string transfers(const char *title, const std::vector<accel::HostTransfer> &list) {
  std::string text = strCat("  ", title, ":\n");
  for (const accel::HostTransfer &t : list)
    text += strCat("    ", t.value, " <-> ", t.tensor, " ", shapeToString(t.shape), " as image ", shapeToString(t.nchw),
                   t.window ? " (kernel window packed into channels)" : "", "\n");
  return text;
}

/// A region: a host region's graph, or an accelerator region's instructions and transfers.
std::string regionText(const accel::HostRegion &region) {
  std::string text = strCat(accel::regionName(region.region), ":");
  if (!region.onAccelerator()) return strCat(text, "\n", graph::printGraph(*region.graph));
  text += absl::StrFormat(" instructions [%d, %d)\n", region.firstInstruction, region.endInstruction);
  return text + transfers("to device", region.toDevice) + transfers("from device", region.fromDevice);
}

} // namespace

std::string partitionPlan(const accel::CompiledModel &model) {
  std::string text = strCat("accel: ", countsOf(model.acceleratorOps), "\n", "cpu:   ", countsOf(model.cpuOps), "\n");
  for (const std::string &reason : model.cpuReasons) text += strCat("  cpu: ", reason, "\n");
  StatusOr<accel::HostModel> host = accel::HostModel::fromJson(model.program.host);
  if (!host.ok()) return strCat(text, "host side unreadable: ", host.status().message(), "\n");
  for (const accel::HostRegion &region : host->regions) text += regionText(region);
  return text;
}

std::string layerTable(const accel::CompiledModel &model) {
  std::string text = absl::StrFormat("%-32s %-14s %14s %14s\n", "layer", "op", "macs", "est_cycles");
  for (const accel::LayerSummary &layer : model.layers)
    text += absl::StrFormat("%-32s %-14s %14d %14.0f\n", layer.name, layer.op, layer.macs, layer.estimatedCycles);
  return text;
}

} // namespace tessera::driver
