//===- thread_pool_test.cpp - Every iteration of every loop runs exactly once ------===//
#include "compiler/codegen/thread_pool.h"

#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace tessera::codegen {
namespace {

struct Counts {
  std::vector<std::atomic<int>> hits;
  explicit Counts(int64_t n) : hits(n) {}
};

void countRange(void *closure, int64_t begin, int64_t end) {
  auto *counts = static_cast<Counts *>(closure);
  for (int64_t i = begin; i < end; ++i) counts->hits[i].fetch_add(1, std::memory_order_relaxed);
}

/// Runs loops of many sizes back to back (the pattern of a model's kernels: the next
/// loop is posted while a worker may still be finishing the last one) and checks
/// each iteration ran once.
void checkLoops(int threads, int loops) {
  setParallelThreads(threads);
  EXPECT_EQ(parallelThreads(), threads);
  for (int k = 0; k < loops; ++k) {
    int64_t count = 1 + (k * 37) % 300;
    Counts counts(count);
    parallelFor(countRange, &counts, count);
    for (int64_t i = 0; i < count; ++i) ASSERT_EQ(counts.hits[i].load(), 1) << "threads " << threads << " loop " << k << " i " << i;
  }
}

TEST(ThreadPool, RunsEachIterationOnce) {
  for (int threads : {1, 2, 3, 4}) checkLoops(threads, 3000);
  setParallelThreads(1);
}

TEST(ThreadPool, RunsLoopsOfMoreIterationsThanGrains) {
  setParallelThreads(2);
  Counts counts(1 << 20);
  parallelFor(countRange, &counts, 1 << 20);
  int64_t missing = 0;
  for (auto &hit : counts.hits) missing += hit.load() != 1;
  EXPECT_EQ(missing, 0);
  setParallelThreads(1);
}

TEST(ThreadPool, WorkersThatSleptWakeForTheNextLoop) {
  // Past the spin window the workers sleep; the next loop must still complete.
  setParallelThreads(2);
  for (int k = 0; k < 3; ++k) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    Counts counts(64);
    parallelFor(countRange, &counts, 64);
    for (auto &hit : counts.hits) ASSERT_EQ(hit.load(), 1);
  }
  setParallelThreads(1);
}

struct Nested {
  Counts outer, inner;
  Nested() : outer(8), inner(8 * 16) {}
};

void outerRange(void *closure, int64_t begin, int64_t end) {
  auto *n = static_cast<Nested *>(closure);
  for (int64_t i = begin; i < end; ++i) {
    n->outer.hits[i].fetch_add(1, std::memory_order_relaxed);
    // A parallel loop inside a parallel loop's body runs inline, on this thread.
    struct Slice {
      Counts *counts;
      int64_t base;
    } slice{&n->inner, i * 16};
    parallelFor(
        [](void *c, int64_t b, int64_t e) {
          auto *s = static_cast<Slice *>(c);
          for (int64_t k = b; k < e; ++k) s->counts->hits[s->base + k].fetch_add(1, std::memory_order_relaxed);
        },
        &slice, 16);
  }
}

TEST(ThreadPool, NestedLoopsRunInline) {
  setParallelThreads(2);
  Nested n;
  parallelFor(outerRange, &n, 8);
  for (auto &hit : n.outer.hits) EXPECT_EQ(hit.load(), 1);
  for (auto &hit : n.inner.hits) EXPECT_EQ(hit.load(), 1);
  setParallelThreads(1);
}

TEST(ThreadPool, LoopsFromTwoThreadsAtOnce) {
  // Two models run by two threads share the pool: one loop at a time takes it, the
  // other runs inline; every iteration still runs once.
  setParallelThreads(2);
  auto hammer = [](int seed) {
    for (int k = 0; k < 2000; ++k) {
      int64_t count = 1 + (k * 31 + seed) % 200;
      Counts counts(count);
      parallelFor(countRange, &counts, count);
      for (int64_t i = 0; i < count; ++i)
        if (counts.hits[i].load() != 1) return false;
    }
    return true;
  };
  bool a = false, b = false;
  std::thread other([&] { b = hammer(7); });
  a = hammer(3);
  other.join();
  EXPECT_TRUE(a);
  EXPECT_TRUE(b);
  setParallelThreads(1);
}

} // namespace
} // namespace tessera::codegen
