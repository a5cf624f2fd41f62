//===- cpu_tuner.cpp - Coordinate descent over CPU kernel schedules -------------------===//
#include "compiler/tune/cpu_tuner.h"

#include <algorithm>
#include <cmath>

#include "compiler/codegen/cpu_jit.h"
#include "compiler/tune/cpu_space.h"
#include "support/hash.h"
#include "support/strings.h"
#include "support/version.h"

namespace tessera::tune {
namespace {

/// The value of parameter `name` in `params`.
int64_t paramValue(const lower::CpuScheduleParams &params, const std::string &name) {
  std::string text = " " + scheduleText(params) + " ", key = " " + name + "=";
  size_t at = text.find(key);
  return at == std::string::npos ? -1 : std::stoll(text.substr(at + key.size()));
}

/// The index of the fastest time if it beats times[0] by the margin, else 0.
size_t fastest(const std::vector<double> &times, double margin) {
  size_t best = 0;
  for (size_t i = 1; i < times.size(); ++i)
    if (times[i] < times[best] && times[i] < times[0] * (1 - margin)) best = i;
  return best;
}

} // namespace

std::string hostConfigHash() { return hashToHex(fnv1a64("cpu: " + codegen::hostCpuDescription())); }

CpuTuner::CpuTuner(lower::CpuScheduleParams base, int64_t trials, int64_t kernels, RecordWriter *writer,
                   std::vector<TuneRecord> resumed, std::ostream *log)
    : base_(base), trials_(trials), kernels_(std::max<int64_t>(kernels, 1)), writer_(writer), log_(log) {
  for (const TuneRecord &record : resumed) {
    auto it = resumed_.find(record.workload);
    if (it == resumed_.end() || record.cost < it->second.first) resumed_[record.workload] = {record.cost, record.mapping};
  }
}

exec::ScheduleChooser CpuTuner::chooser() {
  return [this](const exec::KernelTuneRequest &request) { return choose(request); };
}

StatusOr<std::vector<double>> CpuTuner::timeAndRecord(const exec::KernelTuneRequest &request,
                                                      const std::vector<lower::CpuScheduleParams> &schedules) {
  TS_ASSIGN_OR_RETURN(std::vector<double> ms, request.time(schedules));
  used_ += int64_t(schedules.size());
  for (size_t i = 0; writer_ && i < schedules.size(); ++i) {
    if (!std::isfinite(ms[i])) continue;
    TuneRecord record{kRecordVersion, request.workload, "cpu", hostConfigHash(), scheduleText(schedules[i]), ms[i],
                      "measure", kVersion, utcNow()};
    TS_RETURN_IF_ERROR(writer_->write(record));
  }
  return ms;
}

/// One parameter at a time from the default, within this kernel's share of the trials.
StatusOr<lower::CpuScheduleParams> CpuTuner::descend(const exec::KernelTuneRequest &request, CpuKernelOutcome &outcome) {
  int64_t budget = std::max<int64_t>(3, trials_ / kernels_);
  // The start: the default and the hand-picked candidates of `compile --tune`
  // (lower::tuningCandidates: compound moves such as 1x1 as matrix products), timed
  // together and outside the budget, so the search starts no worse than that list.
  std::vector<lower::CpuScheduleParams> starts = {base_};
  for (const lower::ScheduleCandidate &candidate : lower::tuningCandidates(base_))
    if (scheduleText(candidate.params) != scheduleText(base_)) starts.push_back(candidate.params);
  TS_ASSIGN_OR_RETURN(std::vector<double> startMs, timeAndRecord(request, starts));
  outcome.timed += int64_t(starts.size());
  budget += int64_t(starts.size());
  lower::CpuScheduleParams current = starts[fastest(startMs, kMargin)];
  for (const CpuParamAxis &axis : cpuScheduleSpace()) {
    if (outcome.timed >= budget || used_ >= trials_) break;
    std::vector<lower::CpuScheduleParams> schedules = {current};
    for (int64_t value : axis.values) {
      if (value == paramValue(current, axis.name)) continue;
      auto candidate = withParam(current, axis.name, value);
      if (candidate.ok() && int64_t(schedules.size()) <= budget - outcome.timed) schedules.push_back(*candidate);
    }
    if (schedules.size() == 1) continue;
    TS_ASSIGN_OR_RETURN(std::vector<double> ms, timeAndRecord(request, schedules));
    outcome.timed += int64_t(schedules.size());
    current = schedules[fastest(ms, kMargin)];
  }
  return current;
}

StatusOr<std::optional<lower::CpuScheduleParams>> CpuTuner::choose(const exec::KernelTuneRequest &request) {
  auto known = chosen_.find(request.workload);
  if (known != chosen_.end()) return std::optional<lower::CpuScheduleParams>(known->second);
  CpuKernelOutcome outcome{request.name, request.workload};
  lower::CpuScheduleParams tuned = base_;
  if (auto it = resumed_.find(request.workload); it != resumed_.end()) {
    TS_ASSIGN_OR_RETURN(tuned, parseScheduleText(it->second.second, base_));
    outcome.resumed = true;
  } else {
    TS_ASSIGN_OR_RETURN(tuned, descend(request, outcome));
  }
  // The default against the result, timed together: the result only when still faster.
  TS_ASSIGN_OR_RETURN(std::vector<double> ms, timeAndRecord(request, {base_, tuned}));
  outcome.timed += 2;
  bool faster = fastest(ms, kMargin) == 1;
  if (!faster) tuned = base_;
  outcome.untunedMs = ms[0];
  outcome.tunedMs = faster ? ms[1] : ms[0];
  if (log_) *log_ << absl::StrFormat("tune %s: %.4f ms -> %.4f ms (%d timed)%s\n", request.name, outcome.untunedMs,
                                     outcome.tunedMs, outcome.timed, outcome.resumed ? ", from records" : "");
  outcomes_.push_back(outcome);
  chosen_[request.workload] = tuned;
  return std::optional<lower::CpuScheduleParams>(tuned);
}

exec::ScheduleChooser recordedScheduleChooser(const RecordSet &set, const lower::CpuScheduleParams &base, int64_t *applied) {
  std::map<std::string, const TuneRecord *> best;
  for (const TuneRecord &record : set.records) {
    auto it = best.find(record.workload);
    if (it == best.end() || record.cost < it->second->cost) best[record.workload] = &record;
  }
  std::map<std::string, std::string> schedules;
  for (const auto &[workload, record] : best) schedules[workload] = record->mapping;
  return [schedules, base, applied](const exec::KernelTuneRequest &request)
             -> StatusOr<std::optional<lower::CpuScheduleParams>> {
    auto it = schedules.find(request.workload);
    if (it == schedules.end()) return std::optional<lower::CpuScheduleParams>();
    TS_ASSIGN_OR_RETURN(lower::CpuScheduleParams params, parseScheduleText(it->second, base));
    if (applied) ++*applied;
    return std::optional<lower::CpuScheduleParams>(params);
  };
}

} // namespace tessera::tune
