//===- host_cache.h - The host's data caches: their size, and evicting a range -------===//
//
// What a kernel's timing depends on besides its code: whether its operands are in the
// caches. A model's inference touches every weight once; when it touches more bytes
// than the last-level cache holds, each kernel meets its weights in memory, not in
// the cache a kernel timed alone in a loop keeps them in.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstddef>

namespace tessera {

/// The size of the host's last-level data cache in bytes (the largest level the C
/// library or /sys reports), or 0 when neither says.
size_t lastLevelCacheBytes();

/// Writes back and invalidates the cache lines of [data, data + bytes) in every level,
/// so the next access comes from memory. A no-op on hosts without a cache-line flush
/// instruction the code knows (x86-64's clflush and AArch64's `dc civac` are used);
/// false there.
bool evictFromCaches(const void *data, size_t bytes);

} // namespace tessera
