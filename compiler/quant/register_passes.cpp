//===- register_passes.cpp - compiler/quant's passes into the pass registry ------===//
#include "compiler/quant/register_passes.h"

#include <cassert>
#include <mutex>

#include "compiler/passes/pass_manager.h"
#include "compiler/quant/qdq_import.h"

namespace tessera::quant {

void registerQuantPasses() {
  static std::once_flag once;
  std::call_once(once, [] {
#define TESSERA_PASS(name, fn, description)                                                  \
  {                                                                                          \
    [[maybe_unused]] Status status = passes::registerPass({name, &passes::fn, description}); \
    assert(status.ok() && "a quant pass has the name of another pass");                      \
  }
#include "compiler/quant/passes.def"
  });
}

} // namespace tessera::quant
