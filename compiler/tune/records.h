//===- records.h - The tuning records database: one JSON line per measurement -------===//
//
// Every cost a tuner obtains is appended to a JSON-lines file as soon as it is known
// (so a stopped run resumes where it stopped, and a compile picks the best of them):
//
//   {"version":1,"workload":"conv2d c=3 ...","target":"accel","config_hash":"8f2c...",
//    "mapping":"conv blocks=2 rows=4 ...","cost":1234,"cost_model":"measure",
//    "tool_version":"0.1.0","time":"2026-12-03T10:41:07Z"}
//
// The keys are exactly these nine. `workload` is workload.h's key, `config_hash` the
// hash `tessera config` prints, `mapping` the text form `compile --mappings` parses,
// `cost` cycles. A CPU record (target `cpu`, cpu_tuner.h) has `schedule` (the kernel's
// schedule parameters, "name=value ...") in place of `mapping`, `workload` the kernel's
// workload key, `config_hash` the host CPU's and `cost` milliseconds. A reader keeps only the records of the current format version, the
// target and the config; those it skips are counted and reported, never dropped
// silently. A line that is not such a record is an error naming the file and line.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/accel/mapping_space.h"
#include "isa/config.h"

namespace tessera::tune {

/// The record format this build reads and writes.
inline constexpr int64_t kRecordVersion = 1;

struct TuneRecord {
  int64_t version = kRecordVersion;
  std::string workload;
  std::string target = "accel";
  std::string configHash;
  std::string mapping; ///< the accelerator mapping, or (target cpu) the schedule: JSON key `schedule`
  double cost = 0;
  std::string costModel; ///< "measure", "analytical" or "xgb"
  std::string toolVersion;
  std::string time; ///< ISO 8601 UTC
};

/// One JSON line (no newline).
std::string printRecord(const TuneRecord &record);
/// Parses one line; the error names the missing, unknown or mistyped key.
StatusOr<TuneRecord> parseRecord(std::string_view line);
/// Every record of a file, blank lines skipped; errors are "FILE:LINE: ...".
StatusOr<std::vector<TuneRecord>> readRecords(const std::string &path);

/// The hash of `config` as `tessera config` prints it.
std::string configHashOf(const isa::HardwareConfig &config);
/// The current UTC time in ISO 8601 ("2026-12-03T10:41:07Z").
std::string utcNow();

/// The records that apply to one target and config, and how many were skipped.
struct RecordSet {
  std::vector<TuneRecord> records;
  int64_t otherVersion = 0, otherTarget = 0, otherConfig = 0;

  int64_t skipped() const { return otherVersion + otherTarget + otherConfig; }
  /// "skipped 3 of 10 records (2 of another format version, 1 of another config)".
  std::string describeSkipped() const;
};

/// Keeps the records of version kRecordVersion, `target` and `configHash`.
RecordSet selectRecords(std::vector<TuneRecord> records, const std::string &target, const std::string &configHash);

/// The best record of each workload: lowest cost among those whose mapping parses and
/// is legal for the layer asked about.
class BestRecords {
public:
  BestRecords(const RecordSet &set, const isa::HardwareConfig &config);
  /// The best legal recorded mapping of `layer`'s workload, if any.
  std::optional<accel::Mapping> mappingFor(const accel::AccelLayer &layer) const;
  /// Layers given a recorded mapping so far, and recorded mappings found illegal.
  int64_t applied() const { return applied_; }
  int64_t illegal() const { return illegal_; }

private:
  std::map<std::string, std::vector<TuneRecord>> byWorkload_; ///< cheapest first
  isa::HardwareConfig config_;
  mutable int64_t applied_ = 0, illegal_ = 0;
};

/// Appends records to a file, flushing each line.
class RecordWriter {
public:
  /// Opens `path` for appending (creating it).
  static StatusOr<RecordWriter> open(const std::string &path);
  Status write(const TuneRecord &record);

private:
  RecordWriter(std::string path, std::ofstream out) : path_(std::move(path)), out_(std::move(out)) {}
  std::string path_;
  std::ofstream out_;
};

} // namespace tessera::tune
