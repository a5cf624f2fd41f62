//===- dtype.h - Element types shared by every IR level and the runtime ------===//
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "support/status.h"

namespace tessera {

/// Element types. The X-macro lists each once: name, C++ type, size, NumPy descr.
#define TESSERA_FOR_EACH_DTYPE(X)                                                  \
  X(F32, "f32", float, 4, "<f4")                                                   \
  X(F64, "f64", double, 8, "<f8")                                                  \
  X(F16, "f16", uint16_t, 2, "<f2")                                                \
  X(I8, "i8", int8_t, 1, "|i1")                                                    \
  X(U8, "u8", uint8_t, 1, "|u1")                                                   \
  X(I16, "i16", int16_t, 2, "<i2")                                                 \
  X(U16, "u16", uint16_t, 2, "<u2")                                                \
  X(I32, "i32", int32_t, 4, "<i4")                                                 \
  X(U32, "u32", uint32_t, 4, "<u4")                                                \
  X(I64, "i64", int64_t, 8, "<i8")                                                 \
  X(U64, "u64", uint64_t, 8, "<u8")                                                \
  X(Bool, "bool", bool, 1, "|b1")

enum class DType : uint8_t {
#define TESSERA_DTYPE_ENUM(name, text, ctype, size, npy) name,
  TESSERA_FOR_EACH_DTYPE(TESSERA_DTYPE_ENUM)
#undef TESSERA_DTYPE_ENUM
};

/// Bytes per element.
size_t dtypeSize(DType type);
/// Short name used by every text form ("f32", "i8", ...).
std::string_view dtypeName(DType type);
/// NumPy's array-protocol descriptor ("<f4", "|i1", ...).
std::string_view dtypeNumpyDescr(DType type);
/// Parses a short name; the error names the text.
StatusOr<DType> parseDType(std::string_view name);
/// Parses a NumPy descriptor; accepts '=' and '<' byte orders (this is a little-endian tool).
StatusOr<DType> dtypeFromNumpyDescr(std::string_view descr);

} // namespace tessera
