//===- systemc_report_test.cpp - Report keys, trace and waveform validity ------------===//
#include <filesystem>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "runtime/device.h"
#include "simulator/systemc/systemc_test_util.h"
#include "simulator/systemc/trace_writer.h"
#include "simulator/systemc/vcd_writer.h"

namespace tessera::systemc {
namespace {

using nlohmann::json;
using testing::loadConfig;
using testing::runOk;

constexpr const char *kTwoSegments = R"(
.tensor A input i8 32x16 @0x0
.tensor W input i8 16x16 @0x200
.tensor C output i8 32x16 @0x300
.uop dst=0 src=0 wgt=0
.segment first op=matmul
load buffer=uop sram_base=0 dram_base=uops y_size=1 x_size=1 x_stride=1
load buffer=wgt sram_base=0 dram_base=W y_size=1 x_size=1 x_stride=1
load buffer=inp sram_base=0 dram_base=A y_size=1 x_size=32 x_stride=32 push_next
gemm reset uop_bgn=0 uop_end=1 iter_out=32 iter_in=1 dst_factor_out=1
gemm pop_prev uop_bgn=0 uop_end=1 iter_out=32 iter_in=1 dst_factor_out=1 src_factor_out=1
.segment second op=requant
alu alu_op=shr uop_bgn=0 uop_end=1 iter_out=32 iter_in=1 dst_factor_out=1 use_imm imm=4 push_next
store pop_prev push_prev sram_base=0 dram_base=C y_size=1 x_size=32 x_stride=32
.endsegment
finish pop_next
)";

TEST(Report, HasEveryKeyOfDocsReports) {
  SystemcRun run = runOk(kTwoSegments, loadConfig("default"));
  const json &d = run.result.details;
  for (const char *unit : {"fetch", "load", "compute", "store"}) {
    ASSERT_TRUE(d["units"].contains(unit)) << unit;
    uint64_t sum = 0;
    for (const char *key : {"busy_cycles", "stall_token_cycles", "stall_dram_cycles", "idle_cycles"}) {
      ASSERT_TRUE(d["units"][unit].contains(key)) << unit << "." << key;
      sum += d["units"][unit][key].get<uint64_t>();
    }
    if (d["units"][unit].contains("stall_queue_cycles")) sum += d["units"][unit]["stall_queue_cycles"].get<uint64_t>();
    EXPECT_EQ(sum, run.outcome.totalCycles) << unit << ": the cycle classes partition the run";
  }
  EXPECT_GT(d["gemm_utilization"].get<double>(), 0.0);
  EXPECT_LE(d["gemm_utilization"].get<double>(), 1.0);
  EXPECT_GT(d["alu_utilization"].get<double>(), 0.0);
  EXPECT_EQ(d["dram"]["bytes_read"]["inp"], 512u);
  EXPECT_EQ(d["dram"]["bytes_read"]["wgt"], 256u);
  EXPECT_EQ(d["dram"]["bytes_read"]["instructions"], 8u * 16u);
  EXPECT_EQ(d["dram"]["bytes_written"]["out"], 512u);
  EXPECT_GT(d["dram"]["bandwidth_bytes_per_cycle"].get<double>(), 0.0);
  ASSERT_EQ(d["segments"].size(), 2u);
  const json &first = d["segments"][0];
  EXPECT_EQ(first["name"], "first");
  EXPECT_EQ(first["op"], "matmul");
  EXPECT_EQ(first["macs"], 32u * 256u);
  EXPECT_EQ(first["dram_bytes_read"], 4u + 256u + 512u);
  EXPECT_GT(first["cycles"].get<uint64_t>(), 0u);
  EXPECT_EQ(d["segments"][1]["dram_bytes_written"], 512u);
}

TEST(Report, DeviceReportCarriesConfigAndCycles) {
  isa::HardwareConfig config = loadConfig("default");
  auto device = runtime::Device::open("systemc", config);
  ASSERT_TRUE(device.ok()) << device.status();
  auto program = isa::assemble(kTwoSegments, config);
  ASSERT_TRUE(program.ok()) << program.status();
  ASSERT_TRUE((*device)->load(*program).ok());
  ASSERT_TRUE((*device)->writeTensor("A", Tensor(DType::I8, {32, 16})).ok());
  ASSERT_TRUE((*device)->writeTensor("W", Tensor(DType::I8, {16, 16})).ok());
  auto result = (*device)->run({});
  ASSERT_TRUE(result.ok()) << result.status();
  json report = (*device)->report(*result);
  EXPECT_GT(report["total_cycles"].get<uint64_t>(), 0u);
  for (const char *key : {"config", "config_hash", "units", "segments", "dram", "gemm_utilization", "time_us"})
    EXPECT_TRUE(report.contains(key)) << key;
}

/// The leaf key paths of a report ("units.fetch.busy_cycles"); config and segments rows
/// are documented as tables of their own.
void leafKeys(const json &object, const std::string &prefix, std::vector<std::string> &out) {
  for (const auto &item : object.items()) {
    if (prefix.empty() && (item.key() == "config" || item.key() == "segments")) continue;
    std::string path = prefix + item.key();
    if (item.value().is_object()) leafKeys(item.value(), path + ".", out);
    else out.push_back(path);
  }
}

/// True when `pattern` (e.g. "units.<unit>.busy_cycles") names `path`.
bool matches(const std::string &pattern, const std::string &path) {
  auto want = splitString(pattern, '.'), have = splitString(path, '.');
  if (want.size() != have.size()) return false;
  for (size_t i = 0; i < want.size(); ++i)
    if (!(want[i] == have[i] || (want[i].size() > 2 && want[i].front() == '<' && want[i].back() == '>'))) return false;
  return true;
}

TEST(Report, DocsReportsDescribesEveryKey) {
  auto doc = readTextFile(std::string(TESSERA_SOURCE_DIR) + "/docs/reports.md");
  ASSERT_TRUE(doc.ok()) << doc.status();
  std::vector<std::string> documented;
  for (size_t at = doc->find('`'); at != std::string::npos; at = doc->find('`', at + 1)) {
    size_t end = doc->find('`', at + 1);
    if (end == std::string::npos) break;
    documented.push_back(doc->substr(at + 1, end - at - 1));
    at = end;
  }
  isa::HardwareConfig config = loadConfig("default");
  auto device = runtime::Device::open("systemc", config);
  ASSERT_TRUE(device.ok()) << device.status();
  ASSERT_TRUE((*device)->load(*isa::assemble(kTwoSegments, config)).ok());
  auto result = (*device)->run({});
  ASSERT_TRUE(result.ok()) << result.status();
  std::vector<std::string> keys;
  leafKeys((*device)->report(*result), "", keys);
  for (const std::string &key : keys) {
    bool found = false;
    for (const std::string &pattern : documented) found |= matches(pattern, key);
    EXPECT_TRUE(found) << key << " is not described in docs/reports.md";
  }
  for (const auto &item : result->details["segments"][0].items()) {
    bool found = false;
    for (const std::string &pattern : documented) found |= pattern == item.key();
    EXPECT_TRUE(found) << "segments column " << item.key() << " is not described in docs/reports.md";
  }
}

TEST(Trace, ChromeTraceHasUnitTracksSlicesAndCounters) {
  std::string path = (std::filesystem::temp_directory_path() / "tessera_systemc_trace_test.json").string();
  runtime::RunOptions options;
  options.tracePath = path;
  SystemcRun run = runOk(kTwoSegments, loadConfig("default"), options);
  auto text = readTextFile(path);
  ASSERT_TRUE(text.ok()) << text.status();
  json trace = json::parse(*text);
  EXPECT_EQ(trace["otherData"]["ts_unit"], "cycles");
  std::set<std::string> tracks, counters;
  size_t slices = 0;
  for (const json &event : trace["traceEvents"]) {
    if (event["ph"] == "M" && event["name"] == "thread_name") tracks.insert(event["args"]["name"]);
    if (event["ph"] == "C") counters.insert(event["name"]);
    if (event["ph"] == "X" && event["tid"] != 1 && event["tid"] != 5 && event["name"] != "wait tokens") {
      ++slices;
      EXPECT_TRUE(event["args"].contains("index"));
    }
  }
  for (const char *track : {"fetch", "load", "compute", "store"}) EXPECT_TRUE(tracks.count(track)) << track;
  for (const char *counter : {"queue.load", "queue.compute", "queue.store", "tokens.l2c", "tokens.c2s"})
    EXPECT_TRUE(counters.count(counter)) << counter;
  EXPECT_EQ(slices, run.outcome.records.size());
  std::filesystem::remove(path);
}

TEST(Trace, SliceArgsCarryTheInstructionFields) {
  SystemcRun run = runOk(kTwoSegments, loadConfig("default"));
  json trace = buildTrace(*isa::assemble(kTwoSegments, loadConfig("default")), loadConfig("default"), run.outcome);
  bool found = false;
  for (const json &event : trace["traceEvents"]) {
    if (event["ph"] != "X" || event["name"] != "alu shr") continue;
    found = true;
    EXPECT_EQ(event["args"]["imm"], 4);
    EXPECT_EQ(event["args"]["iter_out"], 32);
    EXPECT_EQ(event["ts"], run.outcome.records[5].start);
    EXPECT_EQ(event["dur"], run.outcome.records[5].end - run.outcome.records[5].start);
  }
  EXPECT_TRUE(found);
}

TEST(Trace, EverySegmentIsASliceOnTheLayersTrack) {
  SystemcRun run = runOk(kTwoSegments, loadConfig("default"));
  json trace = buildTrace(*isa::assemble(kTwoSegments, loadConfig("default")), loadConfig("default"), run.outcome);
  std::map<std::string, uint64_t> begins, ends;
  for (const json &event : trace["traceEvents"]) {
    if (event.value("cat", "") != "layer") continue;
    if (event["ph"] == "b") begins[event["name"]] = event["ts"];
    if (event["ph"] == "e") ends[event["name"]] = event["ts"];
  }
  auto span = [&](size_t first, size_t last) { // instructions [first, last] of a segment
    uint64_t begin = run.outcome.records[first].start, end = 0;
    for (size_t i = first; i <= last; ++i)
      begin = std::min(begin, run.outcome.records[i].start), end = std::max(end, run.outcome.records[i].end);
    return std::make_pair(begin, end);
  };
  ASSERT_EQ(begins.size(), 2u);
  EXPECT_EQ(std::make_pair(begins["first"], ends["first"]), span(0, 4));
  EXPECT_EQ(std::make_pair(begins["second"], ends["second"]), span(5, 6));
}

TEST(Vcd, DeclaresEverySignalAndEndsAtTotalCycles) {
  isa::HardwareConfig config = loadConfig("default");
  SystemcRun run = runOk(kTwoSegments, config);
  std::string vcd = buildVcd(*isa::assemble(kTwoSegments, config), config, run.outcome);
  for (const char *signal : {"queue_load", "tokens_l2c", "tokens_s2c", "active_compute", "$enddefinitions"})
    EXPECT_NE(vcd.find(signal), std::string::npos) << signal;
  EXPECT_NE(vcd.find(strCat("#", run.outcome.totalCycles, "\n")), std::string::npos);
}

} // namespace
} // namespace tessera::systemc
