//===- pass_manager.cpp - Running pipelines of graph passes ---------------------===//
#include "compiler/passes/pass_manager.h"

#include <absl/strings/ascii.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_join.h>
#include <absl/strings/str_split.h>

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

const PassInfo *findPass(const std::string &name) {
  for (const PassInfo &pass : registeredPasses())
    if (pass.name == name) return &pass;
  return nullptr;
}

Status registerPass(PassInfo pass) {
  if (const PassInfo *existing = findPass(pass.name)) {
    if (existing->run == pass.run) return absl::OkStatus();
    return absl::AlreadyExistsError(absl::StrCat("pass '", pass.name, "' is already registered"));
  }
  mutableRegistry().push_back(std::move(pass));
  return absl::OkStatus();
}

Status PassManager::addPipeline(const std::string &pipeline) {
  for (absl::string_view part : absl::StrSplit(pipeline, ',', absl::SkipWhitespace())) {
    std::string name(absl::StripAsciiWhitespace(part));
    if (name == "none") continue;
    const PassInfo *pass = findPass(name);
    if (!pass) {
      std::vector<std::string> known;
      for (const PassInfo &info : registeredPasses()) known.push_back(info.name);
      return invalidInput("unknown pass '%s' (known: %s)", name, absl::StrJoin(known, ", "));
    }
    pipeline_.push_back(pass);
  }
  return absl::OkStatus();
}

Status PassManager::run(graph::Graph &graph) {
  for (const PassInfo *pass : pipeline_) {
    PassContext context;
    context.options = options_.pass;
    auto start = std::chrono::steady_clock::now();
    auto changed = pass->run(graph, context);
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (!changed.ok()) return annotate(changed.status(), "pass " + pass->name);
    records_.push_back({pass->name, ms, *changed, context.statistics, context.notes});
    if (options_.verifyEach) {
      Status status = graph::verifyGraph(graph);
      if (!status.ok()) return annotate(status, "verifier after pass " + pass->name);
    }
    bool print = options_.printAfterAll || (options_.printAfterChange && *changed);
    if (print && options_.dump)
      *options_.dump << "# IR after " << pass->name << (*changed ? "" : " (unchanged)") << "\n"
                     << graph::printGraph(graph, {.elideLargeConstants = true});
  }
  return absl::OkStatus();
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
