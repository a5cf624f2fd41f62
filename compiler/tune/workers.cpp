//===- workers.cpp - fork() workers, results over pipes ----------------------------------===//
#include "compiler/tune/workers.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>

#include "compiler/tune/measure.h"

namespace tessera::tune {
namespace {

/// A running worker: its pid and the read end of its pipe.
struct Worker {
  pid_t pid;
  int fd;
};

/// The line a worker writes: "ok CYCLES" or "error MESSAGE".
std::string resultLine(const StatusOr<uint64_t> &cycles) {
  if (cycles.ok()) return strCat("ok ", *cycles);
  return strCat("error ", cycles.status().message());
}

void writeAll(int fd, const std::string &text) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += size_t(n);
  }
}

StatusOr<Worker> startWorker(const accel::AccelLayer &layer, const accel::Mapping &mapping,
                             const isa::HardwareConfig &config) {
  int fds[2];
  if (::pipe(fds) != 0) return invalidInput("cannot create a pipe for a worker: %s", std::strerror(errno));
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]), ::close(fds[1]);
    return invalidInput("cannot fork a worker: %s", std::strerror(errno));
  }
  if (pid == 0) {
    ::close(fds[0]);
    writeAll(fds[1], resultLine(measureLayer(layer, mapping, config)));
    ::_exit(0);
  }
  ::close(fds[1]);
  return Worker{pid, fds[0]};
}

/// Reads the line of a worker that has exited (`status` from waitpid): a result line is
/// far smaller than a pipe's buffer, so the worker never blocks on it.
StatusOr<double> finishWorker(const Worker &worker, int status) {
  std::string text;
  char buffer[4096];
  for (;;) {
    ssize_t n = ::read(worker.fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buffer, size_t(n));
  }
  ::close(worker.fd);
  if (text.rfind("ok ", 0) == 0) return std::stod(text.substr(3));
  if (text.rfind("error ", 0) == 0) return invalidInput("%s", text.substr(6));
  return invalidInput("measurement worker %d ended without a result (wait status %d)", worker.pid, status);
}

/// Waits for any child to exit; -1 when there is none.
pid_t waitForWorker(int &status) {
  for (;;) {
    pid_t pid = ::waitpid(-1, &status, 0);
    if (pid >= 0 || errno != EINTR) return pid;
  }
}

} // namespace

std::vector<StatusOr<double>> measureInWorkers(const std::vector<MeasureJob> &jobs, const isa::HardwareConfig &config,
                                               int workers) {
  std::vector<StatusOr<double>> results(jobs.size(), StatusOr<double>(0.0));
  if (workers <= 1) {
    for (size_t i = 0; i < jobs.size(); ++i) {
      StatusOr<uint64_t> cycles = measureLayer(*jobs[i].layer, jobs[i].mapping, config);
      results[i] = cycles.ok() ? StatusOr<double>(double(*cycles)) : StatusOr<double>(cycles.status());
    }
    return results;
  }
  std::map<pid_t, std::pair<size_t, Worker>> running; // by pid: the job's index, the worker
  size_t next = 0;
  while (next < jobs.size() || !running.empty()) {
    while (next < jobs.size() && running.size() < size_t(workers)) {
      StatusOr<Worker> worker = startWorker(*jobs[next].layer, jobs[next].mapping, config);
      if (worker.ok()) running.emplace(worker->pid, std::make_pair(next, *worker));
      else results[next] = worker.status();
      ++next;
    }
    if (running.empty()) continue;
    int status = 0;
    pid_t pid = waitForWorker(status);
    if (pid < 0) { // lost our children (someone else reaped them): their results are errors
      for (auto &[ignored, entry] : running) results[entry.first] = finishWorker(entry.second, -1);
      running.clear();
      continue;
    }
    auto done = running.find(pid);
    if (done == running.end()) continue; // a child that is not one of ours
    results[done->second.first] = finishWorker(done->second.second, status);
    running.erase(done);
  }
  return results;
}

} // namespace tessera::tune
