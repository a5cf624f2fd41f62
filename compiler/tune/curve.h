//===- curve.h - The tuning curve as SVG: best-so-far total cycles against trials -----===//
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace tessera::tune {

/// A line chart of (trials, best total cycles) points, with the untuned total as a
/// dashed line; `title` above it. Self-contained SVG text.
std::string curveSvg(const std::vector<std::pair<int64_t, double>> &points, double untunedTotal, const std::string &title);

} // namespace tessera::tune
