//===- ptxas.cpp - Finding and running ptxas -----------------------------------------===//
#include "compiler/codegen/ptxas.h"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "support/strings.h"

namespace tessera::codegen {
namespace {

bool isExecutable(const std::string &path) { return !path.empty() && ::access(path.c_str(), X_OK) == 0; }

/// A file name in the temporary directory unique to this process and call.
std::string tempPath(const std::string &suffix) {
  static std::atomic<int> counter = 0;
  std::filesystem::path dir = std::filesystem::temp_directory_path();
  return (dir / strCat("tessera_ptxas_", ::getpid(), "_", counter++, suffix)).string();
}

/// Single-quoted for the shell.
std::string shellQuoted(const std::string &s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

} // namespace

std::optional<std::string> findPtxas() {
  // An explicit choice is the only one (a missing file there means "no ptxas").
  if (const char *env = std::getenv("TESSERA_PTXAS"))
    return isExecutable(env) ? std::optional<std::string>(env) : std::nullopt;
  if (const char *path = std::getenv("PATH"))
    for (std::string_view dir : splitString(path, ':', /*skipEmpty=*/true))
      if (std::string candidate = strCat(dir, "/ptxas"); isExecutable(candidate)) return candidate;
  if (isExecutable("/usr/local/cuda/bin/ptxas")) return std::string("/usr/local/cuda/bin/ptxas");
  return std::nullopt;
}

StatusOr<PtxasResult> runPtxas(const std::string &ptxas, const std::string &ptx, const std::string &arch,
                               bool verbose) {
  std::string input = tempPath(".ptx"), cubin = tempPath(".cubin");
  {
    std::ofstream file(input);
    file << ptx;
    if (!file) return absl::InternalError(strCat("cannot write ", input));
  }
  std::string command = strCat(shellQuoted(ptxas), " -arch=", shellQuoted(arch), verbose ? " -v " : " ", shellQuoted(input), " -o ",
                               shellQuoted(cubin), " 2>&1");
  FILE *pipe = ::popen(command.c_str(), "r");
  if (!pipe) return absl::InternalError(strCat("cannot run ", ptxas));
  PtxasResult result;
  std::array<char, 4096> chunk;
  while (size_t n = std::fread(chunk.data(), 1, chunk.size(), pipe)) result.output.append(chunk.data(), n);
  int status = ::pclose(pipe);
  std::filesystem::remove(input);
  std::filesystem::remove(cubin);
  if (status == -1 || !WIFEXITED(status)) return absl::InternalError(strCat(ptxas, " did not exit normally"));
  result.exitStatus = WEXITSTATUS(status);
  return result;
}

} // namespace tessera::codegen
