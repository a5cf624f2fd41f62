//===- host_code.cpp - A compiled accelerator model's host regions as machine code ----===//
#include "compiler/driver/host_code.h"

#include "compiler/accel/host_model.h"
#include "compiler/exec/aot.h"

namespace tessera::driver {

/// Libraries start at 64-byte boundaries of the section.
constexpr size_t kLibraryAlignment = 64;

Status attachHostCode(accel::CompiledModel &model) {
  TS_ASSIGN_OR_RETURN(accel::HostModel host, accel::HostModel::fromJson(model.program.host));
  std::vector<uint8_t> &code = model.program.hostCode;
  code.clear();
  for (accel::HostRegion &region : host.regions) {
    if (region.onAccelerator()) continue;
    std::string what = strCat("compiling ", accel::regionName(region.region), " ahead of time");
    auto plan = exec::planGraph(*region.graph);
    if (!plan.ok()) return annotate(plan.status(), what);
    auto library = exec::buildSharedLibrary(*region.graph, *plan);
    if (!library.ok()) return annotate(library.status(), what);
    code.resize((code.size() + kLibraryAlignment - 1) / kLibraryAlignment * kLibraryAlignment);
    region.library = accel::HostRegion::Library{code.size(), library->size()};
    code.insert(code.end(), library->begin(), library->end());
  }
  model.program.host = host.toJson().dump();
  return absl::OkStatus();
}

} // namespace tessera::driver
