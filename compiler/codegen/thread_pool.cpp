//===- thread_pool.cpp - A thread pool for parallel loops (dynamic grains) -----------------===//
#include "compiler/codegen/thread_pool.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace tessera::codegen {
namespace {

/// Grains per thread: enough to rebalance around a busy core, few enough that each
/// is still a long contiguous range.
constexpr int64_t kGrainsPerThread = 8;
/// Grains are numbered in 16 bits of a segment's word (also its field mask).
constexpr uint64_t kMaxGrains = 0xffff;
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

/// One cache line: what two threads update often sits apart, or every update by one
/// thread would move the other's line between the cores.
constexpr size_t kCacheLine = 64;

/// One thread's segment of the current loop (see Pool::segments_), alone on its line.
struct alignas(kCacheLine) Segment {
  std::atomic<uint64_t> word{0};
};

/// A loop's grains are split into one contiguous segment per thread. A thread runs the
/// grains of its own segment first, in order, then takes what is left of the others':
/// the same thread handles the same part of every loop's iteration space (kernels
/// that follow one another over the same channels find their data in that core's
/// cache), and a thread slowed down by another process on its core loses grains to
/// the others instead of holding up the loop. Each segment's next and end grain sit in
/// one word with the loop's generation number, so a thread takes a grain with one
/// compare-and-swap and can never take one of a later loop than the one it read. A
/// thread counts the grains it completed once, when it finds none left. The caller
/// returns once every grain has completed: a worker that has not woken up yet holds
/// nothing up.
class Pool {
public:
  ~Pool() { resize(1); }

  void resize(int threads) {
    stop();
    size_ = std::max(1, threads);
    quit_ = false;
    segments_ = std::make_unique<Segment[]>(size_);
    for (int i = 1; i < size_; ++i) workers_.emplace_back([this, i] { work(i); });
  }
  int size() const { return size_; }

  void run(ParallelBody body, void *closure, int64_t count) {
    // One loop at a time: a loop posted while another runs (from a body, or from a
    // second thread running another model) runs inline on its caller.
    if (size_ <= 1 || count <= 1 || busy_.exchange(true, std::memory_order_acquire)) {
      body(closure, 0, count);
      return;
    }
    struct Release {
      std::atomic<bool> &busy;
      ~Release() { busy.store(false, std::memory_order_release); }
    } release{busy_};
    int64_t grains = std::min<int64_t>({count, kGrainsPerThread * size_, static_cast<int64_t>(kMaxGrains)});
    uint64_t generation;
    {
      std::lock_guard lock(mutex_);  // a worker about to sleep sees the new loop
      body_ = body;
      closure_ = closure;
      count_ = count;
      grains_ = grains;
      completed_.store(0, std::memory_order_relaxed);
      generation = generation_.load(std::memory_order_relaxed) + 1;
      for (int t = 0; t < size_; ++t) {
        uint64_t begin = uint64_t(grains * t / size_), end = uint64_t(grains * (t + 1) / size_);
        segments_[t].word.store(generation << 32 | begin << 16 | end, std::memory_order_release);
      }
      generation_.store(generation, std::memory_order_release);
    }
    wake_.notify_all();
    runGrains(generation, 0);
    auto done = [&] { return completed_.load(std::memory_order_acquire) == grains; };
    if (spinUntil(done)) return;
    std::unique_lock lock(mutex_);
    done_.wait(lock, done);
  }

private:
  /// Runs grains of loop `generation`: segment `home`'s first, then the others' in
  /// turn, until none is left; then counts them as completed.
  void runGrains(uint64_t generation, int home) {
    int64_t ran = 0, grains = 0;
    for (int k = 0; k < size_; ++k) {
      std::atomic<uint64_t> &segment = segments_[(home + k) % size_].word;
      uint64_t ticket = segment.load(std::memory_order_acquire);
      while ((ticket >> 32) == generation) {
        int64_t next = static_cast<int64_t>((ticket >> 16) & kMaxGrains), end = static_cast<int64_t>(ticket & kMaxGrains);
        if (next >= end) break;
        if (!segment.compare_exchange_weak(ticket, ticket + (uint64_t(1) << 16), std::memory_order_acq_rel,
                                           std::memory_order_acquire))
          continue;
        // Grain `next` is ours, and the loop's fields stay put until it is counted.
        grains = grains_;
        body_(closure_, count_ * next / grains, count_ * (next + 1) / grains);
        ++ran;
        ticket = segment.load(std::memory_order_acquire);
      }
    }
    // After this add the caller may return and post the next loop: `grains` is this
    // loop's, read while a grain of it was still uncounted.
    if (ran > 0 && completed_.fetch_add(ran, std::memory_order_acq_rel) + ran == grains) {
      std::lock_guard lock(mutex_);
      done_.notify_one();
    }
  }

  uint64_t currentGeneration() const { return generation_.load(std::memory_order_acquire); }

  void work(int home) {
    uint64_t seen = currentGeneration();
    while (true) {
      // Spin for the next loop, then sleep until one is posted (or the pool stops).
      auto posted = [&] { return quit_.load(std::memory_order_acquire) || currentGeneration() != seen; };
      if (!spinUntil(posted)) {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, posted);
      }
      if (quit_.load(std::memory_order_acquire)) return;
      seen = currentGeneration();
      runGrains(seen, home);
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
  std::atomic<bool> busy_{false};  ///< a loop is in flight
  /// The current loop's generation number, published after its segments; the
  /// spinning workers read it, on a line of its own.
  alignas(kCacheLine) std::atomic<uint64_t> generation_{0};
  /// Per thread: the loop's generation (bits 32-63), the segment's next grain (16-31)
  /// and its end (0-15).
  std::unique_ptr<Segment[]> segments_;
  /// Grains completed, added by each thread once per loop.
  alignas(kCacheLine) std::atomic<int64_t> completed_{0};
  ParallelBody body_ = nullptr;
  void *closure_ = nullptr;
  int64_t count_ = 0;
  int64_t grains_ = 0;
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
