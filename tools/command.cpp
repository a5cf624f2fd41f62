//===- command.cpp - Shared CLI helpers ---------------------------------------===//
#include "tools/command.h"

#include <iostream>

namespace po = boost::program_options;

namespace tessera::cli {

bool parseCommandLine(const std::string &command, const std::string &usage,
                      const std::vector<std::string> &args, po::options_description &options,
                      const po::positional_options_description &positional, po::variables_map &vm,
                      int &exitCode) {
  options.add_options()("help,h", "print this help");
  try {
    po::store(po::command_line_parser(args).options(options).positional(positional).run(), vm);
    if (vm.count("help")) {
      std::cout << "usage: tessera " << command << " " << usage << "\n\n" << options << "\n";
      exitCode = 0;
      return false;
    }
    po::notify(vm);
  } catch (const po::error &error) {
    std::cerr << "tessera " << command << ": error: " << error.what() << "\n"
              << "usage: tessera " << command << " " << usage << "\n";
    exitCode = 2;
    return false;
  }
  return true;
}

int reportError(const std::string &command, const Status &status) {
  std::cerr << "tessera " << command << ": error: " << status.message() << "\n";
  return 1;
}

} // namespace tessera::cli
