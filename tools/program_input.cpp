//===- program_input.cpp - Program and tensor loading for the CLI ---------------------===//
#include "tools/program_input.h"

#include <random>

#include "isa/assembler.h"
#include "support/file_io.h"
#include "support/npy.h"

#ifdef TESSERA_HAVE_COMPILER
#include "compiler/onnx/onnx_tensor.h"
#endif

namespace tessera::cli {

StatusOr<isa::LoadedBinary> loadProgram(const std::string &path, const std::optional<std::string> &configPath) {
  if (path.ends_with(".s")) {
    if (!configPath) return invalidInput("assembling '%s' needs --config", path);
    TS_ASSIGN_OR_RETURN(isa::HardwareConfig config, isa::loadConfigFile(*configPath));
    TS_ASSIGN_OR_RETURN(std::string text, readTextFile(path));
    TS_ASSIGN_OR_RETURN(isa::Program program, isa::assemble(text, config, path));
    return isa::LoadedBinary{std::move(program), config};
  }
  TS_ASSIGN_OR_RETURN(isa::LoadedBinary binary, isa::loadBinaryFile(path));
  if (configPath) {
    TS_ASSIGN_OR_RETURN(isa::HardwareConfig config, isa::loadConfigFile(*configPath));
    TS_RETURN_IF_ERROR(isa::checkBinaryMatchesConfig(binary, config));
  }
  return binary;
}

StatusOr<Tensor> readTensorFile(const std::string &path) {
  if (path.ends_with(".npy")) return readNpyFile(path);
#ifdef TESSERA_HAVE_COMPILER
  if (path.ends_with(".pb")) return onnx_import::readTensorProtoFile(path);
  return invalidInput("'%s': unsupported tensor file (expected .npy or an ONNX TensorProto .pb)", path);
#else
  return invalidInput("'%s': unsupported tensor file (expected .npy; .pb needs the compiler build)", path);
#endif
}

Tensor randomTensor(DType dtype, const Shape &shape, uint64_t seed) {
  Tensor tensor(dtype, shape);
  std::mt19937_64 rng(seed);
  int64_t count = tensor.elementCount();
  switch (dtype) {
  case DType::I8: {
    std::uniform_int_distribution<int> dist(-128, 127);
    for (int64_t i = 0; i < count; ++i) tensor.data<int8_t>()[i] = int8_t(dist(rng));
    break;
  }
  case DType::I32: {
    std::uniform_int_distribution<int32_t> dist(-1000, 1000);
    for (int64_t i = 0; i < count; ++i) tensor.data<int32_t>()[i] = dist(rng);
    break;
  }
  case DType::F32: {
    std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
    for (int64_t i = 0; i < count; ++i) tensor.data<float>()[i] = dist(rng);
    break;
  }
  default:
    for (uint8_t &byte : tensor.storage()) byte = uint8_t(rng());
    break;
  }
  return tensor;
}

} // namespace tessera::cli
