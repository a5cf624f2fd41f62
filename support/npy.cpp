//===- npy.cpp - NumPy .npy reader and writer --------------------------------===//
#include "support/npy.h"

#include <charconv>

#include "support/checked_math.h"
#include "support/file_io.h"
#include "support/strings.h"

namespace tessera {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;

/// Finds `'key': <value>` in the header dict and returns the raw value text.
StatusOr<std::string_view> headerValue(std::string_view header, std::string_view key) {
  std::string quoted = strCat("'", key, "'");
  size_t at = header.find(quoted);
  if (at == std::string_view::npos) return invalidInput("npy header has no '%s' key", std::string(key));
  size_t colon = header.find(':', at + quoted.size());
  if (colon == std::string_view::npos) return invalidInput("npy header: no ':' after '%s'", std::string(key));
  std::string_view rest = trimWhitespace(header.substr(colon + 1));
  size_t end = 0;
  if (!rest.empty() && rest[0] == '(') end = rest.find(')') + 1;
  else if (!rest.empty() && rest[0] == '\'') end = rest.find('\'', 1) + 1;
  else end = rest.find_first_of(",}");
  if (end == 0 || end == std::string_view::npos) return invalidInput("npy header: bad value for '%s'", std::string(key));
  return rest.substr(0, end);
}

StatusOr<Shape> parseShapeTuple(std::string_view tuple) {
  Shape shape;
  std::string_view inner = tuple.substr(1, tuple.size() - 2);
  for (std::string_view part : splitString(inner, ',', /*skipEmpty=*/false)) {
    std::string_view digits = trimWhitespace(part);
    if (digits.empty()) continue;
    int64_t dim = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), dim);
    if (ec != std::errc() || end != digits.data() + digits.size() || dim < 0)
      return invalidInput("npy header: bad shape %s", std::string(tuple));
    shape.push_back(dim);
  }
  return shape;
}

struct NpyHeader {
  DType dtype;
  Shape shape;
  size_t dataOffset;
};

StatusOr<NpyHeader> parseHeader(const std::vector<uint8_t> &bytes) {
  if (bytes.size() < 10 || std::memcmp(bytes.data(), kMagic, kMagicSize) != 0)
    return invalidInput("not an .npy file (bad magic)");
  uint8_t major = bytes[6];
  if (major < 1 || major > 3) return invalidInput("unsupported .npy version %d", major);
  size_t lengthBytes = major == 1 ? 2 : 4;
  if (bytes.size() < 8 + lengthBytes) return invalidInput("truncated .npy header (no header length)");
  size_t headerLength = 0;
  for (size_t i = 0; i < lengthBytes; ++i) headerLength |= size_t(bytes[8 + i]) << (8 * i);
  size_t start = 8 + lengthBytes;
  if (start + headerLength > bytes.size())
    return invalidInput("truncated .npy header (%d bytes declared, %d present)", headerLength,
                        bytes.size() - start);
  std::string_view header(reinterpret_cast<const char *>(bytes.data()) + start, headerLength);
  TS_ASSIGN_OR_RETURN(std::string_view descr, headerValue(header, "descr"));
  TS_ASSIGN_OR_RETURN(std::string_view order, headerValue(header, "fortran_order"));
  TS_ASSIGN_OR_RETURN(std::string_view shapeText, headerValue(header, "shape"));
  if (order != "False") return invalidInput("Fortran-ordered .npy arrays are not supported");
  if (descr.size() < 2) return invalidInput("npy header: bad descr %s", std::string(descr));
  TS_ASSIGN_OR_RETURN(DType dtype, dtypeFromNumpyDescr(descr.substr(1, descr.size() - 2)));
  TS_ASSIGN_OR_RETURN(Shape shape, parseShapeTuple(shapeText));
  return NpyHeader{dtype, std::move(shape), start + headerLength};
}

std::string headerText(const Tensor &tensor) {
  std::string shape = "(";
  for (int64_t dim : tensor.shape()) strAppend(&shape, dim, ", ");
  if (tensor.shape().size() > 1) shape.resize(shape.size() - 1);
  if (tensor.shape().size() > 1) shape.back() = ')';
  else if (tensor.shape().size() == 1) shape = strCat("(", tensor.shape()[0], ",)");
  else shape = "()";
  std::string dict = strCat("{'descr': '", dtypeNumpyDescr(tensor.dtype()),
                                  "', 'fortran_order': False, 'shape': ", shape, ", }");
  size_t total = kMagicSize + 4 + dict.size() + 1;
  dict.append((64 - total % 64) % 64, ' ');
  dict.push_back('\n');
  return dict;
}

} // namespace

StatusOr<Tensor> parseNpy(const std::vector<uint8_t> &bytes) {
  TS_ASSIGN_OR_RETURN(NpyHeader header, parseHeader(bytes));
  // The declared size is checked (without overflow) against the bytes the file holds
  // before the tensor is allocated: a small file cannot ask for a huge allocation.
  auto needed = checkedTensorBytes(header.shape, header.dtype);
  if (!needed.ok()) return annotate(needed.status(), "npy header");
  size_t available = bytes.size() - header.dataOffset;
  if (available < *needed)
    return invalidInput("truncated .npy data: shape %s of %s needs %d bytes, file holds %d",
                        shapeToString(header.shape), dtypeName(header.dtype), *needed, available);
  Tensor tensor(header.dtype, header.shape);
  // An empty tensor (a 0 extent) has no storage: bytes() is null, which memcpy may not take.
  if (tensor.byteSize() > 0) std::memcpy(tensor.bytes(), bytes.data() + header.dataOffset, tensor.byteSize());
  return tensor;
}

std::vector<uint8_t> serializeNpy(const Tensor &tensor) {
  std::string header = headerText(tensor);
  std::vector<uint8_t> out(kMagic, kMagic + kMagicSize);
  out.push_back(1);
  out.push_back(0);
  out.push_back(uint8_t(header.size() & 0xff));
  out.push_back(uint8_t(header.size() >> 8));
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), tensor.bytes(), tensor.bytes() + tensor.byteSize());
  return out;
}

StatusOr<Tensor> readNpyFile(const std::string &path) {
  TS_ASSIGN_OR_RETURN(auto bytes, readBinaryFile(path));
  auto tensor = parseNpy(bytes);
  if (!tensor.ok()) return annotate(tensor.status(), path);
  return tensor;
}

Status writeNpyFile(const std::string &path, const Tensor &tensor) {
  return writeBinaryFile(path, serializeNpy(tensor));
}

} // namespace tessera
