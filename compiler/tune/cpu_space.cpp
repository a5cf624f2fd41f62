//===- cpu_space.cpp - The CPU schedule space -----------------------------------------===//
#include "compiler/tune/cpu_space.h"

#include <sstream>

#include "support/strings.h"

namespace tessera::tune {

const std::vector<CpuParamAxis> &cpuScheduleSpace() {
  static const std::vector<CpuParamAxis> axes = {
      {"winogradOutputTile", {0, 2, 4}},        {"convChannelBlock", {8, 16, 32}},
      {"convWidthBlock", {4, 7, 8, 14, 16, 28}}, {"vectorWidth", {8, 16}},
      {"pointwiseMatrixChannelBlock", {0, 4, 8}}, {"pointwiseMatrixColumns", {8, 16, 32, 48}},
      {"pointwiseChannelBlock", {4, 6, 8}},      {"pointwiseRowBlock", {1, 2, 4}},
      {"winogradChannelBlock", {4, 8}},          {"winogradColumnBlock", {8, 16, 32, 48}},
      {"depthwiseChannelBlock", {0, 1, 2, 4}},   {"depthwiseRowBlock", {2, 4, 8}},
      {"pointwiseMatrixMinPixels", {0, 256}},    {"winogradMinChannels", {0, 64}},
      {"winogradMinPixels", {0, 196}},          {"winogradColumnAlign", {16, 32, 48}},
      {"gemmColumnBlock", {16, 32, 48, 64}},     {"channelBlock", {4, 8, 16}},
      {"convShortReductionTile", {4, 8, 16}},    {"poolRowBlock", {1, 2, 4}},
      {"windowMatrixMaxKernel", {0, 7}},         {"weightPrefetch", {0, 1, 2}},
  };
  return axes;
}

StatusOr<lower::CpuScheduleParams> withParam(const lower::CpuScheduleParams &base, const std::string &name, int64_t value) {
  lower::CpuScheduleParams params = base;
  TS_RETURN_IF_ERROR(lower::setScheduleParam(params, strCat(name, "=", value)));
  return params;
}

std::string scheduleText(const lower::CpuScheduleParams &params) {
  std::string text = lower::printScheduleParams(params);
  std::vector<std::string> pairs;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    if (!line.empty()) pairs.push_back(line);
  return joinStrings(pairs, " ");
}

StatusOr<lower::CpuScheduleParams> parseScheduleText(const std::string &text, const lower::CpuScheduleParams &base) {
  lower::CpuScheduleParams params = base;
  std::istringstream words(text);
  for (std::string word; words >> word;) TS_RETURN_IF_ERROR(lower::setScheduleParam(params, word));
  return params;
}

} // namespace tessera::tune
