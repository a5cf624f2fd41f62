//===- tensor_io.cpp - The CLI's one tensor reader and one tensor writer ------------===//
#include "tools/tensor_io.h"

#include <algorithm>
#include <filesystem>

#include "support/npy.h"
#include "support/random_tensor.h"

#ifdef TESSERA_HAVE_COMPILER
#include "compiler/onnx/onnx_tensor.h"
#endif

namespace tessera::cli {
namespace {

std::vector<std::string> specNames(const std::vector<TensorSpec> &specs) {
  std::vector<std::string> names;
  for (const TensorSpec &spec : specs) names.push_back(spec.name);
  return names;
}

/// NAME=FILE arguments by name; every NAME must be one of `specs`.
StatusOr<std::map<std::string, std::string>> inputFiles(const std::vector<TensorSpec> &specs,
                                                        const std::vector<std::string> &inputArgs) {
  std::map<std::string, std::string> files;
  for (const std::string &input : inputArgs) {
    auto [name, path] = splitOnce(input, '=');
    if (name.empty() || path.empty()) return invalidInput("--input '%s' must be NAME=FILE", input);
    files[std::string(name)] = std::string(path);
  }
  for (const auto &[name, path] : files) {
    bool known = std::any_of(specs.begin(), specs.end(), [&](const TensorSpec &spec) { return spec.name == name; });
    if (!known) return invalidInput("--input names '%s', which is not an input (%s)", name, joinStrings(specNames(specs), ", "));
  }
  return files;
}

} // namespace

StatusOr<Tensor> readTensorFile(const std::string &path) {
  if (path.ends_with(".npy")) return readNpyFile(path);
#ifdef TESSERA_HAVE_COMPILER
  if (path.ends_with(".pb")) return onnx_import::readTensorProtoFile(path);
  return invalidInput("'%s': unsupported tensor file (expected .npy or an ONNX TensorProto .pb)", path);
#else
  return invalidInput("'%s': unsupported tensor file (expected .npy; .pb needs the compiler build)", path);
#endif
}

StatusOr<TensorMap> readInputTensors(const std::vector<TensorSpec> &specs, const std::vector<std::string> &inputArgs,
                                     std::optional<uint64_t> randomSeed) {
  TS_ASSIGN_OR_RETURN(auto files, inputFiles(specs, inputArgs));
  TensorMap inputs;
  std::vector<std::string> missing;
  uint64_t index = 0;
  for (const TensorSpec &spec : specs) {
    ++index;
    auto file = files.find(spec.name);
    if (file != files.end()) {
      auto tensor = readTensorFile(file->second);
      if (!tensor.ok()) return annotate(tensor.status(), strCat("--input ", spec.name));
      inputs[spec.name] = std::move(*tensor);
    } else if (randomSeed) {
      if (std::any_of(spec.shape.begin(), spec.shape.end(), [](int64_t dim) { return dim < 0; }))
        return invalidInput("input '%s' has dynamic dimensions (%s, -1 = unknown): --random-inputs needs a static "
                            "shape; give --input-shape %s:1x... or --input %s=FILE.npy",
                            spec.name, shapeToString(spec.shape), spec.name, spec.name);
      inputs[spec.name] = seededRandomTensor(spec.dtype, spec.shape, *randomSeed + index);
    } else {
      missing.push_back(strCat(spec.name, " (", dtypeName(spec.dtype), " ", shapeToString(spec.shape), ")"));
    }
  }
  if (!missing.empty())
    return invalidInput("no value for input(s) %s: give --input NAME=FILE.npy or --random-inputs SEED",
                        joinStrings(missing, ", "));
  return inputs;
}

Status writeOutputTensors(const TensorMap &outputs, const std::string &dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) return invalidInput("cannot create output directory '%s': %s", dir, error.message());
  for (const auto &[name, tensor] : outputs) TS_RETURN_IF_ERROR(writeNpyFile(dir + "/" + name + ".npy", tensor));
  return absl::OkStatus();
}

} // namespace tessera::cli
