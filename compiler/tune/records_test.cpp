//===- records_test.cpp - Records print, parse, select and choose ----------------------===//
#include "compiler/tune/records.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "compiler/tune/workload.h"
#include "isa/test_util.h"
#include "support/file_io.h"

namespace tessera::tune {
namespace {

TuneRecord sampleRecord() {
  return TuneRecord{kRecordVersion, "global_avgpool c=32 h=4 w=4 requant=imm clip=0 host=0", "accel", "0123456789abcdef",
                    "global_pool blocks=2 threads=1", 1234, "measure", "0.1.0", "2026-12-03T10:41:07Z"};
}

TEST(Records, RoundTrip) {
  TuneRecord record = sampleRecord();
  std::string line = printRecord(record);
  EXPECT_EQ(line, R"({"config_hash":"0123456789abcdef","cost":1234,"cost_model":"measure","mapping":"global_pool blocks=2 threads=1",)"
                  R"("target":"accel","time":"2026-12-03T10:41:07Z","tool_version":"0.1.0","version":1,)"
                  R"("workload":"global_avgpool c=32 h=4 w=4 requant=imm clip=0 host=0"})");
  auto parsed = parseRecord(line);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(printRecord(*parsed), line);
  EXPECT_EQ(parsed->cost, 1234);
  EXPECT_EQ(parsed->mapping, record.mapping);
}

TEST(Records, ParseErrorsNameTheKey) {
  EXPECT_EQ(parseRecord("[1]").status().message(), "not a JSON object");
  EXPECT_EQ(parseRecord(R"({"version":1})").status().message(), "missing key 'config_hash'");
  std::string line = printRecord(sampleRecord());
  std::string extra = line.substr(0, line.size() - 1) + R"(,"extra":1})";
  EXPECT_EQ(parseRecord(extra).status().message(), "unknown key 'extra'");
  std::string badVersion = line;
  badVersion.replace(badVersion.find("\"version\":1"), 11, "\"version\":\"1\"");
  EXPECT_EQ(parseRecord(badVersion).status().message(), "key 'version' is not an integer");
}

TEST(Records, FileErrorsNameFileAndLine) {
  std::string path = (std::filesystem::temp_directory_path() / "tessera_records_test.jsonl").string();
  ASSERT_TRUE(writeTextFile(path, printRecord(sampleRecord()) + "\n\n{oops\n").ok());
  auto records = readRecords(path);
  EXPECT_EQ(records.status().message(), path + ":3: not a JSON object");
  std::filesystem::remove(path);
}

TEST(Records, SelectCountsWhatItSkips) {
  TuneRecord good = sampleRecord(), oldVersion = good, otherConfig = good, otherTarget = good;
  oldVersion.version = 0;
  otherConfig.configHash = "ffffffffffffffff";
  otherTarget.target = "cpu";
  RecordSet set = selectRecords({good, oldVersion, otherConfig, otherTarget, otherConfig}, "accel", good.configHash);
  EXPECT_EQ(set.records.size(), 1u);
  EXPECT_EQ(set.skipped(), 4);
  EXPECT_EQ(set.describeSkipped(),
            "skipped 4 of 5 records (1 of another format version, 1 of another target, 2 of another config)");
}

TEST(Records, BestLegalRecordWins) {
  isa::HardwareConfig config = isa::testing::loadTestConfig("default");
  accel::AccelLayer layer{"gap", "global_avgpool", accel::GlobalPoolLayer{"gap", 32, 4, 4, {}}, false};
  TuneRecord slow = sampleRecord(), fast = slow, illegal = slow;
  slow.workload = fast.workload = illegal.workload = workloadKey(layer);
  slow.mapping = "global_pool blocks=1 threads=1", slow.cost = 900;
  fast.mapping = "global_pool blocks=2 threads=2", fast.cost = 500;
  illegal.mapping = "conv blocks=1 rows=1 cols=1 in_blocks=1 threads=1 weights=resident input=block window=none";
  illegal.cost = 1;
  RecordSet set = selectRecords({slow, fast, illegal}, "accel", slow.configHash);
  BestRecords best(set, config);
  std::optional<accel::Mapping> mapping = best.mappingFor(layer);
  ASSERT_TRUE(mapping.has_value());
  EXPECT_EQ(accel::printMapping(*mapping), fast.mapping);
  EXPECT_EQ(best.illegal(), 1);
  EXPECT_EQ(best.applied(), 1);
}

} // namespace
} // namespace tessera::tune
