//===- curve.cpp - A small SVG line chart -------------------------------------------------===//
#include "compiler/tune/curve.h"

#include <algorithm>

#include "support/strings.h"

namespace tessera::tune {
namespace {

constexpr double kWidth = 640, kHeight = 400, kLeft = 90, kRight = 20, kTop = 40, kBottom = 50;

/// Maps data to the plot area.
struct Axes {
  double xMax, yMin, yMax;
  double x(double v) const { return kLeft + (kWidth - kLeft - kRight) * v / std::max(1.0, xMax); }
  double y(double v) const {
    double span = std::max(1.0, yMax - yMin);
    return kHeight - kBottom - (kHeight - kTop - kBottom) * (v - yMin) / span;
  }
};

std::string axesSvg(const Axes &a) {
  std::string s = absl::StrFormat(R"(<line x1="%g" y1="%g" x2="%g" y2="%g" stroke="black"/>)", kLeft, kHeight - kBottom,
                                  kWidth - kRight, kHeight - kBottom);
  s += absl::StrFormat(R"(<line x1="%g" y1="%g" x2="%g" y2="%g" stroke="black"/>)", kLeft, kTop, kLeft, kHeight - kBottom);
  for (int i = 0; i <= 4; ++i) {
    double xv = a.xMax * i / 4, yv = a.yMin + (a.yMax - a.yMin) * i / 4;
    s += absl::StrFormat(R"(<text x="%g" y="%g" font-size="11" text-anchor="middle">%.0f</text>)", a.x(xv),
                         kHeight - kBottom + 16, xv);
    s += absl::StrFormat(R"(<text x="%g" y="%g" font-size="11" text-anchor="end">%.0f</text>)", kLeft - 6, a.y(yv) + 4, yv);
  }
  s += absl::StrFormat(R"(<text x="%g" y="%g" font-size="12" text-anchor="middle">trials</text>)",
                       (kLeft + kWidth - kRight) / 2, kHeight - 12);
  s += absl::StrFormat(R"svg(<text x="14" y="%g" font-size="12" transform="rotate(-90 14 %g)" text-anchor="middle">)svg"
                       R"svg(best total cycles</text>)svg",
                       kHeight / 2, kHeight / 2);
  return s;
}

} // namespace

std::string curveSvg(const std::vector<std::pair<int64_t, double>> &points, double untunedTotal, const std::string &title) {
  Axes axes{1, untunedTotal, untunedTotal};
  for (const auto &[trials, total] : points) {
    axes.xMax = std::max(axes.xMax, double(trials));
    axes.yMin = std::min(axes.yMin, total), axes.yMax = std::max(axes.yMax, total);
  }
  double pad = std::max(1.0, (axes.yMax - axes.yMin) * 0.05);
  axes.yMin = std::max(0.0, axes.yMin - pad), axes.yMax += pad;
  std::string path;
  for (const auto &[trials, total] : points)
    path += absl::StrFormat("%s%.1f,%.1f", path.empty() ? "M" : " L", axes.x(double(trials)), axes.y(total));
  std::string svg = absl::StrFormat(R"(<svg xmlns="http://www.w3.org/2000/svg" width="%g" height="%g">)", kWidth, kHeight);
  svg += R"(<rect width="100%" height="100%" fill="white"/>)";
  svg += absl::StrFormat(R"(<text x="%g" y="22" font-size="14" text-anchor="middle">%s</text>)", kWidth / 2, title);
  svg += axesSvg(axes);
  svg += absl::StrFormat(R"(<line x1="%g" y1="%g" x2="%g" y2="%g" stroke="gray" stroke-dasharray="6,4"/>)", kLeft,
                         axes.y(untunedTotal), kWidth - kRight, axes.y(untunedTotal));
  svg += absl::StrFormat(R"(<path d="%s" fill="none" stroke="#1f77b4" stroke-width="2"/>)", path);
  return svg + "</svg>\n";
}

} // namespace tessera::tune
