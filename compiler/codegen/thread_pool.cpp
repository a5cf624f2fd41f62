//===- thread_pool.cpp - A static-chunk thread pool for parallel loops -----------------===//
#include "compiler/codegen/thread_pool.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace tessera::codegen {
namespace {

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
      pending_ = chunks - 1;
      ++generation_;
    }
    wake_.notify_all();
    body(closure, 0, chunkEnd(0));
    std::unique_lock lock(mutex_);
    done_.wait(lock, [&] { return pending_ == 0; });
  }

private:
  int64_t chunkEnd(int chunk) const { return count_ * (chunk + 1) / chunks_; }

  void work(int index) {
    uint64_t seen = 0;
    while (true) {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return quit_ || generation_ != seen; });
      if (quit_) return;
      seen = generation_;
      if (index >= chunks_) continue;
      ParallelBody body = body_;
      void *closure = closure_;
      int64_t begin = count_ * index / chunks_, end = chunkEnd(index);
      lock.unlock();
      body(closure, begin, end);
      lock.lock();
      if (--pending_ == 0) done_.notify_one();
    }
  }

  void stop() {
    {
      std::lock_guard lock(mutex_);
      quit_ = true;
    }
    wake_.notify_all();
    for (std::thread &t : workers_) t.join();
    workers_.clear();
  }

  std::mutex mutex_;
  std::condition_variable wake_, done_;
  std::vector<std::thread> workers_;
  int size_ = 1;
  bool quit_ = false;
  uint64_t generation_ = 0;
  ParallelBody body_ = nullptr;
  void *closure_ = nullptr;
  int64_t count_ = 0;
  int chunks_ = 1;
  int pending_ = 0;
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
