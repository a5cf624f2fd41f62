//===- cpuid_features.cpp - Prints the vector features CPUID reports -----------------===//
//
//   cpuid_features  ->  "avx2=1 avx512f=1"
//
// Asks CPUID itself (leaf 7) rather than a cached copy, so it shows what
// libtessera_cpuid_mask.so makes a process see.
//
//===----------------------------------------------------------------------===//
#include <cpuid.h>

#include <cstdio>

int main() {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (__get_cpuid_max(0, nullptr) < 7) {
    std::printf("avx2=0 avx512f=0\n");
    return 0;
  }
  __cpuid_count(7, 0, eax, ebx, ecx, edx);
  std::printf("avx2=%u avx512f=%u\n", (ebx >> 5) & 1u, (ebx >> 16) & 1u);
  return 0;
}
