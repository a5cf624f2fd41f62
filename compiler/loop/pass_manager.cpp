//===- pass_manager.cpp - Runs named loop IR passes in order ---------------------------===//
#include "compiler/loop/pass_manager.h"

#include "compiler/loop/guard_accumulations.h"
#include "compiler/loop/partition_loops.h"
#include "compiler/loop/printer.h"
#include "compiler/loop/simplify.h"
#include "compiler/loop/unroll_loops.h"
#include "compiler/loop/verifier.h"

namespace tessera::loop {
namespace {

struct LoopPassInfo {
  std::string_view name;
  Status (*fn)(Func &);
  std::string_view description;
};

constexpr LoopPassInfo kPasses[] = {
#define TESSERA_LOOP_PASS(name, fn, summary) {name, fn, summary},
#include "compiler/loop/passes.def"
};

struct LoopPassTraits {
  using IR = Func;
  using Pass = LoopPassInfo;
  static constexpr std::string_view kKind = "loop pass";
  static constexpr std::string_view kKnownLabel = "available";
  static std::span<const LoopPassInfo> registry() { return kPasses; }
  static Status verify(const Func &func) { return verifyFunc(func); }
  static std::string print(const Func &func) { return printFunc(func); }
};

} // namespace

std::vector<std::string> loopPassNames() { return PassPipeline<LoopPassTraits>::names(); }

Status runLoopPipeline(Func &func, const std::string &pipeline, const PassOptions &options) {
  PassPipeline<LoopPassTraits> passes;
  TS_RETURN_IF_ERROR(passes.add(pipeline));
  // Loop passes do not report whether they changed the func: when it matters (to print
  // only after a change), compare its text before and after.
  const bool compare = options.log && options.printAfterChange && !options.printAfterAll;
  return passes.run(func, options, [&](const LoopPassInfo &pass, Func &f) -> StatusOr<bool> {
    std::string before = compare ? printFunc(f) : "";
    TS_RETURN_IF_ERROR(pass.fn(f));
    return !compare || printFunc(f) != before;
  });
}

Status runLoopPipeline(Module &module, const std::string &pipeline, const PassOptions &options) {
  for (Func &f : module.funcs) TS_RETURN_IF_ERROR(runLoopPipeline(f, pipeline, options));
  return absl::OkStatus();
}

} // namespace tessera::loop
