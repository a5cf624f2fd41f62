//===- isagen.cpp - Generates the SystemVerilog package and docs tables ----------===//
//
// tessera-isagen --config cfg.json --sv out.sv     the package rtl/ imports
// tessera-isagen --config cfg.json --docs out.md   the encoding tables of docs/isa.md
// tessera-isagen --config cfg.json --config-table out.md   the key table of docs/config.md
//
// Both come from isa/isa.def through IsaLayout, so the RTL, the docs and the C++
// encoder cannot drift apart.
//
//===----------------------------------------------------------------------===//
#include <cstring>
#include <iostream>

#include "isa/isagen.h"
#include "support/file_io.h"

using namespace tessera;

int main(int argc, char **argv) {
  std::string configPath, svPath, docsPath, configTablePath;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--config")) configPath = argv[i + 1];
    else if (!std::strcmp(argv[i], "--sv")) svPath = argv[i + 1];
    else if (!std::strcmp(argv[i], "--docs")) docsPath = argv[i + 1];
    else if (!std::strcmp(argv[i], "--config-table")) configTablePath = argv[i + 1];
    else {
      std::cerr << "tessera-isagen: unknown option " << argv[i] << "\n";
      return 2;
    }
  }
  if (configPath.empty() || (svPath.empty() && docsPath.empty() && configTablePath.empty())) {
    std::cerr << "usage: tessera-isagen --config cfg.json [--sv out.sv] [--docs out.md] [--config-table out.md]\n";
    return 2;
  }
  auto config = isa::loadConfigFile(configPath);
  if (!config.ok()) {
    std::cerr << "tessera-isagen: " << config.status().message() << "\n";
    return 1;
  }
  auto layout = isa::IsaLayout::build(*config);
  if (!svPath.empty()) {
    Status written = writeTextFile(svPath, isa::generateSvPackage(*config, *layout));
    if (!written.ok()) return std::cerr << written.message() << "\n", 1;
  }
  if (!docsPath.empty()) {
    Status written = writeTextFile(docsPath, isa::generateDocsTables(*config, *layout));
    if (!written.ok()) return std::cerr << written.message() << "\n", 1;
  }
  if (!configTablePath.empty()) {
    Status written = writeTextFile(configTablePath, isa::generateConfigTable(*config));
    if (!written.ok()) return std::cerr << written.message() << "\n", 1;
  }
  return 0;
}
