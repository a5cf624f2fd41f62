//===- testbench.h - The cycle loop around one Verilated tessera_top --------------===//
//
// A template over the Verilated class (one per config). Each cycle c:
//   1. drive the memory inputs of cycle c: the next read beat (data, id) or write beat
//      of the oldest accepted burst, if it falls in c;
//   2. evaluate with the clock low, so the outputs show cycle c;
//   3. take the write data of a write beat; accept a burst request, asking the DRAM
//      model (acceptBurst) for its first beat; record starts and ends for the trace;
//   4. raise the clock (the edge that ends cycle c).
// The run ends when done_o rises; cycles_o is then total_cycles.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <algorithm>
#include <chrono>
#include <ctime>
#include <deque>
#include <memory>
#include <type_traits>

#include <verilated.h>
#include <verilated_vcd_c.h>

#include "rtl/harness/rtl_sim.h"
#include "isa/timing/dram_model.h"

namespace tessera::rtl {

/// Bytes into / out of a Verilated port (an integer or a VlWide).
template <typename T>
void putBytes(T &port, const uint8_t *bytes, size_t count) {
  if constexpr (std::is_integral_v<T>) {
    uint64_t value = 0;
    for (size_t i = 0; i < count && i < sizeof(T); ++i) value |= uint64_t(bytes[i]) << (8 * i);
    port = T(value);
  } else {
    for (size_t word = 0; word < sizeof(port.m_storage) / 4; ++word) {
      uint32_t value = 0;
      for (size_t i = 0; i < 4 && word * 4 + i < count; ++i) value |= uint32_t(bytes[word * 4 + i]) << (8 * i);
      port[word] = value;
    }
  }
}

template <typename T>
void getBytes(const T &port, uint8_t *bytes, size_t count) {
  if constexpr (std::is_integral_v<T>) {
    for (size_t i = 0; i < count; ++i) bytes[i] = uint8_t(uint64_t(port) >> (8 * i));
  } else {
    for (size_t i = 0; i < count; ++i) bytes[i] = uint8_t(port[i / 4] >> (8 * (i % 4)));
  }
}

/// Per-unit program-order lists of instruction indices, to name what starts and ends.
struct UnitOrder {
  std::array<std::vector<size_t>, 3> indices;
  std::array<size_t, 3> started{}, ended{};
};

template <typename Top>
class Testbench {
public:
  Testbench(const isa::Program &program, const isa::HardwareConfig &config, std::vector<uint8_t> &dram,
            const RtlOptions &options)
      : program_(program), config_(config), dram_(dram), options_(options), model_(config) {
    context_ = std::make_unique<VerilatedContext>();
    context_->fatalOnError(false); // a failed RTL assertion becomes an error status
    top_ = std::make_unique<Top>(context_.get());
    beatBytes_ = uint64_t(config.dram_bytes_per_cycle);
    beat_.resize(size_t(beatBytes_));
    for (size_t i = 0; i < program.instructions.size(); ++i)
      order_.indices[size_t(isa::unitOf(program.instructions[i]))].push_back(i);
    run_.instructions.resize(program.instructions.size());
  }

  StatusOr<RtlRun> run() {
    auto wallBegin = std::chrono::steady_clock::now();
    double cpuBegin = threadCpuSeconds();
    if (!options_.vcdPath.empty()) openVcd();
    reset();
    start();
    for (cycle_ = 0;; ++cycle_) {
      if (options_.maxCycles && cycle_ >= options_.maxCycles)
        return invalidInput("rtl: no FINISH after %d cycles (--max-cycles)", options_.maxCycles);
      TS_RETURN_IF_ERROR(step());
      if (top_->done_o) break;
    }
    run_.totalCycles = top_->cycles_o;
    run_.dramBusyBeats = model_.busyBeats();
    readCounters();
    if (vcd_) vcd_->close();
    run_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wallBegin).count();
    run_.cpuSeconds = threadCpuSeconds() - cpuBegin;
    return run_;
  }

private:
  struct Burst {
    uint8_t id;
    bool write;
    uint64_t addr, bytes, first, beats, done;
  };

  static double threadCpuSeconds() {
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return double(now.tv_sec) + double(now.tv_nsec) * 1e-9;
  }

  void openVcd() {
    context_->traceEverOn(true);
    vcd_ = std::make_unique<VerilatedVcdC>();
    top_->trace(vcd_.get(), 99);
    vcd_->open(options_.vcdPath.c_str());
  }

  void edge(bool clock) {
    top_->clk_i = clock;
    top_->eval();
    if (vcd_) vcd_->dump(time_);
    ++time_;
  }

  void reset() {
    top_->rst_ni = 0;
    top_->start_i = 0;
    top_->mem_req_ready_i = 1;
    top_->mem_rsp_valid_i = 0;
    top_->mem_wbeat_i = 0;
    top_->perf_sel_i = 0;
    edge(false);
    edge(true);
    top_->rst_ni = 1;
    edge(false);
  }

  void start() {
    top_->insn_base_i = program_.instructionOffset;
    top_->insn_count_i = uint32_t(program_.instructions.size());
    top_->start_i = 1;
    edge(false);
    edge(true);
    top_->start_i = 0;
  }

