//===- malloc_policy.cpp - The process keeps freed memory for the next call ----------===//
#include "support/malloc_policy.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace tessera {

bool keepFreedMemoryForReuse() {
#if defined(__GLIBC__)
  // Setting either threshold turns off glibc's dynamic thresholds, so both are set; the
  // top pad makes each heap extension large enough for a few calls' scratch at once.
  static const bool applied = mallopt(M_MMAP_THRESHOLD, static_cast<int>(kHeapBlockLimit)) == 1 &&
                              mallopt(M_TRIM_THRESHOLD, 1 << 30) == 1 && mallopt(M_TOP_PAD, kHeapTopPad) == 1;
  return applied;
#else
  return false;
#endif
}

} // namespace tessera
