//===- model.cpp - Elaboration, sc_start and how the run ended -----------------------===//
#include "simulator/systemc/model.h"

#include <chrono>
#include <ctime>
#include <cstdio>
#include <memory>

#include "simulator/systemc/exec_unit.h"
#include "simulator/systemc/fetch_unit.h"
#include "simulator/systemc/queues.h"

namespace tessera::systemc {
namespace {

using isa::Unit;

constexpr uint64_t kMaxCycles = ~uint64_t(0) / kTicksPerCycle - 1;

/// The top of the hierarchy: every module and channel, bound.
class Accelerator : public sc_core::sc_module {
public:
  Accelerator(sc_core::sc_module_name name, ModelContext &context)
      : sc_core::sc_module(name), dram("dram", context.config), fetch("fetch", context, dram),
        load("load", Unit::load, context, dram), compute("compute", Unit::compute, context, dram),
        store("store", Unit::store, context, dram) {
    const uint64_t depth = uint64_t(context.config.instruction_queue_depth);
    for (const char *queueName : {"load_queue", "compute_queue", "store_queue"})
      queues.push_back(std::make_unique<InstructionQueue>(queueName, depth));
    for (const char *tokenName : {"l2c", "c2l", "c2s", "s2c"})
      tokenQueues.push_back(std::make_unique<TokenQueue>(tokenName, context.config.token_queue_depth));
    ExecUnit *units[] = {&load, &compute, &store};
    for (int u = 0; u < isa::kUnitCount; ++u) {
      fetch.queues[size_t(u)](*queues[size_t(u)]);
      units[u]->queue(*queues[size_t(u)]);
      for (int q = 0; q < sim::kTokenQueueCount; ++q) units[u]->tokens[size_t(q)](*tokenQueues[size_t(q)]);
    }
    compute.setDrainedUnits(&load, &store);
  }

  /// "protocol error: deadlock at cycle N ..." with each unit's state.
  Status deadlock(uint64_t cycle) const {
    std::string detail = strCat("\n  fetch: ", fetch.blockedReason());
    for (const ExecUnit *unit : {&load, &compute, &store})
      strAppend(&detail, "\n  ", unit->basename(), ": ", unit->blockedReason());
    return invalidInput("protocol error: deadlock at cycle %d, no unit can proceed (a pop with no matching push, or "
                        "a full token queue):%s",
                        cycle, detail);
  }

  DramModule dram;
  FetchUnit fetch;
  ExecUnit load, compute, store;
  std::vector<std::unique_ptr<InstructionQueue>> queues;
  std::vector<std::unique_ptr<TokenQueue>> tokenQueues;
};

void quietKernel() {
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  sc_core::sc_report_handler::set_actions(sc_core::SC_WARNING, sc_core::SC_DO_NOTHING);
}

double threadCpuSeconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return double(now.tv_sec) + double(now.tv_nsec) * 1e-9;
}

Status endStatus(const ModelContext &context, const Accelerator &top, uint64_t maxCycles) {
  if (context.error) return *context.error;
  if (context.finishedAt) return absl::OkStatus();
  uint64_t cycle = nowCycle();
  // Timed waits still pending: the run was cut by the limit, not starved by a deadlock.
  if (maxCycles != 0 && (cycle >= maxCycles || sc_core::sc_pending_activity()))
    return absl::ResourceExhaustedError(
        absl::StrFormat("simulation stopped at the --max-cycles limit of %d cycles before FINISH", maxCycles));
  return top.deadlock(cycle);
}

} // namespace

SimulationOutcome simulate(const isa::Program &program, const isa::HardwareConfig &config, std::vector<uint8_t> &dram,
                           const SimulateOptions &options) {
  SimulationOutcome outcome;
  auto layout = isa::IsaLayout::build(config);
  if (!layout.ok()) {
    outcome.errorCode = int(layout.status().code());
    outcome.errorMessage = std::string(layout.status().message());
    return outcome;
  }
  quietKernel();
  ModelContext context(program, config, *layout, dram, options.checkRaces);
  context.progress = options.progress;
  Accelerator top("accelerator", context);
  auto begin = std::chrono::steady_clock::now();
  double cpuBegin = threadCpuSeconds();
  // A limit beyond SystemC's 64-bit time range is no limit.
  const uint64_t maxCycles = options.maxCycles < kMaxCycles ? options.maxCycles : 0;
  if (maxCycles == 0) sc_core::sc_start();
  else sc_core::sc_start(cycleTime(maxCycles), sc_core::SC_EXIT_ON_STARVATION);
  outcome.simulateSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  outcome.simulateCpuSeconds = threadCpuSeconds() - cpuBegin;
  if (context.progressPrinted) std::fprintf(stderr, "\n");
  Status status = endStatus(context, top, maxCycles);
  outcome.ok = status.ok();
  outcome.errorCode = int(status.code());
  outcome.errorMessage = std::string(status.message());
  outcome.totalCycles = context.finishedAt.value_or(status.code() == absl::StatusCode::kResourceExhausted
                                                        ? maxCycles
                                                        : nowCycle());
  outcome.counters = context.machine.counters();
  outcome.fetch = context.fetch;
  outcome.dramBusyBeats = top.dram.model().busyBeats();
  outcome.records = std::move(context.records);
  return outcome;
}

} // namespace tessera::systemc

/// libsystemc's own main() calls sc_main; tessera never runs that main (its tools and
/// tests call simulate()), but the shared library needs the symbol to link.
int sc_main(int, char *[]) { return 1; }
