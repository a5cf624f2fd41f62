//===- fuzz_graph.cpp - libFuzzer target: graph IR parser, verifier, inference ----===//
//
// Parses the bytes as graph IR text (compiler/graph/parser.h), verifies the graph, runs
// tessera's shape inference on what verified and verifies the result again, as reading a
// .tg file and compiling it does. An error Status is a fine outcome; a crash, leak, UB or
// timeout is a finding.
//
//===----------------------------------------------------------------------===//
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "compiler/graph/parser.h"
#include "compiler/graph/shape_inference.h"
#include "compiler/graph/verifier.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  using namespace tessera::graph;
  std::string_view text(reinterpret_cast<const char *>(data), size);
  auto graph = parseGraph(text);
  if (!graph.ok() || !verifyGraph(*graph).ok()) return 0;
  if (!inferGraphTypes(*graph).ok()) return 0;
  (void)verifyGraph(*graph);
  return 0;
}
