//===- driver.cpp - Dispatch on the target of targets.def ---------------------------===//
#include "compiler/driver/driver.h"

#include "compiler/driver/targets.h"
#include "support/strings.h"

namespace tessera::driver {

const std::vector<TargetInfo> &targets() {
  static const std::vector<TargetInfo> all = {
#define TARGET(NAME, EXTENSION, DESCRIPTION) TargetInfo{#NAME, EXTENSION, DESCRIPTION},
#include "compiler/driver/targets.def"
  };
  return all;
}

std::vector<std::string> targetNames() {
  std::vector<std::string> names;
  for (const TargetInfo &target : targets()) names.push_back(target.name);
  return names;
}

StatusOr<CompiledArtifact> compileModel(const ModelSource &model, const CompileOptions &options) {
  StatusOr<CompiledArtifact> artifact = invalidInput("unknown target '%s' (available: %s)", options.target,
                                                     joinStrings(targetNames(), ", "));
#define TARGET(NAME, EXTENSION, DESCRIPTION) \
  if (options.target == #NAME) artifact = NAME##Pipeline(model, options);
#include "compiler/driver/targets.def"
  if (!artifact.ok()) return artifact.status();
  artifact->target = options.target;
  for (const TargetInfo &target : targets())
    if (target.name == options.target) artifact->extension = target.extension;
  return artifact;
}

} // namespace tessera::driver
