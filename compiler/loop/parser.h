//===- parser.h - The loop IR's text form (reading) ---------------------------------===//
//
// Reads what printer.h writes (grammar in docs/loop-ir.md). Errors carry line and
// column and say what was expected. The result is not verified: call verifyFunc or
// verifyModule, so tests can hand the verifier malformed IR.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string_view>

#include "compiler/loop/ir.h"
#include "support/status.h"

namespace tessera::loop {

StatusOr<Module> parseModule(std::string_view text);
/// Parses text holding exactly one func.
StatusOr<Func> parseFunc(std::string_view text);

} // namespace tessera::loop
