//===- pass_manager.cpp - Runs named loop IR passes in order ---------------------------===//
#include "compiler/loop/pass_manager.h"

#include <chrono>

#include "compiler/loop/guard_accumulations.h"
#include "compiler/loop/partition_loops.h"
#include "compiler/loop/printer.h"
#include "compiler/loop/simplify.h"
#include "compiler/loop/unroll_loops.h"
#include "compiler/loop/verifier.h"

namespace tessera::loop {
namespace {

using PassFn = Status (*)(Func &);

struct PassInfo {
  std::string_view name;
  PassFn fn;
};

constexpr PassInfo kPasses[] = {
#define TESSERA_LOOP_PASS(name, fn, summary) {name, fn},
#include "compiler/loop/passes.def"
};

StatusOr<std::vector<PassFn>> resolve(const std::string &pipeline, std::vector<std::string> &names) {
  std::vector<PassFn> fns;
  for (std::string_view piece : splitString(pipeline, ',', /*skipEmpty=*/true)) {
    std::string_view name = trimWhitespace(piece);
    const PassInfo *found = nullptr;
    for (const PassInfo &p : kPasses)
      if (p.name == name) found = &p;
    if (!found)
      return invalidInput("unknown loop pass '%s' (available: %s)", std::string(name), joinStrings(loopPassNames(), ", "));
    fns.push_back(found->fn);
    names.emplace_back(name);
  }
  return fns;
}

} // namespace

std::vector<std::string> loopPassNames() {
  std::vector<std::string> names;
  for (const PassInfo &p : kPasses) names.emplace_back(p.name);
  return names;
}

Status runLoopPipeline(Func &func, const std::string &pipeline, const PassOptions &options) {
  std::vector<std::string> names;
  TS_ASSIGN_OR_RETURN(std::vector<PassFn> fns, resolve(pipeline, names));
  for (size_t i = 0; i < fns.size(); ++i) {
    std::string before = options.printAfterChange ? printFunc(func) : "";
    auto start = std::chrono::steady_clock::now();
    TS_RETURN_IF_ERROR(annotate(fns[i](func), strCat("loop pass '", names[i], "'")));
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (options.verifyEach) TS_RETURN_IF_ERROR(annotate(verifyFunc(func), strCat("after loop pass '", names[i], "'")));
    if (options.timing && options.log) *options.log << absl::StrFormat("// %s on @%s: %.3f ms\n", names[i], func.name, ms);
    if (options.printAfterChange && options.log) {
      std::string after = printFunc(func);
      if (after != before) *options.log << "// -----// IR after " << names[i] << " //----- //\n" << after;
    }
  }
  return absl::OkStatus();
}

Status runLoopPipeline(Module &module, const std::string &pipeline, const PassOptions &options) {
  for (Func &f : module.funcs) TS_RETURN_IF_ERROR(runLoopPipeline(f, pipeline, options));
  return absl::OkStatus();
}

} // namespace tessera::loop
