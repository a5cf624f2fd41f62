//===- pass.h - What a graph pass is and what it sees ---------------------------===//
//
// A pass is one function `StatusOr<bool> run(Graph &, PassContext &)` returning
// whether it changed the graph, declared in its own header and registered once in
// passes.def (LLVM's PassRegistry.def style). Passes count what they do in the
// context's statistics, which `tessera opt --pass-stats` prints.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "compiler/graph/graph.h"

namespace tessera::passes {

/// Options that change what passes may do.
struct PassOptions {
  /// Allow rewrites that change floating-point rounding (x / c -> x * (1/c) for
  /// every constant c, not only powers of two).
  bool fastMath = false;
  /// Largest constant (elements) constant folding may create.
  int64_t maxFoldedElements = 1 << 20;
};

/// Named counters of one pass run.
using PassStatistics = std::map<std::string, int64_t>;

struct PassContext {
  PassOptions options;
  /// The running pass's counters.
  PassStatistics statistics;
  /// Free-form report lines (e.g. the memory plan) shown with --pass-stats.
  std::vector<std::string> notes;

  void count(const std::string &name, int64_t n = 1) { statistics[name] += n; }
};

using PassFn = StatusOr<bool> (*)(graph::Graph &, PassContext &);

} // namespace tessera::passes
