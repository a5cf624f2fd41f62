//===- cmd_asm.cpp - tessera asm: text assembly to a .tsb binary ----------------------===//
#include <iostream>

#include "isa/assembler.h"
#include "isa/binary.h"
#include "support/file_io.h"
#include "tools/command.h"

namespace po = boost::program_options;

namespace tessera::cli {

int runAsmCommand(const std::vector<std::string> &args) {
  std::string input, output, configPath;
  po::options_description options("options");
  options.add_options()("input", po::value(&input)->required(), "assembly file (.s)")(
      "config,c", po::value(&configPath)->required(), "hardware config JSON")(
      "output,o", po::value(&output)->required(), "binary to write (.tsb)");
  po::positional_options_description positional;
  positional.add("input", 1);
  po::variables_map vm;
  int exitCode = 0;
  if (!parseCommandLine("asm", "prog.s --config cfg.json -o prog.tsb", args, options, positional, vm, exitCode))
    return exitCode;

  auto config = isa::loadConfigFile(configPath);
  if (!config.ok()) return reportError("asm", config.status());
  auto text = readTextFile(input);
  if (!text.ok()) return reportError("asm", text.status());
  auto program = isa::assemble(*text, *config, input, {.requireGeometry = true});
  if (!program.ok()) return reportError("asm", program.status());
  auto bytes = isa::writeBinary(*program, *config);
  if (!bytes.ok()) return reportError("asm", bytes.status());
  Status written = writeBinaryFile(output, *bytes);
  if (!written.ok()) return reportError("asm", written);
  std::cerr << "tessera asm: wrote " << output << ": " << program->instructions.size() << " instructions, "
            << program->uops.size() << " micro-ops, " << program->tensors.size() << " tensors, "
            << program->segments.size() << " segments, " << program->dramBytes << " bytes of DRAM, config '"
            << config->name << "'\n";
  return 0;
}

} // namespace tessera::cli
