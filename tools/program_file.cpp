//===- program_file.cpp - Loading an accelerator program for CLI commands -----------===//
#include "tools/program_file.h"

#include "isa/assembler.h"
#include "support/file_io.h"

namespace tessera::cli {

StatusOr<isa::LoadedBinary> loadProgram(const std::string &path, const std::optional<std::string> &configPath,
                                        const isa::LoadOptions &load) {
  if (path.ends_with(".s")) {
    if (!configPath) return invalidInput("assembling '%s' needs --config", path);
    TS_ASSIGN_OR_RETURN(isa::HardwareConfig config, isa::loadConfigFile(*configPath));
    TS_ASSIGN_OR_RETURN(std::string text, readTextFile(path));
    TS_ASSIGN_OR_RETURN(isa::Program program, isa::assemble(text, config, path, {.requireGeometry = true}));
    return isa::LoadedBinary{std::move(program), config};
  }
  TS_ASSIGN_OR_RETURN(isa::LoadedBinary binary, isa::loadBinaryFile(path, load));
  if (configPath) {
    TS_ASSIGN_OR_RETURN(isa::HardwareConfig config, isa::loadConfigFile(*configPath));
    TS_RETURN_IF_ERROR(isa::checkBinaryMatchesConfig(binary, config));
  }
  return binary;
}

} // namespace tessera::cli
