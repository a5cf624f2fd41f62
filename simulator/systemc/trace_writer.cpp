//===- trace_writer.cpp - Slices, counters and track metadata -------------------------===//
#include "simulator/systemc/trace_writer.h"

#include <algorithm>

#include "support/file_io.h"
#include "simulator/systemc/timeline.h"
#include "isa/timing/transfer_shape.h"

namespace tessera::systemc {
namespace {

using nlohmann::json;

constexpr int kPid = 1;
enum Track : int { kFetch = 1, kLoad = 2, kCompute = 3, kStore = 4, kDram = 5, kLayers = 6 };

int trackOf(isa::Unit unit) {
  switch (unit) {
  case isa::Unit::load: return kLoad;
  case isa::Unit::compute: return kCompute;
  case isa::Unit::store: return kStore;
  }
  return kCompute;
}

json metadata(const char *kind, int tid, const std::string &name) {
  json event = {{"ph", "M"}, {"pid", kPid}, {"name", kind}, {"args", {{"name", name}}}};
  if (tid != 0) event["tid"] = tid;
  return event;
}

json slice(const std::string &name, int tid, uint64_t begin, uint64_t end, json args) {
  return {{"ph", "X"}, {"pid", kPid}, {"tid", tid}, {"name", name}, {"ts", begin}, {"dur", end - begin},
          {"args", std::move(args)}};
}

std::string sliceName(const isa::Instruction &inst) {
  if (inst.opcode == isa::Opcode::load) return strCat("load ", isa::bufferName(inst.buffer()));
  if (inst.opcode == isa::Opcode::alu) return strCat("alu ", isa::aluOpName(inst.aluOp()));
  return std::string(isa::opcodeName(inst.opcode));
}

json instructionArgs(size_t index, const isa::Instruction &inst, const InstructionRecord &record) {
  json args = {{"index", index}, {"dispatch", record.dispatch}, {"ready", record.ready}};
  for (int f = 0; f < isa::kFieldCount; ++f) {
    isa::Field field = isa::Field(f);
    int64_t value = inst[field];
    if (value == 0 || field == isa::Field::opcode) continue;
    if (field == isa::Field::buffer) args["buffer"] = isa::bufferName(inst.buffer());
    else if (field == isa::Field::alu_op) args["alu_op"] = isa::aluOpName(inst.aluOp());
    else args[std::string(isa::fieldName(field))] = value;
  }
  if (record.grant != kNever) {
    args["dram_grant"] = record.grant;
    args["dram_first_beat"] = record.firstBeat;
    args["dram_stall_cycles"] = record.dramStall;
    args["dram_bytes"] = record.dramBytes;
  }
  return args;
}

void addInstructionEvents(json &events, const isa::Program &program, const SimulationOutcome &outcome) {
  for (size_t i = 0; i < program.instructions.size(); ++i) {
    const InstructionRecord &record = outcome.records[i];
    const isa::Instruction &inst = program.instructions[i];
    if (record.dispatch != kNever)
      events.push_back(slice(strCat("dispatch ", isa::opcodeName(inst.opcode)), kFetch, record.dispatch,
                             record.dispatch + 1, {{"index", i}}));
    if (record.start == kNever || record.end == kNever) continue;
    int track = trackOf(isa::unitOf(inst));
    if (record.start > record.ready)
      events.push_back(slice("wait tokens", track, record.ready, record.start, {{"index", i}}));
    events.push_back(slice(sliceName(inst), track, record.start, record.end, instructionArgs(i, inst, record)));
  }
}

/// One async slice per program segment (layer) on the "layers" track, from its first
/// instruction's start to its last one's end; neighbouring layers overlap in time, so
/// each is its own async event (Perfetto stacks them) rather than a nested slice.
void addSegmentEvents(json &events, const isa::Program &program, const SimulationOutcome &outcome) {
  for (size_t k = 0; k < program.segments.size(); ++k) {
    const isa::Segment &segment = program.segments[k];
    uint64_t begin = kNever, end = 0;
    for (uint32_t i = segment.firstInstruction; i < segment.firstInstruction + segment.instructionCount; ++i) {
      const InstructionRecord &record = outcome.records[i];
      if (record.start == kNever || record.end == kNever) continue;
      begin = std::min(begin, record.start), end = std::max(end, record.end);
    }
    if (begin == kNever) continue;
    json args = {{"op", segment.op}, {"first_instruction", segment.firstInstruction},
                 {"instruction_count", segment.instructionCount}, {"cycles", end - begin}};
    events.push_back({{"ph", "b"}, {"cat", "layer"}, {"id", k}, {"pid", kPid}, {"tid", kLayers}, {"name", segment.name},
                      {"ts", begin}, {"args", std::move(args)}});
    events.push_back({{"ph", "e"}, {"cat", "layer"}, {"id", k}, {"pid", kPid}, {"tid", kLayers}, {"name", segment.name},
                      {"ts", end}});
  }
}

void addDramEvents(json &events, const isa::Program &program, const isa::HardwareConfig &config,
                   const SimulationOutcome &outcome) {
  for (size_t i = 0; i < program.instructions.size(); ++i) {
    const InstructionRecord &record = outcome.records[i];
    if (record.grant == kNever || record.end == kNever) continue;
    const isa::Instruction &inst = program.instructions[i];
    uint64_t beats = timing::dmaShape(inst, config).beats;
    events.push_back(slice(strCat(isa::unitName(isa::unitOf(inst)), " ", sliceName(inst)), kDram, record.firstBeat,
                           record.firstBeat + beats, {{"index", i}, {"bytes", record.dramBytes}, {"grant", record.grant}}));
  }
}

void addCounters(json &events, const isa::Program &program, const isa::HardwareConfig &config,
                 const SimulationOutcome &outcome) {
  for (const Signal &signal : buildTimeline(program, config, outcome)) {
    if (signal.name.rfind("active.", 0) == 0) continue;
    for (const auto &[cycle, value] : signal.changes)
      events.push_back({{"ph", "C"}, {"pid", kPid}, {"name", signal.name}, {"ts", cycle}, {"args", {{"value", value}}}});
  }
}

} // namespace

json buildTrace(const isa::Program &program, const isa::HardwareConfig &config, const SimulationOutcome &outcome) {
  json events = json::array();
  events.push_back(metadata("process_name", 0, strCat("tessera accelerator '", config.name, "' (ts = cycles)")));
  const std::pair<int, const char *> tracks[] = {
      {kFetch, "fetch"}, {kLoad, "load"}, {kCompute, "compute"}, {kStore, "store"}, {kDram, "dram data bus"},
      {kLayers, "layers"}};
  for (const auto &[tid, name] : tracks) {
    events.push_back(metadata("thread_name", tid, name));
    events.push_back({{"ph", "M"}, {"pid", kPid}, {"tid", tid}, {"name", "thread_sort_index"}, {"args", {{"sort_index", tid}}}});
  }
  addInstructionEvents(events, program, outcome);
  addSegmentEvents(events, program, outcome);
  addDramEvents(events, program, config, outcome);
  addCounters(events, program, config, outcome);
  json other = {{"ts_unit", "cycles"},
                {"note", "ts and dur count accelerator clock cycles, not microseconds"},
                {"clock_mhz", config.clock_mhz},
                {"total_cycles", outcome.totalCycles},
                {"config", config.name}};
  return {{"traceEvents", std::move(events)}, {"displayTimeUnit", "ns"}, {"otherData", std::move(other)}};
}

Status writeTrace(const std::string &path, const isa::Program &program, const isa::HardwareConfig &config,
                  const SimulationOutcome &outcome) {
  return writeTextFile(path, buildTrace(program, config, outcome).dump());
}

} // namespace tessera::systemc
