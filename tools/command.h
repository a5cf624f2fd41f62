//===- command.h - Subcommand entry points and shared CLI helpers ------------===//
#pragma once

#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "support/status.h"

namespace tessera::cli {

#define TESSERA_COMMAND(name, entry, summary) int entry(const std::vector<std::string> &args);
#include "tools/commands.def"

/// Parses `args` against `options` (positional names as given). Prints help and returns
/// 0 in `exitCode` for --help, prints the error and returns 2 for bad usage; otherwise
/// leaves exitCode unset and fills `vm`.
bool parseCommandLine(const std::string &command, const std::string &usage,
                      const std::vector<std::string> &args,
                      boost::program_options::options_description &options,
                      const boost::program_options::positional_options_description &positional,
                      boost::program_options::variables_map &vm, int &exitCode);

/// Prints "tessera <command>: error: <message>" and returns 1.
int reportError(const std::string &command, const Status &status);

} // namespace tessera::cli
