//===- status.cpp - Status helpers ------------------------------------------===//
#include "support/status.h"

namespace tessera {

Status annotate(const Status &status, std::string_view context) {
  if (status.ok()) return status;
  return Status(status.code(), strCat(std::string(context), ": ", std::string(status.message())));
}

} // namespace tessera
