//===- cpu_schedule_test.cpp - CPU schedule parameters: text overrides, host defaults -===//
#include "compiler/lower/cpu_schedule.h"

#include <gtest/gtest.h>

#include <string>

namespace tessera::lower {
namespace {

/// Whether `status` failed with a message containing `fragment`.
::testing::AssertionResult failsWith(const Status &status, const std::string &fragment) {
  if (status.ok()) return ::testing::AssertionFailure() << "succeeded";
  if (std::string(status.message()).find(fragment) == std::string::npos)
    return ::testing::AssertionFailure() << "message '" << status.message() << "' lacks '" << fragment << "'";
  return ::testing::AssertionSuccess();
}

TEST(CpuScheduleParams, SetsANamedField) {
  CpuScheduleParams params;
  ASSERT_TRUE(setScheduleParam(params, "winogradOutputTile=0").ok());
  EXPECT_EQ(params.winogradOutputTile, 0);
  ASSERT_TRUE(setScheduleParam(params, "convWidthBlock=6").ok());
  EXPECT_EQ(params.convWidthBlock, 6);
  // Only the named fields change.
  CpuScheduleParams defaults;
  EXPECT_EQ(params.channelBlock, defaults.channelBlock);
  EXPECT_EQ(params.gemmColumnBlock, defaults.gemmColumnBlock);
}

TEST(CpuScheduleParams, SetsTheBooleanFieldFromAnInteger) {
  CpuScheduleParams params;
  ASSERT_TRUE(params.transposeGemmWeights);
  ASSERT_TRUE(setScheduleParam(params, "transposeGemmWeights=0").ok());
  EXPECT_FALSE(params.transposeGemmWeights);
  ASSERT_TRUE(setScheduleParam(params, "transposeGemmWeights=1").ok());
  EXPECT_TRUE(params.transposeGemmWeights);
}

// An unknown name is an error that names it and lists the known ones (a typo in
// `tessera compile --schedule` must not be ignored).
TEST(CpuScheduleParams, UnknownNameListsTheKnownOnes) {
  CpuScheduleParams params;
  Status status = setScheduleParam(params, "bogus=1");
  EXPECT_TRUE(failsWith(status, "unknown schedule parameter 'bogus' (known: "));
  for (const char *known : {"transposeGemmWeights", "channelBlock", "winogradOutputTile", "minParallelIterations"})
    EXPECT_TRUE(failsWith(status, known));
}

TEST(CpuScheduleParams, MalformedAssignmentsFail) {
  CpuScheduleParams params;
  for (const char *text : {"winogradOutputTile=x", "winogradOutputTile", "winogradOutputTile=",
                           "winogradOutputTile=2.5"})
    EXPECT_TRUE(failsWith(setScheduleParam(params, text), "expected NAME=INTEGER")) << text;
  EXPECT_TRUE(failsWith(setScheduleParam(params, "=4"), "unknown schedule parameter ''"));
  EXPECT_EQ(params.winogradOutputTile, CpuScheduleParams{}.winogradOutputTile);
}

TEST(CpuScheduleParams, NegativeValuesFail) {
  CpuScheduleParams params;
  EXPECT_TRUE(failsWith(setScheduleParam(params, "channelBlock=-4"), "'channelBlock' must not be negative"));
  EXPECT_EQ(params.channelBlock, CpuScheduleParams{}.channelBlock);
}

// A zero block or width would divide by zero when scheduling; zero means "off" only
// for the switches, and the Winograd tile is 0 or 2.
TEST(CpuScheduleParams, ZeroOnlyWhereItMeansOff) {
  CpuScheduleParams params;
  EXPECT_TRUE(failsWith(setScheduleParam(params, "vectorWidth=0"), "'vectorWidth' must be at least 1"));
  EXPECT_TRUE(failsWith(setScheduleParam(params, "winogradColumnBlock=0"), "'winogradColumnBlock' must be at least 1"));
  EXPECT_TRUE(failsWith(setScheduleParam(params, "winogradOutputTile=3"), "must be 0 (off), 2"));
  EXPECT_TRUE(setScheduleParam(params, "winogradOutputTile=0").ok());
  EXPECT_EQ(params.winogradOutputTile, 0);
  EXPECT_TRUE(setScheduleParam(params, "pointwiseMatrixChannelBlock=0").ok());
  EXPECT_EQ(params.pointwiseMatrixChannelBlock, 0);
}

// 16 vector registers (AVX2) keep the 8-channel tiles; 32 (AVX-512) double the direct
// convolutions' channel block and the Winograd products'.
TEST(CpuScheduleParams, DefaultsFollowTheVectorRegisters) {
  CpuScheduleParams avx2 = scheduleParamsFor(16), avx512 = scheduleParamsFor(32);
  EXPECT_EQ(avx2.convChannelBlock, 8);
  EXPECT_EQ(avx2.winogradChannelBlock, CpuScheduleParams{}.winogradChannelBlock);
  EXPECT_EQ(avx512.convChannelBlock, 16);
  EXPECT_EQ(avx512.winogradChannelBlock, 8);
  // One register per vector: 8 lanes (ymm) or 16 (zmm).
  EXPECT_EQ(avx2.vectorWidth, 8);
  EXPECT_EQ(avx512.vectorWidth, 16);
}

// The tuning candidates start with the configured schedule and each changes it.
TEST(CpuScheduleParams, TuningCandidatesStartWithTheBase) {
  CpuScheduleParams base = scheduleParamsFor(32);
  std::vector<ScheduleCandidate> candidates = tuningCandidates(base);
  ASSERT_GE(candidates.size(), 4u);
  EXPECT_EQ(candidates[0].label, "default");
  EXPECT_EQ(candidates[0].params.pointwiseMatrixMinPixels, base.pointwiseMatrixMinPixels);
  for (size_t k = 1; k < candidates.size(); ++k) {
    EXPECT_NE(printScheduleParams(candidates[k].params), printScheduleParams(base)) << candidates[k].label;
  }
}

// The printed parameters read back to the same parameters, and name every field.
TEST(CpuScheduleParams, PrintedParamsReadBack) {
  CpuScheduleParams wide = scheduleParamsFor(32), read;
  read.transposeGemmWeights = false;
  std::string text = printScheduleParams(wide);
  for (std::string_view line : splitString(text, '\n', /*skipEmpty=*/true))
    ASSERT_TRUE(setScheduleParam(read, std::string(line)).ok()) << line;
  EXPECT_EQ(printScheduleParams(read), text);
  EXPECT_NE(text.find("winogradOutputTile=2\n"), std::string::npos);
  EXPECT_NE(text.find("vectorWidth=16\n"), std::string::npos);
  EXPECT_NE(text.find("transposeGemmWeights=1\n"), std::string::npos);
  // The help names every printed parameter.
  std::string help = scheduleParamsHelp();
  for (std::string_view line : splitString(text, '\n', /*skipEmpty=*/true))
    EXPECT_NE(help.find(std::string(line.substr(0, line.find('=')))), std::string::npos) << line;
}

// The candidates, in order; the two-channel-vector and half-vector ones only where
// vectors have 16 lanes; none equal to the defaults (AVX-512's three-vector Winograd
// tile, AVX2's four-row matrix tile) or to an earlier candidate (AVX-512's 1x1 matrix
// over three vectors is "1x1 as a matrix product").
TEST(CpuScheduleParams, TuningCandidateLabels) {
  std::vector<std::string> labels;
  for (const ScheduleCandidate &c : tuningCandidates(scheduleParamsFor(32))) labels.push_back(c.label);
  EXPECT_EQ(joinStrings(labels, "|"), "default|1x1 as a matrix product|1x1 direct|"
                                      "1x1 matrix, column tiles of one vector|"
                                      "1x1 matrix, column tiles of two vectors|"
                                      "1x1 matrix, column tiles in parallel|3x3 direct|conv tiles of two channel vectors|"
                                      "3x3 direct, conv tiles of two channel vectors|3x3 Winograd at any size|"
                                      "Winograd column tiles of one vector|"
                                      "Winograd column tiles of three vectors, padded|"
                                      "8-lane vectors|conv threads split rows|conv threads split channels|"
                                      "no row tiles|"
                                      "few-channel convs as channel vectors|"
                                      "row tiles of 1 row|depthwise 2x2|depthwise 4x2|depthwise 1x8|"
                                      "depthwise column tiles as a loop|pool rows 4|"
                                      "matrix tile 4 rows|matrix tile half columns");
  EXPECT_EQ(tuningCandidates(scheduleParamsFor(16)).size(), labels.size() - 2);
}

// The 1x1 matrix candidates take every image size to matrix products over one to three
// vectors of columns (four with 8 lanes), with 8 output channels per tile where the base
// had matrix products off; none repeats an earlier candidate's parameters.
TEST(CpuScheduleParams, PointwiseMatrixColumnCandidates) {
  for (int registers : {16, 32}) {
    CpuScheduleParams base = scheduleParamsFor(registers);
    base.pointwiseMatrixChannelBlock = 0;
    std::vector<int64_t> vectors;
    for (const ScheduleCandidate &c : tuningCandidates(base)) {
      if (c.label.rfind("1x1 matrix, column tiles of", 0) != 0) continue;
      EXPECT_EQ(c.params.pointwiseMatrixMinPixels, 0) << c.label;
      EXPECT_EQ(c.params.pointwiseMatrixChannelBlock, 8) << c.label;
      EXPECT_EQ(c.params.pointwiseMatrixColumns % base.vectorWidth, 0) << c.label;
      vectors.push_back(c.params.pointwiseMatrixColumns / base.vectorWidth);
    }
    // "1x1 as a matrix product" has the default columns: two vectors of 8, three of 16.
    std::vector<int64_t> expected = registers == 32 ? std::vector<int64_t>{1, 2} : std::vector<int64_t>{1, 3, 4};
    EXPECT_EQ(vectors, expected) << registers;
  }
  // The half-vector candidate keeps the column tiles' number of vectors.
  for (const ScheduleCandidate &c : tuningCandidates(scheduleParamsFor(32)))
    if (c.label == "8-lane vectors") {
      EXPECT_EQ(c.params.pointwiseMatrixColumns, 3 * 8);
      EXPECT_EQ(c.params.winogradColumnBlock, 3 * 8);
    }
}

// The Winograd column-tile candidates follow the vector width; the padded one pads the
// tiles to a whole number of column tiles, so no column tile is masked.
TEST(CpuScheduleParams, WinogradColumnTileCandidates) {
  for (int registers : {16, 32}) {
    CpuScheduleParams base = scheduleParamsFor(registers);
    int found = 0;
    for (const ScheduleCandidate &c : tuningCandidates(base)) {
      if (c.label.rfind("Winograd column tiles", 0) != 0) continue;
      ++found;
      bool one = c.label.find("one vector") != std::string::npos;
      bool padded = c.label.find("padded") != std::string::npos;
      EXPECT_EQ(c.params.winogradColumnBlock, (one ? 1 : 3) * base.vectorWidth) << c.label;
      EXPECT_EQ(c.params.winogradColumnAlign, padded ? 3 * base.vectorWidth : base.winogradColumnAlign) << c.label;
    }
    EXPECT_EQ(found, registers == 32 ? 2 : 3) << registers;  // with 32, three vectors is the default
    // Without Winograd none applies.
    base.winogradOutputTile = 0;
    for (const ScheduleCandidate &c : tuningCandidates(base))
      EXPECT_EQ(c.label.find("Winograd column tiles"), std::string::npos) << c.label;
  }
  // Three vectors of 16 lanes are AVX-512's default tile.
  EXPECT_EQ(scheduleParamsFor(32).winogradColumnBlock, 3 * scheduleParamsFor(32).vectorWidth);
}

} // namespace
} // namespace tessera::lower
