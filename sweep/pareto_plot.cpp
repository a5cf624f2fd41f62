//===- pareto_plot.cpp - The SVG of a sweep's Pareto fronts ---------------------------===//
#include "sweep/pareto_plot.h"

#include <algorithm>
#include <cmath>

#include "support/strings.h"

namespace tessera::sweep {
namespace {

constexpr double kWidth = 720, kHeight = 460, kLeft = 80, kRight = 30, kTop = 40, kBottom = 60;
/// The legend of numbered Pareto points, right of the plot.
constexpr double kLegendWidth = 540;

/// One axis: a value range mapped onto pixels, linear or logarithmic.
struct Axis {
  double lo = 0, hi = 1;
  bool log = false;
  double pixelLo = 0, pixelHi = 1;

  static Axis fit(std::vector<double> values, double pixelLo, double pixelHi) {
    Axis axis;
    auto [mn, mx] = std::minmax_element(values.begin(), values.end());
    axis.lo = *mn;
    axis.hi = *mx;
    axis.log = axis.lo > 0 && axis.hi / axis.lo > 10;
    if (axis.log) {
      axis.lo /= 1.15;
      axis.hi *= 1.15;
    } else {
      double pad = axis.hi > axis.lo ? 0.08 * (axis.hi - axis.lo) : std::max(0.05 * axis.hi, 1e-9);
      axis.lo = std::max(0.0, axis.lo - pad);
      axis.hi += pad;
    }
    axis.pixelLo = pixelLo;
    axis.pixelHi = pixelHi;
    return axis;
  }
  double fraction(double v) const {
    if (log) return (std::log(v) - std::log(lo)) / (std::log(hi) - std::log(lo));
    return (v - lo) / (hi - lo);
  }
  double pixel(double v) const { return pixelLo + fraction(v) * (pixelHi - pixelLo); }
  std::vector<double> ticks() const {
    std::vector<double> out;
    for (int i = 0; i <= 4; ++i) {
      double f = i / 4.0;
      out.push_back(log ? std::exp(std::log(lo) + f * (std::log(hi) - std::log(lo))) : lo + f * (hi - lo));
    }
    return out;
  }
};

std::string escape(const std::string &text) {
  std::string out;
  for (char c : text) out += c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '&' ? "&amp;" : std::string(1, c);
  return out;
}

std::string axes(const Axis &x, const Axis &y, double top) {
  std::string svg = absl::StrFormat("<rect x=\"%g\" y=\"%g\" width=\"%g\" height=\"%g\" fill=\"none\" stroke=\"#444\"/>\n",
                                    kLeft, top + kTop, kWidth - kLeft - kRight, kHeight - kTop - kBottom);
  for (double t : x.ticks())
    svg += absl::StrFormat("<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"middle\">%.3g</text>\n", x.pixel(t),
                           top + kHeight - kBottom + 16, t);
  for (double t : y.ticks())
    svg += absl::StrFormat("<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%.3g</text>\n", kLeft - 6,
                           y.pixel(t) + 4, t);
  svg += absl::StrFormat("<text x=\"%g\" y=\"%g\" font-size=\"12\" text-anchor=\"middle\">latency (ms)%s</text>\n",
                         (kLeft + kWidth - kRight) / 2, top + kHeight - 18, x.log ? ", log scale" : "");
  svg += absl::StrFormat("<text x=\"16\" y=\"%g\" font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 16 %g)\">"
                         "energy (uJ)%s</text>\n",
                         top + kHeight / 2, top + kHeight / 2, y.log ? ", log scale" : "");
  return svg;
}

std::string panel(const std::string &model, const std::vector<const ResultRow *> &rows, const std::string &backend,
                  double top) {
  std::string svg = absl::StrFormat("<text x=\"%g\" y=\"%g\" font-size=\"14\" font-weight=\"bold\">%s: %d points "
                                    "(%s backend), Pareto front in red</text>\n",
                                    kLeft, top + 24, escape(model), rows.size(), escape(backend));
  if (rows.empty())
    return svg + absl::StrFormat("<text x=\"%g\" y=\"%g\" font-size=\"12\">no point has both a latency and an energy "
                                 "(the functional backend counts no cycles)</text>\n", kLeft, top + 60);
  std::vector<double> latency, energy, area;
  for (const ResultRow *row : rows) {
    latency.push_back(row->values["latency_ms"]);
    energy.push_back(row->values["energy_uj"]);
    area.push_back(row->values.value("area_mm2", 1.0));
  }
  Axis x = Axis::fit(latency, kLeft, kWidth - kRight), y = Axis::fit(energy, top + kHeight - kBottom, top + kTop);
  svg += axes(x, y, top);
  double maxArea = *std::max_element(area.begin(), area.end());
  std::vector<size_t> order(rows.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return latency[a] < latency[b]; });
  std::string front, legend;
  int number = 0;
  for (size_t i : order) {
    double radius = 3 + 9 * std::sqrt(area[i] / maxArea), px = x.pixel(latency[i]), py = y.pixel(energy[i]);
    bool pareto = rows[i]->pareto;
    svg += absl::StrFormat("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\" fill-opacity=\"0.6\" stroke=\"#333\">"
                           "<title>%s: %.4g ms, %.4g uJ, %.4g mm2</title></circle>\n",
                           px, py, radius, pareto ? "#d62728" : "#9e9e9e", escape(rows[i]->point), latency[i], energy[i], area[i]);
    if (!pareto) continue;
    ++number;
    front += absl::StrFormat("%s%.1f,%.1f", front.empty() ? "" : " ", px, py);
    svg += absl::StrFormat("<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" font-weight=\"bold\">%d</text>\n", px + radius + 2,
                           py - 2, number);
    legend += absl::StrFormat("<text x=\"%g\" y=\"%g\" font-size=\"11\">%d  %s: %.4g ms, %.4g uJ, %.3g mm2</text>\n",
                              kWidth + 10, top + kTop + 14 * number, number, escape(rows[i]->point), latency[i], energy[i], area[i]);
  }
  if (number > 1) svg += "<polyline fill=\"none\" stroke=\"#d62728\" stroke-width=\"1.5\" points=\"" + front + "\"/>\n";
  svg += absl::StrFormat("<text x=\"%g\" y=\"%g\" font-size=\"12\" font-weight=\"bold\">Pareto points (marker area: "
                         "config area)</text>\n", kWidth + 10, top + kTop);
  return svg + legend;
}

} // namespace

std::string paretoSvg(const SweepPlan &plan, const std::vector<ResultRow> &rows) {
  std::string body;
  double top = 0;
  for (const SweepModel &model : plan.models) {
    std::vector<const ResultRow *> points;
    for (const ResultRow &row : rows)
      if (row.model == model.name && row.values.value("status", "") == "ok" && row.values.contains("latency_ms"))
        points.push_back(&row);
    body += panel(model.name, points, plan.backend, top);
    top += kHeight;
  }
  return absl::StrFormat("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%g\" height=\"%g\" "
                         "font-family=\"sans-serif\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n%s</svg>\n",
                         kWidth + kLegendWidth, top, body);
}

} // namespace tessera::sweep
