//===- pass_manager.h - Running pipelines of graph passes -----------------------===//
//
// A pipeline is a string of comma-separated pass names ("cse,dce"). The manager runs
// each pass, times it, keeps its statistics, verifies the graph after it (on by
// default, as MLIR's pass manager does), and can print the IR after every pass or
// only after passes that changed it.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "compiler/passes/pass.h"

namespace tessera::passes {

/// The pipeline `tessera opt` runs when --passes is not given.
extern const char *const kDefaultPipeline;

struct PassInfo {
  std::string name;
  PassFn run;
  std::string description;
};

/// Every registered pass, in passes.def order.
const std::vector<PassInfo> &registeredPasses();
/// Looks a pass up by its pipeline name.
const PassInfo *findPass(const std::string &name);

/// One pass's record after a run.
struct PassRecord {
  std::string name;
  double milliseconds = 0;
  bool changed = false;
  PassStatistics statistics;
  std::vector<std::string> notes;
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
  std::vector<const PassInfo *> pipeline_;
  std::vector<PassRecord> records_;
};

} // namespace tessera::passes
