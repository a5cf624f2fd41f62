//===- roofline_test.cpp - The roofline SVG of a report's segments --------------------===//
#include <regex>

#include <gtest/gtest.h>

#include "isa/test_util.h"
#include "runtime/roofline.h"

namespace tessera::runtime {
namespace {

nlohmann::json row(const std::string &name, double intensity, double achieved) {
  return {{"name", name}, {"op", "conv2d"}, {"arithmetic_intensity_macs_per_byte", intensity},
          {"achieved_macs_per_cycle", achieved}};
}

TEST(Roofline, OnePointPerGemmSegmentEverythingOnTheCanvas) {
  isa::HardwareConfig config = isa::testing::loadTestConfig("default");
  nlohmann::json report = {{"backend", "systemc"},
                           {"segments", {row("conv<1>", 40.0, 230.0), row("fc", 0.9, 14.0), row("pool", 0.0, 0.0)}}};
  auto svg = rooflineSvg(report, config);
  ASSERT_TRUE(svg.ok()) << svg.status();
  std::string text = *svg;
  int circles = 0;
  for (size_t at = text.find("<circle "); at != std::string::npos; at = text.find("<circle ", at + 1)) ++circles;
  EXPECT_EQ(circles, 2); // the pooling segment has no GEMM work
  EXPECT_NE(text.find("conv&lt;1&gt;"), std::string::npos) << "names are escaped";
  EXPECT_NE(text.find("compute roof 256 MACs/cycle"), std::string::npos);
  EXPECT_NE(text.find("DRAM roof 16 B/cycle"), std::string::npos);
  std::regex coordinate("(?:x1|x2|cx|y1|y2|cy)=\"(-?[0-9.]+)\"");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), coordinate); it != std::sregex_iterator(); ++it) {
    double value = std::stod((*it)[1]);
    EXPECT_GE(value, 0.0) << it->str();
    EXPECT_LE(value, 760.0) << it->str();
  }
}

TEST(Roofline, AReportWithoutGemmSegmentsIsAnError) {
  isa::HardwareConfig config = isa::testing::loadTestConfig("default");
  auto svg = rooflineSvg({{"segments", {row("pool", 0.0, 0.0)}}}, config);
  ASSERT_FALSE(svg.ok());
  EXPECT_NE(svg.status().message().find("no segment with GEMM work"), std::string::npos);
}

} // namespace
} // namespace tessera::runtime
