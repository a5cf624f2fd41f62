//===- pass_pipeline.h - Runs a string pipeline of named passes over one IR -----===//
//
// The pass manager of every IR level, written once: the graph IR's (compiler/passes/
// pass_manager.h) and the loop IR's (compiler/loop/pass_manager.h) instantiate it.
// A pipeline is a string of comma-separated pass names ("cse,dce"), looked up in the
// level's registry (its passes.def X-macro, plus passes registered from above).
// Running it times each pass, records whether it changed the IR, runs the verifier
// after it (on by default, as MLIR's pass manager does), and can print the IR after
// every pass or only after passes that changed it, and each pass's time.
//
// The IR level supplies a traits struct:
//   struct Traits {
//     using IR = ...;                       // what the passes transform
//     using Pass = ...;                     // a registry entry with a `name` member
//     static constexpr std::string_view kKind = "pass";  // used in messages
//     static constexpr std::string_view kKnownLabel = "known";  // before the name list
//     static const auto &registry();         // the entries, in order (any range)
//     static Status verify(const IR &);
//     static std::string print(const IR &);  // text form for --print-ir-after-*
//   };
//
//===----------------------------------------------------------------------===//
#pragma once

#include <chrono>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <absl/strings/str_format.h>

#include "support/status.h"
#include "support/strings.h"

namespace tessera {

struct PipelineOptions {
  /// Run the IR's verifier after every pass.
  bool verifyEach = true;
  /// Print the IR after every pass (to `log`).
  bool printAfterAll = false;
  /// Print the IR after every pass that changed it (to `log`).
  bool printAfterChange = false;
  /// Print each pass's wall time (to `log`).
  bool timing = false;
  std::ostream *log = nullptr;
};

/// One pass's run.
struct PassRun {
  std::string name;
  double milliseconds = 0;
  bool changed = false;
};

template <typename Traits> class PassPipeline {
public:
  using IR = typename Traits::IR;
  using Pass = typename Traits::Pass;

  /// Appends the passes of "a,b,c" (blank pieces and "none" add nothing). An unknown
  /// name is an error listing the known passes, and then nothing is appended.
  Status add(std::string_view pipeline) {
    std::vector<const Pass *> added;
    for (std::string_view piece : splitString(pipeline, ',', /*skipEmpty=*/true)) {
      std::string_view name = trimWhitespace(piece);
      if (name.empty() || name == "none") continue;
      const Pass *pass = find(name);
      if (!pass)
        return invalidInput("unknown %s '%s' (%s: %s)", Traits::kKind, std::string(name), Traits::kKnownLabel,
                            knownNames());
      added.push_back(pass);
    }
    passes_.insert(passes_.end(), added.begin(), added.end());
    return absl::OkStatus();
  }

  /// Runs the passes in order on `ir`. `runPass(pass, ir)` runs one and returns
  /// whether it changed the IR (StatusOr<bool>); an error stops the pipeline, named
  /// after the pass, and so does a verifier error after it.
  template <typename RunPass> Status run(IR &ir, const PipelineOptions &options, RunPass &&runPass) {
    for (const Pass *pass : passes_) {
      const std::string name(pass->name);
      auto start = std::chrono::steady_clock::now();
      StatusOr<bool> changed = runPass(*pass, ir);
      double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
      if (!changed.ok()) return annotate(changed.status(), strCat(Traits::kKind, " '", name, "'"));
      runs_.push_back({name, ms, *changed});
      if (options.verifyEach)
        TS_RETURN_IF_ERROR(annotate(Traits::verify(ir), strCat("verifier after ", Traits::kKind, " '", name, "'")));
      if (!options.log) continue;
      if (options.timing) *options.log << absl::StrFormat("# %s: %.3f ms\n", name, ms);
      if (options.printAfterAll || (options.printAfterChange && *changed))
        *options.log << "# IR after " << name << (*changed ? "" : " (unchanged)") << "\n" << Traits::print(ir);
    }
    return absl::OkStatus();
  }

  /// The passes' runs so far, in order.
  const std::vector<PassRun> &runs() const { return runs_; }

  /// The registered pass names, in registry order.
  static std::vector<std::string> names() {
    std::vector<std::string> out;
    for (const Pass &pass : Traits::registry()) out.emplace_back(pass.name);
    return out;
  }

  /// The registry entry named `name`, or null.
  static const Pass *find(std::string_view name) {
    for (const Pass &pass : Traits::registry())
      if (std::string_view(pass.name) == name) return &pass;
    return nullptr;
  }

private:
  static std::string knownNames() { return joinStrings(names(), ", "); }

  std::vector<const Pass *> passes_;
  std::vector<PassRun> runs_;
};

} // namespace tessera
