//===- cmd_config.cpp - tessera config: validate or derive a config, print derived values ===//
//
//   tessera config cfg.json
//   tessera config --derive block=N [--scale-buffers F] [--set key=value ...] [--name NAME] [-o cfg.json]
//
// Both check the config as loading does (isa/config.h) and, in a build with the compiler,
// that the reference layers map on it (compiler/accel/config_capacity.h), so a config
// that passes compiles every supported layer. --derive writes the config
// (isa/config_derive.h) to -o, or prints it when there is no -o.
//
//===----------------------------------------------------------------------===//
#include <iostream>

#include "isa/config_derive.h"
#include "isa/energy_model.h"
#include "isa/layout.h"
#include "support/file_io.h"
#include "support/hash.h"
#include "tools/command.h"

#ifdef TESSERA_HAVE_COMPILER
#include "compiler/accel/config_capacity.h"
#endif

namespace po = boost::program_options;

namespace tessera::cli {
namespace {

struct ConfigArgs {
  std::string input, derive, name, output;
  std::string energyPath; ///< --energy: the area table (default: the compiled-in default-45nm)
  double scaleBuffers = 1.0;
  std::vector<std::string> settings;
};

/// `area_mm2: TOTAL (table NAME)` and one line with each component's mm².
void printArea(const isa::HardwareConfig &config, const isa::EnergyTable &table) {
  nlohmann::json area = isa::computeArea(table, config);
  std::cout << "  area_mm2: " << area["total"].get<double>() << " (table " << table.name << ")\n   ";
  for (const char *key : {"uop", "inp", "wgt", "acc", "out", "mac_array", "alu", "queues"})
    std::cout << " " << key << " " << area["components"][key].get<double>();
  std::cout << "\n";
}

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
#ifdef TESSERA_HAVE_COMPILER
  std::cout << "  reference layers (conv 3x3 512->512, stem 7x7/2, fc 512 and 1280 -> 1000, maxpool 3x3/2): all map\n";
#endif
}

StatusOr<isa::EnergyTable> energyTableFor(const ConfigArgs &args) {
  if (args.energyPath.empty()) return isa::defaultEnergyTable();
  return isa::loadEnergyTableFile(args.energyPath);
}

/// The reference layers' check where the compiler is built; nothing to check otherwise.
Status checkCapacity(const isa::HardwareConfig &config) {
#ifdef TESSERA_HAVE_COMPILER
  return accel::checkConfigCapacity(config);
#else
  (void)config;
  return absl::OkStatus();
#endif
}

StatusOr<isa::HardwareConfig> deriveFromArgs(const ConfigArgs &args) {
  isa::DeriveOptions options;
  TS_ASSIGN_OR_RETURN(options.block, isa::parseDeriveSpec(args.derive));
  options.scaleBuffers = args.scaleBuffers;
  options.name = args.name;
  for (const std::string &setting : args.settings) {
    TS_ASSIGN_OR_RETURN(auto pair, isa::parseSetting(setting));
    options.settings.push_back(std::move(pair));
  }
  return isa::deriveConfig(options);
}

Status runDerive(const ConfigArgs &args) {
  TS_ASSIGN_OR_RETURN(isa::HardwareConfig config, deriveFromArgs(args));
  auto layout = isa::IsaLayout::build(config);
  TS_RETURN_IF_ERROR(checkCapacity(config));
  std::string text = config.toJson().dump(2) + "\n";
  if (args.output.empty()) {
    std::cout << text;
    return absl::OkStatus();
  }
  TS_RETURN_IF_ERROR(writeTextFile(args.output, text));
  std::cout << "wrote " << args.output << ":\n" << text;
  printDerived(config, *layout);
  TS_ASSIGN_OR_RETURN(isa::EnergyTable table, energyTableFor(args));
  printArea(config, table);
  return absl::OkStatus();
}

Status runCheck(const ConfigArgs &args) {
  if (args.input.empty()) return invalidInput("give a config file or --derive block=N");
  if (args.scaleBuffers != 1.0 || !args.settings.empty() || !args.name.empty() || !args.output.empty())
    return invalidInput("--scale-buffers, --set, --name and -o apply only with --derive");
  TS_ASSIGN_OR_RETURN(isa::HardwareConfig config, isa::loadConfigFile(args.input));
  auto layout = isa::IsaLayout::build(config);
  TS_RETURN_IF_ERROR(annotate(checkCapacity(config), args.input));
  TS_ASSIGN_OR_RETURN(isa::EnergyTable table, energyTableFor(args));
  printDerived(config, *layout);
  printArea(config, table);
  return absl::OkStatus();
}

} // namespace

int runConfigCommand(const std::vector<std::string> &args) {
  ConfigArgs config;
  po::options_description options("options");
  options.add_options()("input", po::value(&config.input), "hardware config JSON to check")(
      "derive", po::value(&config.derive), "derive a config for an NxN array: block=N (N a power of two in [4, 64])")(
      "scale-buffers", po::value(&config.scaleBuffers), "with --derive: multiply the data scratchpads by F in [0.25, 4]")(
      "set", po::value(&config.settings)->composing(), "with --derive: override a key (key=value; repeatable)")(
      "name", po::value(&config.name), "with --derive: the config's name (default blockN[-xF])")(
      "output,o", po::value(&config.output), "with --derive: write the config here instead of stdout")(
      "energy", po::value(&config.energyPath), "energy/area table for area_mm2 (default: the built-in configs/energy/default-45nm.json)");
  po::positional_options_description positional;
  positional.add("input", 1);
  po::variables_map vm;
  int exitCode = 0;
  if (!parseCommandLine("config", "cfg.json | --derive block=N [options]", args, options, positional, vm, exitCode))
    return exitCode;
  if (!config.derive.empty() && !config.input.empty())
    return reportError("config", invalidInput("give either a config file or --derive, not both"));
  Status status = config.derive.empty() ? runCheck(config) : runDerive(config);
  if (!status.ok()) return reportError("config", status);
  return 0;
}

} // namespace tessera::cli
