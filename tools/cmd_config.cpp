//===- cmd_config.cpp - tessera config: validate a config, print derived values -------===//
#include <iostream>

#include "isa/layout.h"
#include "support/hash.h"
#include "tools/command.h"

namespace po = boost::program_options;

namespace tessera::cli {
namespace {

void printDerived(const isa::HardwareConfig &config, const isa::IsaLayout &layout) {
  std::cout << "config '" << config.name << "' is valid (hash " << hashToHex(config.hash()) << ")\n"
            << "  GEMM tile " << config.batch << "x" << config.block_in << " by " << config.block_in << "x"
            << config.block_out << ": " << config.macsPerCycle() << " MACs per micro-op\n";
  for (isa::Buffer buffer : {isa::Buffer::uop, isa::Buffer::inp, isa::Buffer::wgt, isa::Buffer::acc, isa::Buffer::out})
    std::cout << "  " << isa::bufferName(buffer) << ": " << config.depth(buffer) << " entries of "
              << config.entryBytes(buffer) << " bytes\n";
  for (isa::Opcode opcode : {isa::Opcode::load, isa::Opcode::store, isa::Opcode::gemm, isa::Opcode::alu, isa::Opcode::finish})
    std::cout << "  " << isa::opcodeName(opcode) << ": " << layout.format(opcode).usedBits << " of "
              << layout.instructionBits() << " bits\n";
  std::cout << "  micro-op: " << layout.uopUsedBits() << " of " << layout.uopBits() << " bits\n";
  std::cout << "  words: " << layout.instructionBits() << "-bit instructions (" << layout.instructionBytes()
            << " bytes), " << layout.uopBits() << "-bit micro-ops (" << layout.uopBytes() << " bytes)\n";
}

} // namespace

int runConfigCommand(const std::vector<std::string> &args) {
  std::string input;
  po::options_description options("options");
  options.add_options()("input", po::value(&input)->required(), "hardware config JSON");
  po::positional_options_description positional;
  positional.add("input", 1);
  po::variables_map vm;
  int exitCode = 0;
  if (!parseCommandLine("config", "cfg.json", args, options, positional, vm, exitCode)) return exitCode;
  auto config = isa::loadConfigFile(input);
  if (!config.ok()) return reportError("config", config.status());
  auto layout = isa::IsaLayout::build(*config);
  printDerived(*config, *layout);
  return 0;
}

} // namespace tessera::cli
