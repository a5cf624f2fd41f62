//===- race_checker.cpp - Happens-before checking of cross-unit accesses -------------===//
#include "simulator/golden/race_checker.h"

namespace tessera::sim {

namespace {
constexpr uint64_t kGranuleBytes = 64;
} // namespace

void mergeClock(VectorClock &into, const VectorClock &from) {
  for (size_t i = 0; i < into.size(); ++i) into[i] = std::max(into[i], from[i]);
}

RaceChecker::RaceChecker(const isa::HardwareConfig &config) {
  for (isa::Buffer buffer : {isa::Buffer::inp, isa::Buffer::wgt, isa::Buffer::out})
    scratchpads_[size_t(buffer)].resize(size_t(config.depth(buffer)));
}

void RaceChecker::beginInstruction(isa::Unit unit, size_t index, isa::Opcode opcode, const VectorClock &clock) {
  clock_ = clock;
  current_ = Access{clock[size_t(unit)], unit, index, opcode};
}

bool RaceChecker::ordered(const Access &previous) const {
  return previous.epoch == 0 || previous.unit == current_.unit || previous.epoch <= clock_[size_t(previous.unit)];
}

void RaceChecker::report(const Access &previous, const char *kind, Where where) {
  if (!status_.ok()) return;
  std::string what = where.dram ? absl::StrFormat("DRAM bytes 0x%x-0x%x", where.index * kGranuleBytes,
                                                  (where.index + 1) * kGranuleBytes - 1)
                                : strCat(isa::bufferName(where.buffer), " row ", where.index);
  status_ = invalidInput("race (%s): instruction %d (%s, %s unit) accesses %s after instruction %d (%s, %s unit) with "
                         "no dependency token ordering the two; add a push/pop between the %s and %s units",
                         kind, current_.instruction, isa::opcodeName(current_.opcode), isa::unitName(current_.unit), what,
                         previous.instruction, isa::opcodeName(previous.opcode), isa::unitName(previous.unit),
                         isa::unitName(previous.unit), isa::unitName(current_.unit));
}

void RaceChecker::read(Location &location, Where where) {
  if (!ordered(location.write)) report(location.write, "read after write", where);
  location.reads[size_t(current_.unit)] = current_;
}

void RaceChecker::write(Location &location, Where where) {
  if (!ordered(location.write)) report(location.write, "write after write", where);
  for (const Access &read : location.reads)
    if (!ordered(read)) report(read, "write after read", where);
  location.write = current_;
  location.reads = {};
}

void RaceChecker::scratchpadRead(isa::Buffer buffer, int64_t row, int64_t count) {
  std::vector<Location> &rows = scratchpads_[size_t(buffer)];
  if (rows.empty()) return;
  for (int64_t r = row; r < row + count; ++r) read(rows[size_t(r)], Where{false, buffer, uint64_t(r)});
}

void RaceChecker::scratchpadWrite(isa::Buffer buffer, int64_t row, int64_t count) {
  std::vector<Location> &rows = scratchpads_[size_t(buffer)];
  if (rows.empty()) return;
  for (int64_t r = row; r < row + count; ++r) write(rows[size_t(r)], Where{false, buffer, uint64_t(r)});
}

void RaceChecker::dramRead(uint64_t address, uint64_t bytes) {
  for (uint64_t g = address / kGranuleBytes; g * kGranuleBytes < address + bytes; ++g)
    read(granule(g), Where{true, isa::Buffer::uop, g});
}

void RaceChecker::dramWrite(uint64_t address, uint64_t bytes) {
  for (uint64_t g = address / kGranuleBytes; g * kGranuleBytes < address + bytes; ++g)
    write(granule(g), Where{true, isa::Buffer::uop, g});
}

} // namespace tessera::sim
