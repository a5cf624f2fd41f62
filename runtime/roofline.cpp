//===- roofline.cpp - Roofline SVG ----------------------------------------------------===//
#include "runtime/roofline.h"

#include <algorithm>
#include <cmath>

#include "support/strings.h"

namespace tessera::runtime {

namespace {

constexpr double kWidth = 760, kHeight = 480, kLeft = 70, kRight = 20, kTop = 40, kBottom = 50;

struct Point {
  std::string name, op;
  double intensity, achieved;
};

/// Log-scale axes over [lo, hi] decades.
struct Axes {
  double xLo, xHi, yLo, yHi;
  double x(double v) const { return kLeft + (std::log10(v) - xLo) / (xHi - xLo) * (kWidth - kLeft - kRight); }
  double y(double v) const { return kHeight - kBottom - (std::log10(v) - yLo) / (yHi - yLo) * (kHeight - kTop - kBottom); }
};

std::string escape(const std::string &text) {
  std::string out;
  for (char c : text) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else if (c == '"') out += "&quot;";
    else out += c;
  }
  return out;
}

std::string line(double x1, double y1, double x2, double y2, const char *style) {
  return absl::StrFormat("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" style=\"%s\"/>\n", x1, y1, x2, y2, style);
}

std::string text(double x, double y, const std::string &content, const char *extra = "", int size = 11) {
  return absl::StrFormat("<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" %s>%s</text>\n", x, y, size, extra, escape(content));
}

std::string gridAndLabels(const Axes &axes) {
  std::string svg;
  for (int d = int(axes.xLo); d <= int(axes.xHi); ++d) {
    double x = axes.x(std::pow(10.0, d));
    svg += line(x, kTop, x, kHeight - kBottom, "stroke:#ddd");
    svg += text(x - 10, kHeight - kBottom + 16, absl::StrFormat("1e%d", d));
  }
  for (int d = int(axes.yLo); d <= int(axes.yHi); ++d) {
    double y = axes.y(std::pow(10.0, d));
    svg += line(kLeft, y, kWidth - kRight, y, "stroke:#ddd");
    svg += text(8, y + 4, absl::StrFormat("1e%d", d));
  }
  svg += text(kLeft + 180, kHeight - 12, "arithmetic intensity (MACs per DRAM byte)");
  svg += text(14, kTop - 10, "achieved MACs per cycle");
  return svg;
}

std::string roofs(const Axes &axes, double peak, double bandwidth) {
  double ridge = peak / bandwidth, xMax = std::pow(10.0, axes.xHi);
  // The DRAM roof enters the plot at the left edge or at the bottom, whichever is later.
  double xMin = std::max(std::pow(10.0, axes.xLo), std::pow(10.0, axes.yLo) / bandwidth);
  std::string svg = line(axes.x(xMin), axes.y(xMin * bandwidth), axes.x(ridge), axes.y(peak), "stroke:#c00;stroke-width:2");
  svg += line(axes.x(ridge), axes.y(peak), axes.x(xMax), axes.y(peak), "stroke:#00c;stroke-width:2");
  svg += text(axes.x(ridge) + 6, axes.y(peak) - 6, absl::StrFormat("compute roof %.0f MACs/cycle", peak), "fill=\"#00c\"");
  svg += text(axes.x(xMin) + 6, axes.y(xMin * bandwidth) - 8, absl::StrFormat("DRAM roof %.0f B/cycle", bandwidth),
              "fill=\"#c00\"");
  return svg;
}

std::vector<Point> pointsOf(const nlohmann::json &report) {
  std::vector<Point> points;
  if (!report.contains("segments")) return points;
  for (const nlohmann::json &row : report["segments"]) {
    double intensity = row.value("arithmetic_intensity_macs_per_byte", 0.0), achieved = row.value("achieved_macs_per_cycle", 0.0);
    if (intensity > 0 && achieved > 0)
      points.push_back(Point{row.value("name", std::string()), row.value("op", std::string()), intensity, achieved});
  }
  return points;
}

} // namespace

StatusOr<std::string> rooflineSvg(const nlohmann::json &report, const isa::HardwareConfig &config) {
  std::vector<Point> points = pointsOf(report);
  if (points.empty()) return invalidInput("roofline: the report has no segment with GEMM work, cycles and DRAM traffic");
  double peak = double(config.macsPerCycle()), bandwidth = double(config.dram_bytes_per_cycle);
  double xMin = peak / bandwidth, xMax = xMin, yMin = peak;
  for (const Point &p : points) xMin = std::min(xMin, p.intensity), xMax = std::max(xMax, p.intensity), yMin = std::min(yMin, p.achieved);
  Axes axes{std::floor(std::log10(xMin)) - 0, std::ceil(std::log10(xMax)) + 1, std::floor(std::log10(yMin)),
            std::ceil(std::log10(peak)) + 0.3};
  std::string svg = absl::StrFormat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" font-family=\"sans-serif\">\n", kWidth, kHeight);
  svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  svg += text(kLeft, 18, strCat("roofline: ", report.value("backend", std::string("?")), ", config ", config.name),
              "font-weight=\"bold\"");
  svg += gridAndLabels(axes) + roofs(axes, peak, bandwidth);
  for (const Point &p : points) {
    svg += absl::StrFormat("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"#080\" fill-opacity=\"0.7\"><title>%s</title></circle>\n",
                           axes.x(p.intensity), axes.y(p.achieved),
                           escape(absl::StrFormat("%s (%s): %.1f MACs/byte, %.1f MACs/cycle", p.name, p.op, p.intensity, p.achieved)));
    svg += text(axes.x(p.intensity) + 5, axes.y(p.achieved) + 3, p.name, "fill=\"#555\"", 9);
  }
  return svg + "</svg>\n";
}

} // namespace tessera::runtime
