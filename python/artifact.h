//===- artifact.h - tessera.Artifact: a compiled model and its opened runners ---------===//
//
// The driver's CompiledArtifact (the .tsb, .so or .ptx bytes and the summary), the
// compiler's progress lines, and one runner per backend it has run on, opened on first
// use and kept (model_runner.h).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "compiler/driver/driver.h"
#include "python/model_runner.h"

namespace tessera::python {

struct Artifact {
  driver::CompiledArtifact compiled;
  std::string log; ///< the compiler's progress lines (quantization)

  /// The runner of `backend`, opened on first use.
  StatusOr<ModelRunner *> runner(const std::string &backend);

private:
  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<ModelRunner>> runners_;
};

} // namespace tessera::python
