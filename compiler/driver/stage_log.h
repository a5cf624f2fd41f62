//===- stage_log.h - Reporting a pipeline's stages to the observer -----------------===//
//
// Each pipeline step is followed by one `log.*` line naming the stage; the text form
// is printed only when the observer asks for it.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>

#include "compiler/driver/driver.h"
#include "compiler/graph/printer.h"

namespace tessera::driver {

class StageLog {
public:
  explicit StageLog(const StageObserver &observer) : observer_(observer) {}

  /// Reports stage `name`; `print` runs only if the observer calls it, before this returns.
  void record(std::string name, std::function<std::string()> print) const {
    if (observer_) observer_(Stage{std::move(name), std::move(print)});
  }
  /// Reports stage `name` whose result is `graph` (printed as graph IR text).
  void graph(std::string name, const graph::Graph &graph) const {
    record(std::move(name), [&graph] { return graph::printGraph(graph); });
  }

private:
  const StageObserver &observer_;
};

} // namespace tessera::driver
