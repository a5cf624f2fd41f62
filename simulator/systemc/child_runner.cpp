//===- child_runner.cpp - fork, shared DRAM mapping, outcome over a pipe ------------===//
#include "simulator/systemc/child_runner.h"

#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <type_traits>

namespace tessera::systemc {
namespace {

static_assert(std::is_trivially_copyable_v<InstructionRecord>);
static_assert(std::is_trivially_copyable_v<FetchStats>);
static_assert(std::is_trivially_copyable_v<sim::Counters>);

template <typename T> void putPod(std::string &out, const T &value) {
  out.append(reinterpret_cast<const char *>(&value), sizeof(T));
}

template <typename T> bool getPod(std::string_view &in, T &value) {
  if (in.size() < sizeof(T)) return false;
  std::memcpy(&value, in.data(), sizeof(T));
  in.remove_prefix(sizeof(T));
  return true;
}

std::string serialize(const SimulationOutcome &outcome) {
  std::string out;
  putPod(out, outcome.ok);
  putPod(out, outcome.errorCode);
  putPod(out, uint64_t(outcome.errorMessage.size()));
  out += outcome.errorMessage;
  putPod(out, outcome.totalCycles);
  putPod(out, outcome.counters);
  putPod(out, outcome.fetch);
  putPod(out, outcome.dramBusyBeats);
  putPod(out, outcome.simulateSeconds);
  putPod(out, outcome.simulateCpuSeconds);
  putPod(out, uint64_t(outcome.records.size()));
  out.append(reinterpret_cast<const char *>(outcome.records.data()), outcome.records.size() * sizeof(InstructionRecord));
  return out;
}

bool deserialize(std::string_view in, SimulationOutcome &outcome) {
  uint64_t messageSize = 0, recordCount = 0;
  if (!getPod(in, outcome.ok) || !getPod(in, outcome.errorCode) || !getPod(in, messageSize) || in.size() < messageSize)
    return false;
  outcome.errorMessage = std::string(in.substr(0, messageSize));
  in.remove_prefix(messageSize);
  if (!getPod(in, outcome.totalCycles) || !getPod(in, outcome.counters) || !getPod(in, outcome.fetch) ||
      !getPod(in, outcome.dramBusyBeats) || !getPod(in, outcome.simulateSeconds) || !getPod(in, outcome.simulateCpuSeconds) ||
      !getPod(in, recordCount))
    return false;
  if (in.size() != recordCount * sizeof(InstructionRecord)) return false;
  outcome.records.resize(recordCount);
  std::memcpy(outcome.records.data(), in.data(), in.size());
  return true;
}

bool writeAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t written = ::write(fd, data.data(), data.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return false;
    data.remove_prefix(size_t(written));
  }
  return true;
}

std::string readAll(int fd) {
  std::string data;
  char buffer[1 << 16];
  for (;;) {
    ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return data;
    data.append(buffer, size_t(got));
  }
}

[[noreturn]] void runChild(int fd, void *shared, const isa::Program &program, const isa::HardwareConfig &config,
                           std::vector<uint8_t> &dram, const SimulateOptions &options) {
  ::setenv("SYSC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  SimulationOutcome outcome = simulate(program, config, dram, options);
  if (!dram.empty()) std::memcpy(shared, dram.data(), dram.size());
  bool sent = writeAll(fd, serialize(outcome));
  std::fflush(stderr);
  ::_exit(sent ? 0 : 3);
}

Status waitForChild(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return absl::InternalError(absl::StrFormat("waitpid: %s", std::strerror(errno)));
  if (WIFSIGNALED(status))
    return absl::InternalError(absl::StrFormat("the SystemC simulation process died of signal %d", WTERMSIG(status)));
  if (WEXITSTATUS(status) != 0)
    return absl::InternalError(absl::StrFormat("the SystemC simulation process exited with %d", WEXITSTATUS(status)));
  return absl::OkStatus();
}

} // namespace

StatusOr<SimulationOutcome> simulateInChild(const isa::Program &program, const isa::HardwareConfig &config,
                                            std::vector<uint8_t> &dram, const SimulateOptions &options) {
  size_t mapBytes = dram.empty() ? 1 : dram.size();
  void *shared = ::mmap(nullptr, mapBytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (shared == MAP_FAILED) return absl::InternalError(absl::StrFormat("mmap of %d bytes: %s", mapBytes, std::strerror(errno)));
  int fds[2];
  if (::pipe(fds) != 0) {
    ::munmap(shared, mapBytes);
    return absl::InternalError(absl::StrFormat("pipe: %s", std::strerror(errno)));
  }
  std::fflush(stdout);
  std::fflush(stderr);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    runChild(fds[1], shared, program, config, dram, options);
  }
  ::close(fds[1]);
  std::string bytes = pid > 0 ? readAll(fds[0]) : std::string();
  ::close(fds[0]);
  Status childStatus = pid > 0 ? waitForChild(pid) : absl::InternalError(absl::StrFormat("fork: %s", std::strerror(errno)));
  SimulationOutcome outcome;
  if (childStatus.ok() && !deserialize(bytes, outcome))
    childStatus = absl::InternalError("the SystemC simulation process sent a truncated outcome");
  if (childStatus.ok() && !dram.empty()) std::memcpy(dram.data(), shared, dram.size());
  ::munmap(shared, mapBytes);
  TS_RETURN_IF_ERROR(childStatus);
  return outcome;
}

} // namespace tessera::systemc
