//===- energy_table.cpp - Energy/area table parsing and interpolation ---------------===//
#include "isa/energy_table.h"

#include <cmath>
#include <cstdlib>
#include <iostream>

#include "isa/energy_default.h"
#include "support/file_io.h"

namespace tessera::isa {
namespace {

using nlohmann::json;

/// Reads `object[key]` (named `path` in errors) as a number >= 0.
Status readNumber(const json &object, const std::string &key, const std::string &path, const std::string &source,
                  double &out) {
  if (!object.is_object() || !object.contains(key))
    return invalidInput("%s: missing energy table key '%s'", source, path);
  const json &value = object.at(key);
  if (!value.is_number()) return invalidInput("%s: energy table key '%s' must be a number, got %s", source, path, value.dump());
  out = value.get<double>();
  if (!std::isfinite(out) || out < 0)
    return invalidInput("%s: energy table key '%s' must be a non-negative number, got %s", source, path, value.dump());
  return absl::OkStatus();
}

Status readSection(const json &root, const std::string &section, const std::string &source, const json *&out) {
  if (!root.contains(section) || !root.at(section).is_object())
    return invalidInput("%s: missing energy table object '%s'", source, section);
  out = &root.at(section);
  return absl::OkStatus();
}

Status readSram(const json &root, const std::string &source, std::vector<SramPoint> &points) {
  if (!root.contains("sram") || !root.at("sram").is_array() || root.at("sram").empty())
    return invalidInput("%s: energy table key 'sram' must be a non-empty list of {kb, read_pj_per_64bit, area_mm2_per_kb}",
                        source);
  for (size_t i = 0; i < root.at("sram").size(); ++i) {
    const json &item = root.at("sram")[i];
    std::string prefix = "sram[" + std::to_string(i) + "].";
    SramPoint point;
    TS_RETURN_IF_ERROR(readNumber(item, "kb", prefix + "kb", source, point.kb));
    TS_RETURN_IF_ERROR(readNumber(item, "read_pj_per_64bit", prefix + "read_pj_per_64bit", source, point.readPjPer64Bit));
    TS_RETURN_IF_ERROR(readNumber(item, "area_mm2_per_kb", prefix + "area_mm2_per_kb", source, point.areaMm2PerKb));
    if (point.kb <= 0 || (!points.empty() && point.kb <= points.back().kb))
      return invalidInput("%s: energy table key '%skb' must be positive and larger than the previous point's", source, prefix);
    points.push_back(point);
  }
  return absl::OkStatus();
}

/// Interpolates `field` of the SRAM points linearly in log2(kb), clamped at the ends.
double interpolate(const std::vector<SramPoint> &points, double kb, double SramPoint::*field) {
  if (kb <= points.front().kb) return points.front().*field;
  if (kb >= points.back().kb) return points.back().*field;
  size_t i = 1;
  while (points[i].kb < kb) ++i;
  const SramPoint &lo = points[i - 1], &hi = points[i];
  double t = (std::log2(kb) - std::log2(lo.kb)) / (std::log2(hi.kb) - std::log2(lo.kb));
  return lo.*field + t * (hi.*field - lo.*field);
}

} // namespace

double EnergyTable::sramReadPj(double bufferBytes, double bits) const {
  return interpolate(sram, bufferBytes / 1024.0, &SramPoint::readPjPer64Bit) * bits / 64.0;
}

double EnergyTable::sramAreaMm2(double bufferBytes) const {
  double kb = bufferBytes / 1024.0;
  return interpolate(sram, kb, &SramPoint::areaMm2PerKb) * kb;
}

StatusOr<EnergyTable> parseEnergyTable(const json &root, const std::string &source) {
  if (!root.is_object()) return invalidInput("%s: an energy table must be a JSON object", source);
  EnergyTable table;
  table.name = root.value("name", std::string("unnamed"));
  const json *energy = nullptr, *power = nullptr, *area = nullptr;
  TS_RETURN_IF_ERROR(readSection(root, "energy_pj", source, energy));
  TS_RETURN_IF_ERROR(readNumber(*energy, "mac_int8", "energy_pj.mac_int8", source, table.macInt8Pj));
  TS_RETURN_IF_ERROR(readNumber(*energy, "alu_lane_op", "energy_pj.alu_lane_op", source, table.aluLaneOpPj));
  TS_RETURN_IF_ERROR(readNumber(*energy, "lut_read", "energy_pj.lut_read", source, table.lutReadPj));
  TS_RETURN_IF_ERROR(readNumber(*energy, "sram_write_over_read", "energy_pj.sram_write_over_read", source, table.sramWriteOverRead));
  TS_RETURN_IF_ERROR(readNumber(*energy, "dram_per_bit", "energy_pj.dram_per_bit", source, table.dramPjPerBit));
  TS_RETURN_IF_ERROR(readNumber(*energy, "queue_per_byte", "energy_pj.queue_per_byte", source, table.queuePjPerByte));
  TS_RETURN_IF_ERROR(readSram(root, source, table.sram));
  TS_RETURN_IF_ERROR(readSection(root, "static_mw", source, power));
  TS_RETURN_IF_ERROR(readNumber(*power, "sram_per_kb", "static_mw.sram_per_kb", source, table.staticSramMwPerKb));
  TS_RETURN_IF_ERROR(readNumber(*power, "mac", "static_mw.mac", source, table.staticMacMw));
  TS_RETURN_IF_ERROR(readNumber(*power, "alu_lane", "static_mw.alu_lane", source, table.staticAluLaneMw));
  TS_RETURN_IF_ERROR(readSection(root, "area_mm2", source, area));
  TS_RETURN_IF_ERROR(readNumber(*area, "mac", "area_mm2.mac", source, table.areaMacMm2));
  TS_RETURN_IF_ERROR(readNumber(*area, "alu_lane", "area_mm2.alu_lane", source, table.areaAluLaneMm2));
  TS_RETURN_IF_ERROR(readNumber(*area, "queue_per_byte", "area_mm2.queue_per_byte", source, table.areaQueueMm2PerByte));
  return table;
}

StatusOr<EnergyTable> loadEnergyTableFile(const std::string &path) {
  TS_ASSIGN_OR_RETURN(std::string text, readTextFile(path));
  json root = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return invalidInput("%s: not valid JSON", path);
  return parseEnergyTable(root, path);
}

const EnergyTable &defaultEnergyTable() {
  static const EnergyTable table = [] {
    StatusOr<EnergyTable> parsed = parseEnergyTable(json::parse(kDefaultEnergyTableJson), "configs/energy/default-45nm.json");
    if (!parsed.ok()) {
      std::cerr << "internal error: the compiled-in energy table is invalid: " << parsed.status().message() << "\n";
      std::abort();
    }
    return *parsed;
  }();
  return table;
}

} // namespace tessera::isa
