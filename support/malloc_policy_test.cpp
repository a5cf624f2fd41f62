//===- malloc_policy_test.cpp - Scratch-sized blocks come from the heap and stay -----===//
#include "support/malloc_policy.h"

#include <cstdlib>
#include <cstring>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <gtest/gtest.h>

namespace tessera {
namespace {

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define TESSERA_MALLOC_REPLACED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define TESSERA_MALLOC_REPLACED 1
#endif

// Sanitizers replace glibc's malloc: mallopt and mallinfo2 describe nothing there.
#if defined(__GLIBC__) && !defined(TESSERA_MALLOC_REPLACED)
/// Bytes glibc holds in their own mappings (mmapped blocks).
size_t mappedBytes() { return mallinfo2().hblkhd; }

TEST(MallocPolicy, ScratchSizedBlocksAreServedFromTheHeapAndKeptAfterFree) {
  ASSERT_TRUE(keepFreedMemoryForReuse());
  constexpr size_t kScratch = size_t{8} << 20;  // a Winograd kernel's transform buffers
  size_t mappedBefore = mappedBytes();
  void *block = std::malloc(kScratch);
  ASSERT_NE(block, nullptr);
  std::memset(block, 1, kScratch);
  EXPECT_LT(mappedBytes(), mappedBefore + kScratch) << "an 8 MB block got its own mapping";
  std::free(block);
  // Kept: the free space at the heap's top covers the block for the next call.
  EXPECT_GE(mallinfo2().keepcost, kScratch);
  // Blocks over the limit still get their own mapping.
  void *huge = std::malloc(2 * kHeapBlockLimit);
  ASSERT_NE(huge, nullptr);
  EXPECT_GE(mappedBytes(), mappedBefore + 2 * kHeapBlockLimit);
  std::free(huge);
}
#endif

} // namespace
} // namespace tessera
