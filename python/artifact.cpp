//===- artifact.cpp - An artifact's runners, one per backend ------------------------===//
#include "python/artifact.h"

namespace tessera::python {

StatusOr<ModelRunner *> Artifact::runner(const std::string &backend) {
  std::lock_guard lock(mutex_);
  auto found = runners_.find(backend);
  if (found != runners_.end()) return found->second.get();
  TS_ASSIGN_OR_RETURN(std::unique_ptr<ModelRunner> opened, openRunner(compiled, backend));
  return (runners_[backend] = std::move(opened)).get();
}

} // namespace tessera::python
