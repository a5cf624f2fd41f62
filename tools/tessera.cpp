//===- tessera.cpp - The tessera command-line driver --------------------------===//
//
// `tessera <command> [options]`: dispatches to the subcommands listed in commands.def.
//
//===----------------------------------------------------------------------===//
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "tools/command.h"
#include "support/version.h"
#ifdef TESSERA_HAVE_COMPILER
#include "compiler/quant/register_passes.h"
#endif

namespace {

struct Command {
  const char *name;
  int (*entry)(const std::vector<std::string> &);
  const char *summary;
};

const Command kCommands[] = {
#define TESSERA_COMMAND(name, entry, summary) {name, &tessera::cli::entry, summary},
#include "tools/commands.def"
};

void printUsage(std::ostream &out) {
  out << "usage: tessera <command> [options]   (tessera <command> --help for details)\n\n"
      << "commands:\n";
  for (const Command &command : kCommands)
    out << "  " << command.name << std::string(12 - std::strlen(command.name), ' ')
        << command.summary << "\n";
}

} // namespace

int main(int argc, char **argv) {
#ifdef TESSERA_HAVE_COMPILER
  tessera::quant::registerQuantPasses();  // pipelines may name quant's passes
#endif
  if (argc < 2) {
    printUsage(std::cerr);
    return 2;
  }
  std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    printUsage(std::cout);
    return 0;
  }
  if (name == "--version") {
    std::cout << "tessera " << tessera::kVersion << "\n";
    return 0;
  }
  for (const Command &command : kCommands) {
    if (name == command.name) return command.entry(std::vector<std::string>(argv + 2, argv + argc));
  }
  std::cerr << "tessera: unknown command '" << name << "'\n";
  printUsage(std::cerr);
  return 2;
}
