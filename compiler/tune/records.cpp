//===- records.cpp - Reading, writing and choosing tuning records -----------------------===//
#include "compiler/tune/records.h"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <set>

#include <nlohmann/json.hpp>

#include "support/file_io.h"
#include "compiler/tune/workload.h"
#include "support/hash.h"

namespace tessera::tune {

using nlohmann::json;

namespace {

/// The key holding what was priced: an accelerator mapping, or a CPU schedule.
const char *choiceKey(const std::string &target) { return target == "cpu" ? "schedule" : "mapping"; }

/// The keys of a record of `target`.
std::set<std::string> recordKeys(const std::string &target) {
  return {"version", "workload", "target", "config_hash", choiceKey(target), "cost", "cost_model", "tool_version", "time"};
}

StatusOr<std::string> stringKey(const json &j, const char *key) {
  const json &value = j.at(key);
  if (!value.is_string()) return invalidInput("key '%s' is not a string", key);
  return value.get<std::string>();
}

Status checkKeys(const json &j) {
  std::string target = j.contains("target") && j["target"].is_string() ? j["target"].get<std::string>() : "";
  std::set<std::string> keys = recordKeys(target);
  for (const auto &[key, value] : j.items())
    if (!keys.count(key)) return invalidInput("unknown key '%s'", key);
  for (const std::string &key : keys)
    if (!j.contains(key)) return invalidInput("missing key '%s'", key);
  return absl::OkStatus();
}

} // namespace

std::string printRecord(const TuneRecord &r) {
  // Whole cycle counts print as integers.
  json cost = r.cost == std::floor(r.cost) && r.cost < 9e15 ? json(int64_t(r.cost)) : json(r.cost);
  json j = {{"version", r.version},       {"workload", r.workload},      {"target", r.target},
            {"config_hash", r.configHash}, {choiceKey(r.target), r.mapping},        {"cost", cost},
            {"cost_model", r.costModel},   {"tool_version", r.toolVersion}, {"time", r.time}};
  return j.dump();
}

StatusOr<TuneRecord> parseRecord(std::string_view line) {
  json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return invalidInput("not a JSON object");
  TS_RETURN_IF_ERROR(checkKeys(j));
  if (!j["version"].is_number_integer()) return invalidInput("key 'version' is not an integer");
  if (!j["cost"].is_number() || j["cost"].get<double>() < 0) return invalidInput("key 'cost' is not a number >= 0");
  TuneRecord r;
  r.version = j["version"].get<int64_t>();
  r.cost = j["cost"].get<double>();
  TS_ASSIGN_OR_RETURN(r.workload, stringKey(j, "workload"));
  TS_ASSIGN_OR_RETURN(r.target, stringKey(j, "target"));
  TS_ASSIGN_OR_RETURN(r.configHash, stringKey(j, "config_hash"));
  TS_ASSIGN_OR_RETURN(r.mapping, stringKey(j, choiceKey(r.target)));
  TS_ASSIGN_OR_RETURN(r.costModel, stringKey(j, "cost_model"));
  TS_ASSIGN_OR_RETURN(r.toolVersion, stringKey(j, "tool_version"));
  TS_ASSIGN_OR_RETURN(r.time, stringKey(j, "time"));
  return r;
}

StatusOr<std::vector<TuneRecord>> readRecords(const std::string &path) {
  TS_ASSIGN_OR_RETURN(std::string text, readTextFile(path));
  std::vector<TuneRecord> records;
  int lineNumber = 0;
  for (std::string_view line : splitString(text, '\n')) {
    ++lineNumber;
    if (trimWhitespace(line).empty()) continue;
    StatusOr<TuneRecord> record = parseRecord(line);
    if (!record.ok()) return invalidInput("%s:%d: %s", path, lineNumber, record.status().message());
    records.push_back(std::move(*record));
  }
  return records;
}

std::string configHashOf(const isa::HardwareConfig &config) { return hashToHex(config.hash()); }

std::string utcNow() {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

std::string RecordSet::describeSkipped() const {
  std::vector<std::string> why;
  if (otherVersion) why.push_back(strCat(otherVersion, " of another format version"));
  if (otherTarget) why.push_back(strCat(otherTarget, " of another target"));
  if (otherConfig) why.push_back(strCat(otherConfig, " of another config"));
  return absl::StrFormat("skipped %d of %d records (%s)", skipped(), skipped() + int64_t(records.size()),
                         why.empty() ? "none" : joinStrings(why, ", "));
}

RecordSet selectRecords(std::vector<TuneRecord> records, const std::string &target, const std::string &configHash) {
  RecordSet set;
  for (TuneRecord &record : records) {
    if (record.version != kRecordVersion) ++set.otherVersion;
    else if (record.target != target) ++set.otherTarget;
    else if (record.configHash != configHash) ++set.otherConfig;
    else set.records.push_back(std::move(record));
  }
  return set;
}

BestRecords::BestRecords(const RecordSet &set, const isa::HardwareConfig &config) : config_(config) {
  for (const TuneRecord &record : set.records) byWorkload_[record.workload].push_back(record);
  for (auto &[workload, records] : byWorkload_)
    std::stable_sort(records.begin(), records.end(),
                     [](const TuneRecord &a, const TuneRecord &b) { return a.cost < b.cost; });
}

std::optional<accel::Mapping> BestRecords::mappingFor(const accel::AccelLayer &layer) const {
  auto found = byWorkload_.find(workloadKey(layer));
  if (found == byWorkload_.end()) return std::nullopt;
  for (const TuneRecord &record : found->second) {
    StatusOr<accel::Mapping> mapping = accel::parseMapping(record.mapping);
    if (!mapping.ok() || !accel::checkMapping(layer, *mapping, config_).ok()) {
      ++illegal_;
      continue;
    }
    ++applied_;
    return *mapping;
  }
  return std::nullopt;
}

StatusOr<RecordWriter> RecordWriter::open(const std::string &path) {
  std::ofstream out(path, std::ios::app);
  if (!out) return invalidInput("cannot open records file '%s' for appending", path);
  return RecordWriter(path, std::move(out));
}

Status RecordWriter::write(const TuneRecord &record) {
  out_ << printRecord(record) << '\n';
  out_.flush();
  if (!out_) return invalidInput("cannot write records file '%s'", path_);
  return absl::OkStatus();
}

} // namespace tessera::tune
