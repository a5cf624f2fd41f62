//===- cmd_disasm.cpp - tessera disasm: a .tsb binary as canonical assembly -----------===//
#include <iostream>

#include "isa/assembler.h"
#include "isa/binary.h"
#include "support/file_io.h"
#include "tools/command.h"

namespace po = boost::program_options;

namespace tessera::cli {

int runDisasmCommand(const std::vector<std::string> &args) {
  std::string input, output;
  bool noVerify = false;
  po::options_description options("options");
  options.add_options()("input", po::value(&input)->required(), "binary (.tsb)")(
      "output,o", po::value(&output), "write the assembly here instead of stdout")(
      "no-verify", po::bool_switch(&noVerify), "skip the section checksums (inspect a damaged file)");
  po::positional_options_description positional;
  positional.add("input", 1);
  po::variables_map vm;
  int exitCode = 0;
  if (!parseCommandLine("disasm", "prog.tsb [-o prog.s]", args, options, positional, vm, exitCode)) return exitCode;

  auto binary = isa::loadBinaryFile(input, isa::LoadOptions{.verifyChecksums = !noVerify});
  if (!binary.ok()) return reportError("disasm", binary.status());
  std::string text = isa::printAssembly(binary->program, binary->config);
  if (output.empty()) {
    std::cout << text;
    return 0;
  }
  Status written = writeTextFile(output, text);
  return written.ok() ? 0 : reportError("disasm", written);
}

} // namespace tessera::cli
