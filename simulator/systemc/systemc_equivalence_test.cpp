//===- systemc_equivalence_test.cpp - systemc leaves DRAM exactly as functional does --===//
//
// The corpus: every program of the golden executor's tests (the raw-string programs of
// simulator/golden/*_test.cpp, read from the source tree so that new tests join
// automatically; fragments that do not assemble on their own are skipped), every
// examples/*.s, and the worked examples. Inputs come from a seed. For each program both
// backends must succeed with bit-identical DRAM and equal counters, or both must fail.
//
//===----------------------------------------------------------------------===//
#include <cstdio>
#include <filesystem>

#include "simulator/systemc/systemc_test_util.h"

namespace tessera::systemc {
namespace {

using testing::loadConfig;
using testing::prepare;

struct CorpusProgram {
  std::string origin;
  std::string text;
};

/// The R"( ... )" literals of a C++ source that contain a finish instruction; a literal
/// without one (a shared header such as the race checker's) is prepended to those after
/// it in the same file.
std::vector<CorpusProgram> rawStringPrograms(const std::filesystem::path &path) {
  auto source = readTextFile(path.string());
  EXPECT_TRUE(source.ok()) << source.status();
  std::vector<CorpusProgram> programs;
  if (!source.ok()) return programs;
  std::string header;
  for (size_t at = source->find("R\"("); at != std::string::npos; at = source->find("R\"(", at + 3)) {
    size_t end = source->find(")\"", at + 3);
    if (end == std::string::npos) break;
    std::string text = source->substr(at + 3, end - at - 3);
    if (text.find("finish") == std::string::npos) {
      header = text;
      continue;
    }
    std::string origin = strCat(path.filename().string(), "@", at);
    programs.push_back({origin, text});
    if (!header.empty()) programs.push_back({origin + "+header", header + text});
  }
  return programs;
}

std::vector<CorpusProgram> filesWithExtension(const std::filesystem::path &dir, const std::string &extension) {
  std::vector<CorpusProgram> programs;
  for (const auto &entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != extension) continue;
    if (extension == ".s") {
      auto text = readTextFile(entry.path().string());
      if (text.ok()) programs.push_back({entry.path().filename().string(), *text});
      continue;
    }
    if (entry.path().filename().string().ends_with("_test.cpp")) {
      auto found = rawStringPrograms(entry.path());
      programs.insert(programs.end(), found.begin(), found.end());
    }
  }
  return programs;
}

/// Compares both backends on one program; returns false when it did not assemble.
bool compareBackends(const CorpusProgram &corpus, const isa::HardwareConfig &config) {
  auto prepared = prepare(corpus.text, config, 7);
  if (!prepared.ok()) return false;
  std::vector<uint8_t> functionalDram = prepared->dram, systemcDram = prepared->dram;
  auto functional = sim::runFunctional(prepared->program, config, functionalDram);
  auto systemc = runSystemc(prepared->program, config, systemcDram, {});
  EXPECT_EQ(functional.ok(), systemc.ok()) << corpus.origin << "\nfunctional: " << functional.status()
                                           << "\nsystemc: " << systemc.status();
  if (!functional.ok() || !systemc.ok()) return true;
  EXPECT_TRUE(functionalDram == systemcDram) << corpus.origin << ": DRAM differs";
  EXPECT_EQ(*functional, systemc->result.counters) << corpus.origin;
  EXPECT_GT(systemc->outcome.totalCycles, 0u) << corpus.origin;
  return true;
}

TEST(Equivalence, GoldenTestPrograms) {
  auto corpus = filesWithExtension(std::filesystem::path(TESSERA_SOURCE_DIR) / "simulator/golden", ".cpp");
  size_t compared = 0;
  for (const CorpusProgram &program : corpus)
    compared += compareBackends(program, loadConfig("small")) || compareBackends(program, loadConfig("default"));
  std::printf("compared %zu of %zu golden test programs\n", compared, corpus.size());
  EXPECT_GE(compared, 12u) << "too few golden programs assembled; corpus size " << corpus.size();
}

TEST(Equivalence, Examples) {
  auto corpus = filesWithExtension(std::filesystem::path(TESSERA_SOURCE_DIR) / "examples", ".s");
  size_t compared = 0;
  for (const CorpusProgram &program : corpus) compared += compareBackends(program, loadConfig("default"));
  std::printf("compared %zu of %zu examples\n", compared, corpus.size());
  EXPECT_GE(compared, 1u);
}

TEST(Equivalence, WorkedExamplesAndTheirTimingTest) {
  auto corpus = rawStringPrograms(std::filesystem::path(TESSERA_SOURCE_DIR) / "simulator/systemc/systemc_timing_test.cpp");
  size_t compared = 0;
  for (const CorpusProgram &program : corpus) compared += compareBackends(program, loadConfig("default"));
  EXPECT_GE(compared, 5u);
}

} // namespace
} // namespace tessera::systemc
