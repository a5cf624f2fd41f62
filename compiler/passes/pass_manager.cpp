//===- pass_manager.cpp - Running pipelines of graph passes ---------------------===//
#include "compiler/passes/pass_manager.h"

#include <absl/strings/str_cat.h>
#include <absl/strings/str_join.h>

#include <chrono>
#include <cstdio>

#include "compiler/graph/printer.h"
#include "compiler/graph/verifier.h"

namespace tessera::passes {

#define TESSERA_PASS(name, fn, description) StatusOr<bool> fn(graph::Graph &graph, PassContext &context);
#include "compiler/passes/passes.def"

const char *const kDefaultPipeline =
    "constant-fold,nop-elim,zero-dim-elim,algebraic-simplify,strength-reduce,sink,algebraic-simplify,"
    "bn-fold,cse,constant-fold,dce,memory-plan";

namespace {

std::deque<PassInfo> &mutableRegistry() {
  static std::deque<PassInfo> passes = {
#define TESSERA_PASS(name, fn, description) {name, &fn, description},
#include "compiler/passes/passes.def"
  };
  return passes;
}

} // namespace

const std::deque<PassInfo> &registeredPasses() { return mutableRegistry(); }

const PassInfo *findPass(const std::string &name) { return PassPipeline<GraphPassTraits>::find(name); }

Status registerPass(PassInfo pass) {
  if (const PassInfo *existing = findPass(pass.name)) {
    if (existing->run == pass.run) return absl::OkStatus();
    return absl::AlreadyExistsError(absl::StrCat("pass '", pass.name, "' is already registered"));
  }
  mutableRegistry().push_back(std::move(pass));
  return absl::OkStatus();
}

Status GraphPassTraits::verify(const graph::Graph &graph) { return graph::verifyGraph(graph); }

std::string GraphPassTraits::print(const graph::Graph &graph) {
  return graph::printGraph(graph, {.elideLargeConstants = true});
}

Status PassManager::addPipeline(const std::string &pipeline) { return pipeline_.add(pipeline); }

Status PassManager::run(graph::Graph &graph) {
  PipelineOptions options;
  options.verifyEach = options_.verifyEach;
  options.printAfterAll = options_.printAfterAll;
  options.printAfterChange = options_.printAfterChange;
  options.log = options_.dump;
  return pipeline_.run(graph, options, [&](const PassInfo &pass, graph::Graph &g) -> StatusOr<bool> {
    PassContext context;
    context.options = options_.pass;
    auto start = std::chrono::steady_clock::now();
    TS_ASSIGN_OR_RETURN(bool changed, pass.run(g, context));
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    records_.push_back({pass.name, ms, changed, std::move(context.statistics), std::move(context.notes)});
    return changed;
  });
}

std::string PassManager::statisticsReport() const {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof(line), "%-20s %10s %8s  %s\n", "pass", "time (ms)", "changed", "statistics");
  out += line;
  double total = 0;
  for (const PassRecord &record : records_) {
    std::vector<std::string> stats;
    for (const auto &[name, value] : record.statistics) stats.push_back(absl::StrCat(name, "=", value));
    std::snprintf(line, sizeof(line), "%-20s %10.3f %8s  ", record.name.c_str(), record.milliseconds,
                  record.changed ? "yes" : "no");
    out += line + absl::StrJoin(stats, ", ") + "\n";
    for (const std::string &note : record.notes) out += "    " + note + "\n";
    total += record.milliseconds;
  }
  std::snprintf(line, sizeof(line), "%-20s %10.3f\n", "total", total);
  return out + line;
}

} // namespace tessera::passes
