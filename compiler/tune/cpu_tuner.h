//===- cpu_tuner.h - Tuning CPU kernel schedules through their space ------------------===//
//
// `tessera tune model.onnx --target cpu` plans the model for this CPU with a schedule
// chooser (exec::PlanOptions::chooseSchedule) that tunes each kernel by coordinate
// descent over cpu_space.h: starting from the fastest of the host's default schedule and
// `compile --tune`'s hand-picked candidates (timed together first), one parameter at
// a time, it times the current schedule together with every other value of that
// parameter (one timing call, so they share the machine's state; identical lowerings are
// timed once) and moves to a value only when it is at least kMargin faster. A last
// timing of default against the result keeps the default unless the tuned schedule is
// still faster, so a tuned kernel is never slower than the untuned one within noise.
// Kernels with the same workload key are tuned once. Every timing is a record (target
// `cpu`, `config_hash` the host's: hostConfigHash(), `schedule` the full parameter set,
// `cost` in ms, cost model `measure`).
//
// `compile --target cpu --records FILE` plans with recordedScheduleChooser: the best
// record of each kernel's workload on this host.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "compiler/exec/execution_plan.h"
#include "compiler/tune/records.h"

namespace tessera::tune {

/// The `config_hash` of CPU records: the hash of codegen::hostCpuDescription().
std::string hostConfigHash();

struct CpuKernelOutcome {
  std::string name, workload;
  double untunedMs = 0, tunedMs = 0;
  int64_t timed = 0;   ///< schedules timed for it in this run
  bool resumed = false; ///< taken from the records, not tuned again
};

class CpuTuner {
public:
  static constexpr double kMargin = 0.03;

  /// Tunes with at most `trials` schedule timings in all, `kernels` kernels sharing them;
  /// records go to `writer` (may be null); with `resumed`, a workload already recorded on
  /// this host takes its best record instead of being tuned again.
  CpuTuner(lower::CpuScheduleParams base, int64_t trials, int64_t kernels, RecordWriter *writer,
           std::vector<TuneRecord> resumed, std::ostream *log);

  exec::ScheduleChooser chooser();
  const std::vector<CpuKernelOutcome> &outcomes() const { return outcomes_; }
  int64_t trialsUsed() const { return used_; }

private:
  StatusOr<std::optional<lower::CpuScheduleParams>> choose(const exec::KernelTuneRequest &request);
  StatusOr<lower::CpuScheduleParams> descend(const exec::KernelTuneRequest &request, CpuKernelOutcome &outcome);
  StatusOr<std::vector<double>> timeAndRecord(const exec::KernelTuneRequest &request,
                                              const std::vector<lower::CpuScheduleParams> &schedules);

  lower::CpuScheduleParams base_;
  int64_t trials_, kernels_, used_ = 0;
  RecordWriter *writer_;
  std::map<std::string, std::pair<double, std::string>> resumed_; ///< workload -> best (ms, schedule)
  std::map<std::string, lower::CpuScheduleParams> chosen_;        ///< by workload
  std::vector<CpuKernelOutcome> outcomes_;
  std::ostream *log_;
};

/// The best record of each kernel's workload among `set` (CPU records of this host);
/// `applied` counts the kernels that took one.
exec::ScheduleChooser recordedScheduleChooser(const RecordSet &set, const lower::CpuScheduleParams &base, int64_t *applied);

} // namespace tessera::tune
