//===- hash.cpp - Hash formatting ---------------------------------------------===//
#include "support/hash.h"

#include <absl/strings/str_format.h>

namespace tessera {

std::string hashToHex(uint64_t hash) { return absl::StrFormat("%016x", hash); }

} // namespace tessera
