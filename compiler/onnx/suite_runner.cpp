//===- suite_runner.cpp - Isolated, parallel execution of backend test cases ---===//
//
// Each case runs in a forked child that writes "<status>\n<message>" to a pipe and
// exits. The parent keeps up to `workers` children running, polls their pipes, and
// classifies a child that dies by a signal, exits without a result or outlives the
// timeout (then killed) as `crashed`.
//
//===----------------------------------------------------------------------===//
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "compiler/onnx/backend_test.h"

namespace tessera::onnx_import {
namespace {

using Clock = std::chrono::steady_clock;

struct Child {
  pid_t pid = -1;
  int fd = -1;
  size_t caseIndex = 0;
  Clock::time_point start;
  std::string output;
  bool killed = false;
};

void writeAll(int fd, const std::string &text) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n <= 0) return;
    done += n;
  }
}

Child startChild(const std::string &caseDir, size_t index, const CaseTarget *target) {
  int fds[2];
  Child child;
  child.caseIndex = index;
  child.start = Clock::now();
  if (pipe(fds) != 0) return child;
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    CaseResult result = runBackendTestCase(caseDir, target);
    writeAll(fds[1], result.status + "\n" + result.message);
    close(fds[1]);
    _exit(0);
  }
  close(fds[1]);
  child.pid = pid;
  child.fd = fds[0];
  return child;
}

CaseResult finishChild(Child &child, const std::string &name, int timeoutSeconds) {
  close(child.fd);
  int status = 0;
  waitpid(child.pid, &status, 0);
  if (child.killed) return {name, "crashed", absl::StrCat("timed out after ", timeoutSeconds, " s")};
  if (WIFSIGNALED(status)) return {name, "crashed", absl::StrCat("killed by signal ", WTERMSIG(status), " (", strsignal(WTERMSIG(status)), ")")};
  size_t newline = child.output.find('\n');
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || newline == std::string::npos)
    return {name, "crashed", absl::StrCat("exited with status ", WEXITSTATUS(status), " without a result")};
  return {name, child.output.substr(0, newline), child.output.substr(newline + 1)};
}

/// Reads what is available from each child; returns the indices of finished ones.
std::vector<size_t> pollChildren(std::vector<Child> &running, int timeoutSeconds) {
  std::vector<pollfd> fds;
  for (const Child &child : running) fds.push_back({child.fd, POLLIN, 0});
  poll(fds.data(), fds.size(), 100);
  std::vector<size_t> finished;
  for (size_t i = 0; i < running.size(); ++i) {
    Child &child = running[i];
    if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) {
      char buffer[4096];
      ssize_t n = read(child.fd, buffer, sizeof(buffer));
      if (n > 0) child.output.append(buffer, n);
      if (n <= 0) finished.push_back(i);
      continue;
    }
    if (Clock::now() - child.start > std::chrono::seconds(timeoutSeconds)) {
      kill(child.pid, SIGKILL);
      child.killed = true;
      finished.push_back(i);
    }
  }
  return finished;
}

} // namespace

int SuiteReport::count(const std::string &status) const {
  int n = 0;
  for (const CaseResult &result : cases) n += result.status == status;
  return n;
}

std::string SuiteReport::toJson() const {
  nlohmann::json json = {{"total", cases.size()},       {"passed", count("passed")},
                         {"failed", count("failed")},   {"unsupported", count("unsupported")},
                         {"crashed", count("crashed")}, {"ref_fallback", count("ref_fallback")},
                         {"cases", nlohmann::json::array()}};
  for (const CaseResult &result : cases)
    json["cases"].push_back({{"name", result.name}, {"status", result.status}, {"message", result.message}});
  return json.dump(1);
}

SuiteReport runBackendTestSuite(const std::string &root, const SuiteOptions &options) {
  std::vector<std::string> caseDirs = findTestCases(root);
  SuiteReport report;
  report.cases.resize(caseDirs.size());
  std::vector<Child> running;
  size_t next = 0;
  while (next < caseDirs.size() || !running.empty()) {
    while (next < caseDirs.size() && static_cast<int>(running.size()) < std::max(1, options.workers)) {
      Child child = startChild(caseDirs[next], next, options.target);
      std::string name = std::filesystem::path(caseDirs[next]).filename().string();
      if (child.pid < 0) report.cases[next] = {name, "crashed", "could not fork"};
      else running.push_back(child);
      ++next;
    }
    std::vector<size_t> finished = pollChildren(running, options.timeoutSeconds);
    for (size_t i = finished.size(); i-- > 0;) {
      Child &child = running[finished[i]];
      std::string name = std::filesystem::path(caseDirs[child.caseIndex]).filename().string();
      report.cases[child.caseIndex] = finishChild(child, name, options.timeoutSeconds);
      running.erase(running.begin() + finished[i]);
    }
  }
  return report;
}

} // namespace tessera::onnx_import
