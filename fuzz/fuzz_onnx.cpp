//===- fuzz_onnx.cpp - libFuzzer target: the ONNX importer ------------------------===//
//
// Writes the bytes to model.onnx in a directory of this process's own (the importer
// takes a path: ONNX's checker reads the file again and external data resolves against
// its directory), then imports it (compiler/onnx/importer.h importOnnxFile: ONNX's
// checker, version converter and shape inference, then tessera's graph building, shape
// inference and verifier), as `tessera compile model.onnx` does. An error Status is a
// fine outcome; a crash, leak, UB or timeout is a finding.
//
//===----------------------------------------------------------------------===//
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <unistd.h>

#include "compiler/onnx/importer.h"

namespace {

/// A directory of this process's own, removed at exit.
const std::string &modelPath() {
  static const std::string path = [] {
    char dir[] = "/tmp/tessera-fuzz-onnx-XXXXXX";
    if (!mkdtemp(dir)) {
      std::perror("fuzz_onnx: mkdtemp");
      std::abort();
    }
    static std::string directory = dir;
    std::atexit([] {
      std::remove((directory + "/model.onnx").c_str());
      rmdir(directory.c_str());
    });
    return directory + "/model.onnx";
  }();
  return path;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const std::string &path = modelPath();
  FILE *file = std::fopen(path.c_str(), "wb");
  if (!file) std::abort();
  if (size && std::fwrite(data, 1, size, file) != size) std::abort();
  std::fclose(file);
  (void)tessera::onnx_import::importOnnxFile(path);
  return 0;
}
