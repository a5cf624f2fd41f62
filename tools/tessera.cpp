//===- tessera.cpp - The tessera command-line driver --------------------------===//
//
// `tessera <command> [options]`: dispatches to the subcommands listed in commands.def.
//
//===----------------------------------------------------------------------===//
#include <cstring>
#include <iostream>
#include <string>
#include <system_error>
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

/// Runs a command; an exception that escapes it (a library's, or a defect of ours)
/// becomes a one-line error and exit status 1, never std::terminate.
int runCommand(const Command &command, const std::vector<std::string> &args) {
  try {
    return command.entry(args);
  } catch (const std::bad_alloc &) {
    std::cerr << "tessera " << command.name << ": error: out of memory\n";
  } catch (const std::system_error &error) {
    std::cerr << "tessera " << command.name << ": error: " << error.what() << " (" << error.code().message() << ")\n";
  } catch (const std::exception &error) {
    std::cerr << "tessera " << command.name << ": error: internal error: " << error.what() << "\n";
  }
  return 1;
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
    if (name == command.name) return runCommand(command, std::vector<std::string>(argv + 2, argv + argc));
  }
  std::cerr << "tessera: unknown command '" << name << "'\n";
  printUsage(std::cerr);
  return 2;
}
