//===- vcd_writer.cpp - Header, declarations and merged value changes ---------------===//
#include "simulator/systemc/vcd_writer.h"

#include <map>

#include "support/file_io.h"
#include "simulator/systemc/timeline.h"

namespace tessera::systemc {
namespace {

/// VCD identifier codes: printable characters from '!'.
std::string identifier(size_t index) { return std::string(1, char('!' + index)); }

std::string binary(int64_t value, int width) {
  std::string bits;
  for (int b = width - 1; b >= 0; --b) bits.push_back((uint64_t(value) >> b) & 1 ? '1' : '0');
  return bits;
}

std::string valueChange(const Signal &signal, size_t index, int64_t value) {
  if (signal.width == 1) return strCat(value ? "1" : "0", identifier(index), "\n");
  return strCat("b", binary(value, signal.width), " ", identifier(index), "\n");
}

std::string header(const isa::HardwareConfig &config, const std::vector<Signal> &signals) {
  std::string out = strCat("$comment tessera systemc model, config '", config.name,
                           "': one time unit is one accelerator cycle $end\n$timescale 1ns $end\n");
  out += "$scope module accelerator $end\n";
  for (size_t i = 0; i < signals.size(); ++i) {
    std::string name = signals[i].name;
    for (char &c : name)
      if (c == '.') c = '_';
    strAppend(&out, "$var wire ", signals[i].width, " ", identifier(i), " ", name, " $end\n");
  }
  return out + "$upscope $end\n$enddefinitions $end\n";
}

} // namespace

std::string buildVcd(const isa::Program &program, const isa::HardwareConfig &config, const SimulationOutcome &outcome) {
  std::vector<Signal> signals = buildTimeline(program, config, outcome);
  std::map<uint64_t, std::string> changes;
  for (size_t i = 0; i < signals.size(); ++i)
    for (const auto &[cycle, value] : signals[i].changes) changes[cycle] += valueChange(signals[i], i, value);
  std::string out = header(config, signals);
  for (const auto &[cycle, text] : changes) strAppend(&out, "#", cycle, "\n", text);
  strAppend(&out, "#", outcome.totalCycles, "\n");
  return out;
}

Status writeVcd(const std::string &path, const isa::Program &program, const isa::HardwareConfig &config,
                const SimulationOutcome &outcome) {
  return writeTextFile(path, buildVcd(program, config, outcome));
}

} // namespace tessera::systemc
