//===- dtype.cpp - Element type names and sizes ------------------------------===//
#include "support/dtype.h"

#include <string>

namespace tessera {

size_t dtypeSize(DType type) {
  switch (type) {
#define TESSERA_DTYPE_SIZE(name, text, ctype, size, npy)                           \
  case DType::name:                                                                \
    return size;
    TESSERA_FOR_EACH_DTYPE(TESSERA_DTYPE_SIZE)
#undef TESSERA_DTYPE_SIZE
  }
  return 0;
}

std::string_view dtypeName(DType type) {
  switch (type) {
#define TESSERA_DTYPE_NAME(name, text, ctype, size, npy)                           \
  case DType::name:                                                                \
    return text;
    TESSERA_FOR_EACH_DTYPE(TESSERA_DTYPE_NAME)
#undef TESSERA_DTYPE_NAME
  }
  return "?";
}

std::string_view dtypeNumpyDescr(DType type) {
  switch (type) {
#define TESSERA_DTYPE_NPY(name, text, ctype, size, npy)                            \
  case DType::name:                                                                \
    return npy;
    TESSERA_FOR_EACH_DTYPE(TESSERA_DTYPE_NPY)
#undef TESSERA_DTYPE_NPY
  }
  return "?";
}

StatusOr<DType> parseDType(std::string_view name) {
#define TESSERA_DTYPE_PARSE(name_, text, ctype, size, npy)                         \
  if (name == text) return DType::name_;
  TESSERA_FOR_EACH_DTYPE(TESSERA_DTYPE_PARSE)
#undef TESSERA_DTYPE_PARSE
  return invalidInput("unknown element type '%s' (expected f32, f64, f16, i8, u8, i16, u16, "
                      "i32, u32, i64, u64 or bool)",
                      std::string(name));
}

StatusOr<DType> dtypeFromNumpyDescr(std::string_view descr) {
  std::string normalized(descr);
  if (!normalized.empty() && normalized[0] == '=') normalized[0] = '<';
  if (normalized == "|b1" || normalized == "<b1") return DType::Bool;
  if (normalized == "<i1") normalized = "|i1";
  if (normalized == "<u1") normalized = "|u1";
#define TESSERA_DTYPE_FROM_NPY(name, text, ctype, size, npy)                       \
  if (normalized == npy) return DType::name;
  TESSERA_FOR_EACH_DTYPE(TESSERA_DTYPE_FROM_NPY)
#undef TESSERA_DTYPE_FROM_NPY
  return invalidInput("unsupported NumPy dtype '%s' (big-endian and object arrays are not "
                      "supported)",
                      std::string(descr));
}

} // namespace tessera