  /// The burst whose beat falls in the current cycle, if any.
  Burst *currentBeat() {
    if (bursts_.empty()) return nullptr;
    Burst &front = bursts_.front();
    return front.first + front.done == cycle_ ? &front : nullptr;
  }

  uint64_t beatSize(const Burst &burst) const { return std::min(beatBytes_, burst.bytes - burst.done * beatBytes_); }

  void driveBeat(Burst *burst) {
    top_->mem_rsp_valid_i = 0;
    top_->mem_wbeat_i = 0;
    if (!burst) return;
    if (burst->write) {
      top_->mem_wbeat_i = 1;
      return;
    }
    std::fill(beat_.begin(), beat_.end(), 0);
    std::copy_n(dram_.data() + burst->addr + burst->done * beatBytes_, beatSize(*burst), beat_.begin());
    putBytes(top_->mem_rsp_data_i, beat_.data(), beat_.size());
    top_->mem_rsp_id_i = burst->id;
    top_->mem_rsp_valid_i = 1;
  }

  void finishBeat(Burst *burst) {
    if (!burst) return;
    if (burst->write) {
      getBytes(top_->mem_wdata_o, beat_.data(), beat_.size());
      std::copy_n(beat_.begin(), beatSize(*burst), dram_.data() + burst->addr + burst->done * beatBytes_);
    }
    if (++burst->done == burst->beats) bursts_.pop_front();
  }

  Status acceptRequest() {
    if (!top_->mem_req_valid_o) return absl::OkStatus();
    Burst burst{uint8_t(top_->mem_req_id_o), bool(top_->mem_req_write_o), uint64_t(top_->mem_req_addr_o),
                uint64_t(top_->mem_req_bytes_o), 0, 0, 0};
    if (burst.bytes == 0 || burst.addr + burst.bytes > dram_.size())
      return invalidInput("rtl: cycle %d: DRAM burst [0x%x, +%d) outside DRAM (0x%x bytes)", cycle_, burst.addr,
                          burst.bytes, dram_.size());
    burst.first = model_.acceptBurst(cycle_, burst.bytes);
    burst.beats = model_.beatsFor(burst.bytes);
    bursts_.push_back(burst);
    recordGrant(burst);
    return absl::OkStatus();
  }

  /// The first burst of a unit's transfer after its instruction started is its grant.
  void recordGrant(const Burst &burst) {
    if (burst.id == 0) {
      ++run_.fetchBlocks;
      run_.fetchBytes += burst.bytes;
      return;
    }
    static const size_t kUnitOfRequester[] = {0, size_t(isa::Unit::compute), size_t(isa::Unit::load),
                                              size_t(isa::Unit::store)};
    size_t unit = kUnitOfRequester[burst.id];
    if (order_.started[unit] == 0) return;
    InstructionTiming &timing = run_.instructions[order_.indices[unit][order_.started[unit] - 1]];
    if (timing.grant != kNoCycle) return;
    timing.grant = cycle_;
    timing.firstBeat = burst.first;
  }

  void recordTrace() {
    if (top_->disp_valid_o && dispatched_ < run_.instructions.size())
      run_.instructions[dispatched_++].dispatch = cycle_;
    for (size_t unit = 0; unit < 3; ++unit) {
      const std::vector<size_t> &list = order_.indices[unit];
      if ((top_->unit_start_o >> unit & 1) && order_.started[unit] < list.size())
        run_.instructions[list[order_.started[unit]++]].start = cycle_;
      if ((top_->unit_done_o >> unit & 1) && order_.ended[unit] < list.size())
        run_.instructions[list[order_.ended[unit]++]].end = cycle_ + 1;
    }
  }

  Status step() {
    Burst *burst = currentBeat();
    driveBeat(burst);
    edge(false);
    finishBeat(burst);
    recordTrace();
    TS_RETURN_IF_ERROR(acceptRequest());
    edge(true);
    if (context_->gotError())
      return absl::InternalError(absl::StrFormat("rtl: an assertion of the RTL failed in cycle %d", cycle_));
    return absl::OkStatus();
  }

  void readCounters() {
    for (int unit = 0; unit < kRtlUnitCount; ++unit) {
      uint64_t values[4];
      for (int kind = 0; kind < 4; ++kind) {
        top_->perf_sel_i = uint8_t(unit * 4 + kind);
        top_->eval();
        values[kind] = top_->perf_data_o;
      }
      run_.units[size_t(unit)] = UnitCycles{values[0], values[1], values[2], values[3]};
    }
  }

  const isa::Program &program_;
  const isa::HardwareConfig &config_;
  std::vector<uint8_t> &dram_;
  RtlOptions options_;
  timing::DramModel model_;
  std::unique_ptr<VerilatedContext> context_;
  std::unique_ptr<Top> top_;
  std::unique_ptr<VerilatedVcdC> vcd_;
  std::deque<Burst> bursts_;
  std::vector<uint8_t> beat_; ///< one data beat on its way in or out
  UnitOrder order_;
  RtlRun run_;
  uint64_t beatBytes_ = 0, cycle_ = 0, time_ = 0;
  size_t dispatched_ = 0;
};

} // namespace tessera::rtl
