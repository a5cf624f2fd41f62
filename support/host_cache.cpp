//===- host_cache.cpp - The host's data caches: their size, and evicting a range -----===//
#include "support/host_cache.h"

#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <string>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace tessera {
namespace {

/// "32768K" / "2M" / "512" (the /sys cache `size` file) in bytes; 0 when unreadable.
size_t parseCacheSize(const std::string &text) {
  size_t value = 0, k = 0;
  while (k < text.size() && text[k] >= '0' && text[k] <= '9') value = value * 10 + size_t(text[k++] - '0');
  if (k < text.size() && (text[k] == 'K' || text[k] == 'k')) return value << 10;
  if (k < text.size() && (text[k] == 'M' || text[k] == 'm')) return value << 20;
  return value;
}

/// The largest data or unified cache /sys lists for cpu0.
size_t largestSysfsCache() {
  size_t largest = 0;
  for (int index = 0; index < 8; ++index) {
    std::string dir = "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(index) + "/";
    std::ifstream type(dir + "type"), size(dir + "size");
    std::string kind, text;
    if (!(type >> kind) || !(size >> text)) continue;
    if (kind != "Instruction") largest = std::max(largest, parseCacheSize(text));
  }
  return largest;
}

size_t cacheLineBytes() {
#ifdef _SC_LEVEL1_DCACHE_LINESIZE
  long line = sysconf(_SC_LEVEL1_DCACHE_LINESIZE);
  if (line >= 16 && line <= 512) return static_cast<size_t>(line);
#endif
  return 64;
}

} // namespace

size_t lastLevelCacheBytes() {
  size_t largest = 0;
#if defined(_SC_LEVEL3_CACHE_SIZE) && defined(_SC_LEVEL2_CACHE_SIZE)
  for (int name : {_SC_LEVEL2_CACHE_SIZE, _SC_LEVEL3_CACHE_SIZE, _SC_LEVEL4_CACHE_SIZE})
    if (long bytes = sysconf(name); bytes > 0) largest = std::max(largest, static_cast<size_t>(bytes));
#endif
  return largest ? largest : largestSysfsCache();
}

bool evictFromCaches(const void *data, size_t bytes) {
  static const size_t line = cacheLineBytes();
  auto begin = reinterpret_cast<uintptr_t>(data) & ~(uintptr_t(line) - 1);
  auto end = reinterpret_cast<uintptr_t>(data) + bytes;
#if defined(__x86_64__) || defined(__i386__)
  for (uintptr_t p = begin; p < end; p += line) _mm_clflush(reinterpret_cast<const void *>(p));
  _mm_mfence();
  return true;
#elif defined(__aarch64__)
  for (uintptr_t p = begin; p < end; p += line) asm volatile("dc civac, %0" : : "r"(p) : "memory");
  asm volatile("dsb ish" : : : "memory");
  return true;
#else
  (void)begin, (void)end;
  return false;
#endif
}

} // namespace tessera
