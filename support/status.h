//===- status.h - Status-style errors for user input ------------------------===//
//
// tessera reports bad user input (a malformed model, binary, config or command line)
// as values, never as crashes: functions return absl::Status or absl::StatusOr<T>
// (Abseil, the library XLA uses for the same purpose). assert() is kept for the
// compiler's own invariants. The two macros below are the early-exit idiom.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <absl/status/status.h>
#include <absl/status/statusor.h>
#include <absl/strings/str_format.h>

#include "support/strings.h"

namespace tessera {

using absl::Status;
using absl::StatusOr;

/// An error about user input: the message names the op, field, offset or instruction.
template <typename... Args>
Status invalidInput(const absl::FormatSpec<Args...> &format, const Args &...args) {
  return absl::InvalidArgumentError(absl::StrFormat(format, args...));
}

/// Prefixes an error's message with context ("in file x.tsb: ..."), keeping its code.
Status annotate(const Status &status, std::string_view context);

} // namespace tessera

#define TS_CONCAT_INNER(a, b) a##b
#define TS_CONCAT(a, b) TS_CONCAT_INNER(a, b)

/// Returns from the enclosing function if `expr` yields a non-OK Status.
#define TS_RETURN_IF_ERROR(expr)                                                   \
  do {                                                                             \
    ::absl::Status ts_status_ = (expr);                                            \
    if (!ts_status_.ok()) return ts_status_;                                       \
  } while (0)

/// `TS_ASSIGN_OR_RETURN(auto x, f());` binds the value or returns the error.
#define TS_ASSIGN_OR_RETURN(lhs, expr)                                             \
  TS_ASSIGN_OR_RETURN_IMPL(TS_CONCAT(ts_statusor_, __LINE__), lhs, expr)
#define TS_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr)                                   \
  auto tmp = (expr);                                                               \
  if (!tmp.ok()) return tmp.status();                                              \
  lhs = std::move(tmp).value()
