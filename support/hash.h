//===- hash.h - Stable 64-bit FNV-1a hash -------------------------------------===//
//
// Stable across runs, compilers and machines (unlike std::hash), so it can be stored
// in binaries and compared: the hardware config hash uses it.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tessera {

inline uint64_t fnv1a64(std::string_view bytes) {
  uint64_t hash = 0xcbf29ce484222325ull;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 0x100000001b3ull;
  }
  return hash;
}

/// 16 lowercase hex digits.
std::string hashToHex(uint64_t hash);

} // namespace tessera
