//===- int_math.h - Small integer helpers shared by the compiler's layers -------------===//
#pragma once

#include <cstdint>

namespace tessera {

/// a / b rounded up, for a >= 0 and b > 0: the tiles of b that cover a elements.
inline int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

} // namespace tessera
