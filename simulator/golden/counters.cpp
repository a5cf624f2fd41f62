//===- counters.cpp - Counter serialization --------------------------------------===//
#include "simulator/golden/counters.h"

namespace tessera::sim {

nlohmann::json Counters::toJson() const {
  nlohmann::json loaded = nlohmann::json::object(), instructionCounts = nlohmann::json::object();
  for (int i = 0; i < isa::kBufferCount; ++i)
    if (isa::Buffer(i) != isa::Buffer::out) loaded[std::string(isa::bufferName(isa::Buffer(i)))] = bytesLoaded[size_t(i)];
  for (int i = 0; i < isa::kOpcodeCount; ++i)
    instructionCounts[std::string(isa::opcodeName(isa::Opcode(i)))] = instructions[size_t(i)];
  return {{"bytes_loaded", loaded}, {"bytes_stored", bytesStored}, {"gemm_uops", gemmUops},
          {"gemm_macs", gemmMacs},  {"alu_uops", aluUops},
          {"alu_lut_uops", aluLutUops}, {"instructions", instructionCounts}};
}

} // namespace tessera::sim
