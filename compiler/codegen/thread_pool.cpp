//===- thread_pool.cpp - A thread pool for parallel loops (dynamic grains) -----------------===//
#include "compiler/codegen/thread_pool.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace tessera::codegen {
namespace {

/// Grains per thread: enough to rebalance around a busy core, few enough that each
/// is still a long contiguous range.
constexpr int64_t kGrainsPerThread = 8;
/// How long a thread spins for the next loop (workers) or for the others to finish
/// (the caller) before it sleeps: a model's kernels run back to back, each with its
/// parallel loops, and waking a sleeping thread costs tens of microseconds -- more
/// than a small loop's whole share.
constexpr auto kSpin = std::chrono::microseconds(300);

void cpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

/// Spins until `ready()` or kSpin has passed; true when ready.
template <typename Ready> bool spinUntil(Ready ready) {
  auto deadline = std::chrono::steady_clock::now() + kSpin;
  for (int k = 0;; ++k) {
    if (ready()) return true;
    cpuRelax();
    if ((k & 255) == 255 && std::chrono::steady_clock::now() > deadline) return false;
  }
}

class Pool {
public:
  ~Pool() { resize(1); }

  void resize(int threads) {
    stop();
    size_ = std::max(1, threads);
    quit_ = false;
    for (int i = 1; i < size_; ++i) workers_.emplace_back([this, i] { work(i); });
  }
  int size() const { return size_; }

  void run(ParallelBody body, void *closure, int64_t count) {
    int chunks = static_cast<int>(std::min<int64_t>(size_, count));
    if (chunks <= 1) {
      body(closure, 0, count);
      return;
    }
    {
      std::lock_guard lock(mutex_);
      body_ = body;
      closure_ = closure;
      count_ = count;
      chunks_ = chunks;
      grains_ = std::min<int64_t>(count, kGrainsPerThread * chunks);
      next_.store(0, std::memory_order_relaxed);
      pending_.store(chunks - 1, std::memory_order_relaxed);
      generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    runGrains();
    if (spinUntil([&] { return pending_.load(std::memory_order_acquire) == 0; })) return;
    std::unique_lock lock(mutex_);
    done_.wait(lock, [&] { return pending_.load(std::memory_order_acquire) == 0; });
  }

private:
  /// Runs grains (contiguous ranges of iterations) until none is left: a thread slowed
  /// down (another process on its core) takes fewer of them instead of holding up
  /// the loop with a fixed share.
  void runGrains() {
    for (int64_t g; (g = next_.fetch_add(1, std::memory_order_relaxed)) < grains_;)
      body_(closure_, count_ * g / grains_, count_ * (g + 1) / grains_);
  }

  void work(int index) {
    uint64_t seen = 0;
    while (true) {
      // Spin for the next loop, then sleep until one is posted (or the pool stops).
      auto posted = [&] { return quit_.load(std::memory_order_acquire) || generation_.load(std::memory_order_acquire) != seen; };
      if (!spinUntil(posted)) {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, posted);
      }
      if (quit_.load(std::memory_order_acquire)) return;
      int chunks;
      {
        std::lock_guard lock(mutex_);  // the loop's fields, written under the mutex
        seen = generation_.load(std::memory_order_relaxed);
        chunks = chunks_;
      }
      if (index >= chunks) continue;
      runGrains();
      if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        std::lock_guard lock(mutex_);
        done_.notify_one();
      }
    }
  }

  void stop() {
    {
      std::lock_guard lock(mutex_);
      quit_.store(true, std::memory_order_release);
    }
    wake_.notify_all();
    for (std::thread &t : workers_) t.join();
    workers_.clear();
  }

  std::mutex mutex_;
  std::condition_variable wake_, done_;
  std::vector<std::thread> workers_;
  int size_ = 1;
  std::atomic<bool> quit_{false};
  std::atomic<uint64_t> generation_{0};
  ParallelBody body_ = nullptr;
  void *closure_ = nullptr;
  int64_t count_ = 0;
  int chunks_ = 1;
  int64_t grains_ = 0;
  std::atomic<int64_t> next_{0};
  std::atomic<int> pending_{0};
};

Pool &pool() {
  static Pool instance;
  return instance;
}

} // namespace

void setParallelThreads(int threads) {
  if (threads != pool().size()) pool().resize(threads);
}
int parallelThreads() { return pool().size(); }
void parallelFor(ParallelBody body, void *closure, int64_t count) { pool().run(body, closure, count); }

} // namespace tessera::codegen
