//===- pass_manager.h - Running pipelines of graph passes -----------------------===//
//
// A pipeline is a string of comma-separated pass names ("cse,dce"). The manager is
// support/pass_pipeline.h's, instantiated for the graph IR: it runs each pass, times
// it, verifies the graph after it (on by default, as MLIR's pass manager does), and can
// print the IR after every pass or only after passes that changed it; on top of it,
// this one keeps each pass's statistics and notes for --pass-stats.
//
// The registry holds this library's passes (passes.def) and those a library above it
// adds with registerPass -- e.g. compiler/quant's own passes.def, registered by
// quant::registerQuantPasses() -- so a pipeline names any of them while this library
// names no function of a library above it (docs/architecture.md#layers). A tool
// registers those passes once, at start, before it parses a pipeline.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <deque>
#include <ostream>
#include <string>
#include <vector>

#include "compiler/passes/pass.h"
#include "support/pass_pipeline.h"

namespace tessera::passes {

/// The pipeline `tessera opt` runs when --passes is not given.
extern const char *const kDefaultPipeline;

struct PassInfo {
  std::string name;
  PassFn run;
  std::string description;
};

/// Every registered pass: passes.def's in its order, then those registered later in
/// the order of registration. Elements stay where they are when passes are added.
const std::deque<PassInfo> &registeredPasses();
/// Looks a pass up by its pipeline name.
const PassInfo *findPass(const std::string &name);
/// Adds a pass of a library above this one. Registering the same name with the same
/// function again does nothing; with another function it is an error. Not thread-safe
/// with pipelines being parsed: register at start.
Status registerPass(PassInfo pass);

/// One pass's record after a run.
struct PassRecord {
  std::string name;
  double milliseconds = 0;
  bool changed = false;
  PassStatistics statistics;
  std::vector<std::string> notes;
};

/// The pipeline's traits for support/pass_pipeline.h.
struct GraphPassTraits {
  using IR = graph::Graph;
  using Pass = PassInfo;
  static constexpr std::string_view kKind = "pass";
  static constexpr std::string_view kKnownLabel = "known";
  static const std::deque<PassInfo> &registry() { return registeredPasses(); }
  static Status verify(const graph::Graph &graph);
  static std::string print(const graph::Graph &graph);
};

struct PassManagerOptions {
  PassOptions pass;
  bool verifyEach = true;
  bool printAfterAll = false;
  bool printAfterChange = false;
  /// Where the IR dumps go.
  std::ostream *dump = nullptr;
};

class PassManager {
public:
  explicit PassManager(PassManagerOptions options = {}) : options_(std::move(options)) {}

  /// Parses "a,b,c" ("none" adds nothing); an unknown name is an error listing the
  /// known passes.
  Status addPipeline(const std::string &pipeline);
  Status run(graph::Graph &graph);

  const std::vector<PassRecord> &records() const { return records_; }
  /// The --pass-stats table.
  std::string statisticsReport() const;

private:
  PassManagerOptions options_;
  PassPipeline<GraphPassTraits> pipeline_;
  std::vector<PassRecord> records_;
};

} // namespace tessera::passes
