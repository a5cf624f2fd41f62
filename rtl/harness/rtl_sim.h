//===- rtl_sim.h - Runs a program on the Verilated RTL ------------------------------===//
//
// The Verilator testbench of rtl/tessera_top.sv: it loads a program's DRAM image, drives
// the accelerator's memory port with the shared DRAM timing model
// (isa/timing/dram_model.h, per-burst view), runs to FINISH and leaves the final
// DRAM contents in place. One Verilated model is built per shipped config (default and
// small); a run picks the one whose config equals the program's.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "isa/program.h"

namespace tessera::rtl {

/// Cycle classes of one unit (docs/microarchitecture.md, section 8). For fetch,
/// stallToken counts stall_queue cycles.
struct UnitCycles {
  uint64_t busy = 0;
  uint64_t stallDram = 0;
  uint64_t stallToken = 0;
  uint64_t idle = 0;
};

/// Units in report order.
enum class RtlUnit : uint8_t { fetch = 0, load = 1, compute = 2, store = 3 };
inline constexpr int kRtlUnitCount = 4;

inline constexpr uint64_t kNoCycle = ~uint64_t(0);

/// When an instruction was dispatched, started and ended (its first free cycle); for a
/// LOAD/STORE that moves data, its DRAM grant and first data beat (kNoCycle otherwise).
struct InstructionTiming {
  uint64_t dispatch = 0;
  uint64_t start = 0;
  uint64_t end = 0;
  uint64_t grant = kNoCycle;
  uint64_t firstBeat = kNoCycle;
};

struct RtlRun {
  uint64_t totalCycles = 0;
  std::array<UnitCycles, kRtlUnitCount> units{};
  std::vector<InstructionTiming> instructions; ///< in program order
  uint64_t fetchBlocks = 0;   ///< instruction blocks read
  uint64_t fetchBytes = 0;    ///< instruction bytes read
  uint64_t dramBusyBeats = 0; ///< data-bus cycles
  double seconds = 0;         ///< wall-clock time of the run
  double cpuSeconds = 0;      ///< CPU time of the run (one thread)
};

struct RtlOptions {
  uint64_t maxCycles = 0; ///< 0: no limit
  std::string vcdPath;    ///< waveform of the whole run when not empty
};

/// Names of the configs a Verilated model was built for.
std::vector<std::string> rtlModelConfigs();

/// True when a Verilated model exists for `config`.
bool hasRtlModel(const isa::HardwareConfig &config);

/// Runs `program` on the model built for `config` over `dram` (its image, inputs
/// written); DRAM holds the results afterwards.
StatusOr<RtlRun> runRtl(const isa::Program &program, const isa::HardwareConfig &config,
                        std::vector<uint8_t> &dram, const RtlOptions &options);

} // namespace tessera::rtl
