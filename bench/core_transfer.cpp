//===- core_transfer.cpp - How fast data written by one core reaches another --------===//
//
//   core_transfer [--kib N (512)] [--rounds R (400)]
//   -> core_transfer_GBps=5.9 dram_GBps=21.3
//
// A producer thread on the first allowed CPU writes N KiB, a consumer on the second sums
// them, in turns, R times: the rate at which one core's freshly written data reaches the
// other -- what a parallel kernel pays when it reads what the previous kernel's other
// thread wrote. Then one thread streams 64 MiB (the memory's rate, for comparison).
// compare_ort.sh prints both beside every two-thread line: on a shared virtual machine
// the first halves for minutes at a time while the second and the cores' arithmetic
// stay put (docs/performance.md, "Two-thread slow phases"). Needs two allowed CPUs.
//
//===----------------------------------------------------------------------===//
#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

/// Where the sums go, so the reads are not optimized away.
volatile float sink = 0;

void pinTo(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

/// The first two CPUs this process may run on; false when there are fewer.
bool twoCpus(int &first, int &second) {
  cpu_set_t allowed;
  if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) return false;
  first = second = -1;
  for (int c = 0; c < CPU_SETSIZE && second < 0; ++c)
    if (CPU_ISSET(c, &allowed)) (first < 0 ? first : second) = c;
  return second >= 0;
}

/// Spins until `turn` holds `value`, yielding the CPU after the first spins so a host
/// with more runnable threads than CPUs (a parallel test run) still hands turns over.
void waitFor(const std::atomic<int> &turn, int value) {
  for (int spins = 0; turn.load(std::memory_order_acquire) != value; ++spins)
    if (spins > 4096) std::this_thread::yield();
}

/// `rate` with two significant digits and at least one decimal (0.012, 3.4, 21.3), so a
/// slow but nonzero rate never prints as 0.0.
std::string formatRate(double rate) {
  int decimals = 1;
  while (decimals < 9 && rate > 0 && rate < std::pow(10.0, 1 - decimals)) ++decimals;
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, rate);
  return text;
}

double seconds(std::chrono::steady_clock::time_point from) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - from).count();
}

/// GB/s of data written on `producer` and read on `consumer`, turn by turn.
double transferRate(int producer, int consumer, size_t floats, int rounds) {
  std::vector<float> buffer(floats);
  std::atomic<int> turn{0};
  std::thread reader([&] {
    pinTo(consumer);
    for (int r = 0; r < rounds; ++r) {
      waitFor(turn, 2 * r + 1);
      float sum = 0;
      for (float v : buffer) sum += v;
      sink = sum;
      turn.store(2 * r + 2, std::memory_order_release);
    }
  });
  pinTo(producer);
  auto start = std::chrono::steady_clock::now();
  for (int r = 0; r < rounds; ++r) {
    for (size_t i = 0; i < floats; ++i) buffer[i] = static_cast<float>(i + r);
    turn.store(2 * r + 1, std::memory_order_release);
    waitFor(turn, 2 * r + 2);
  }
  double elapsed = seconds(start);
  reader.join();
  return 2.0 * rounds * floats * sizeof(float) / elapsed / 1e9;
}

/// GB/s of one thread reading 64 MiB, four times.
double memoryRate() {
  std::vector<float> big(16 << 20, 1.0f);
  auto start = std::chrono::steady_clock::now();
  for (int pass = 0; pass < 4; ++pass) {
    float sum = 0;
    for (size_t i = 0; i < big.size(); i += 16) sum += big[i];  // one load per cache line
    sink = sum;
  }
  return 4.0 * big.size() * sizeof(float) / seconds(start) / 1e9;
}

} // namespace

int main(int argc, char **argv) {
  long kib = 512, rounds = 400;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if ((arg == "--kib" || arg == "--rounds") && i + 1 < argc) {
      char *end = nullptr;
      long value = std::strtol(argv[++i], &end, 10);
      if (*end != '\0' || value < 1) {
        std::fprintf(stderr, "core_transfer: %s '%s': expected a positive integer\n", arg.c_str(), argv[i]);
        return 2;
      }
      (arg == "--kib" ? kib : rounds) = value;
    } else {
      std::fprintf(stderr, "usage: core_transfer [--kib N] [--rounds R]\n");
      return 2;
    }
  }
  int first = 0, second = 0;
  if (!twoCpus(first, second)) {
    std::fprintf(stderr, "core_transfer: this process may run on one CPU only\n");
    return 1;
  }
  double transfer = transferRate(first, second, static_cast<size_t>(kib) * 256, static_cast<int>(rounds));
  std::printf("core_transfer_GBps=%s dram_GBps=%s\n", formatRate(transfer).c_str(), formatRate(memoryRate()).c_str());
  return 0;
}
