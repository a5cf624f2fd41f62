//===- local_executor.cpp - A pool of sweep worker processes fed through pipes -------===//
#include "sweep/local_executor.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/strings.h"
#include "sweep/point_runner.h"

extern char **environ;

namespace tessera::sweep {
namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

// The running workers, for the signal handler (async-signal-safe: a fixed array).
constexpr int kMaxWorkers = 256;
std::atomic<pid_t> runningWorkers[kMaxWorkers];

void stopWorkersAndExit(int signal) {
  for (auto &worker : runningWorkers) {
    pid_t pid = worker.load();
    if (pid > 0) ::kill(pid, SIGTERM);
  }
  std::signal(signal, SIG_DFL);
  std::raise(signal);
}

void trackWorker(pid_t pid, bool running) {
  for (auto &worker : runningWorkers) {
    pid_t expected = running ? 0 : pid;
    if (worker.compare_exchange_strong(expected, running ? pid : 0)) return;
  }
}

/// One worker process: its pipes, the point it runs, and what it has said so far.
struct Worker {
  pid_t pid = 0;
  int toWorker = -1, fromWorker = -1;
  const SweepPoint *point = nullptr; ///< in flight; null when idle
  Clock::time_point started;
  std::string received; ///< stdout not yet split into lines
};

StatusOr<std::unique_ptr<Worker>> spawnWorker(const std::string &tessera, const std::string &dir, int index) {
  std::string logDir = (fs::path(dir) / "workers").string();
  std::error_code error;
  fs::create_directories(logDir, error);
  std::string logPath = strCat(logDir, "/worker-", index, ".log");
  int in[2], out[2];
  if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0)
    return invalidInput("cannot create a pipe for a sweep worker: %s", std::strerror(errno));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_addopen(&actions, 2, logPath.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  std::vector<std::string> args = {tessera, "sweep", "--worker", dir, "--stdin"};
  std::vector<char *> argv;
  for (std::string &arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  auto worker = std::make_unique<Worker>();
  int rc = posix_spawn(&worker->pid, tessera.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(in[0]);
  ::close(out[1]);
  if (rc != 0) {
    ::close(in[1]);
    ::close(out[0]);
    return invalidInput("cannot start a sweep worker '%s': %s", tessera, std::strerror(rc));
  }
  worker->toWorker = in[1];
  worker->fromWorker = out[0];
  trackWorker(worker->pid, true);
  return worker;
}

bool assign(Worker &worker, const SweepPoint &point) {
  std::string line = point.name + "\n";
  if (::write(worker.toWorker, line.data(), line.size()) != ssize_t(line.size())) return false;
  worker.point = &point;
  worker.started = Clock::now();
  return true;
}

std::string exitDescription(int status) {
  if (WIFSIGNALED(status)) return strCat("was killed by signal ", WTERMSIG(status), " (", strsignal(WTERMSIG(status)), ")");
  return strCat("exited with status ", WEXITSTATUS(status));
}

/// True when every model of the point's result is ok.
bool resultIsOk(const std::string &dir, const SweepPoint &point) {
  std::ifstream in(pointResultPath(dir, point));
  nlohmann::json result = nlohmann::json::parse(in, nullptr, false);
  if (result.is_discarded()) return false;
  for (const auto &model : result.value("models", nlohmann::json::array()))
    if (model.value("status", "") != "ok") return false;
  return true;
}

/// Progress: finished and failed counts, the last point, an ETA from the mean so far.
class Progress {
public:
  Progress(size_t total, bool terminal, std::ostream &log) : total_(total), terminal_(terminal), log_(log) {}

  void finished(const std::string &point, bool ok, double seconds) {
    ++done_;
    if (!ok) ++failed_;
    double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
    double eta = elapsed / double(done_) * double(total_ - done_);
    std::string line = absl::StrFormat("sweep: [%d/%d] %s %s in %.1f s, %d failed, ETA %.0f s", done_, total_, point,
                                       ok ? "done" : "FAILED", seconds, failed_, eta);
    if (terminal_) log_ << "\r\033[K" << line << std::flush;
    else log_ << line << "\n";
    if (terminal_ && done_ == total_) log_ << "\n";
  }

private:
  size_t total_, done_ = 0, failed_ = 0;
  bool terminal_;
  std::ostream &log_;
  Clock::time_point start_ = Clock::now();
};

/// The pool: workers started on demand, fed one point at a time.
class Pool {
public:
  Pool(const SweepPlan &plan, const std::vector<const SweepPoint *> &pending, const std::string &dir,
       const LocalOptions &options, std::ostream &log)
      : plan_(plan), pending_(pending), dir_(dir), options_(options), progress_(pending.size(), options.terminal, log) {}

  Status run() {
    while (next_ < pending_.size() || !workers_.empty()) {
      TS_RETURN_IF_ERROR(feedIdleWorkers());
      if (workers_.empty()) break;
      TS_RETURN_IF_ERROR(waitForWorkers());
    }
    return absl::OkStatus();
  }

private:
  /// Starts workers up to -j while points remain; gives each idle one the next point,
  /// or closes its stdin (it exits) when none remain.
  Status feedIdleWorkers() {
    while (workers_.size() < size_t(options_.jobs) && workers_.size() < pending_.size() - next_ + busy()) {
      TS_ASSIGN_OR_RETURN(auto worker, spawnWorker(options_.tesseraPath, dir_, spawned_++));
      workers_.push_back(std::move(worker));
    }
    for (auto &worker : workers_) {
      if (worker->point || worker->toWorker < 0) continue;
      if (next_ < pending_.size() && assign(*worker, *pending_[next_])) {
        ++next_;
      } else {
        ::close(worker->toWorker);
        worker->toWorker = -1;
      }
    }
    return absl::OkStatus();
  }

  size_t busy() const {
    size_t n = 0;
    for (const auto &worker : workers_) n += worker->point != nullptr;
    return n;
  }

  Status waitForWorkers() {
    std::vector<pollfd> fds;
    for (const auto &worker : workers_) fds.push_back({worker->fromWorker, POLLIN, 0});
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) return absl::OkStatus();
      return invalidInput("waiting for sweep workers: %s", std::strerror(errno));
    }
    for (size_t i = fds.size(); i-- > 0;)
      if (fds[i].revents) TS_RETURN_IF_ERROR(readFrom(i));
    return absl::OkStatus();
  }

  /// Reads what worker `index` wrote: "done NAME" lines, or end of file (it exited).
  Status readFrom(size_t index) {
    Worker &worker = *workers_[index];
    char buffer[4096];
    ssize_t n = ::read(worker.fromWorker, buffer, sizeof buffer);
    if (n > 0) {
      worker.received.append(buffer, size_t(n));
      size_t end;
      while ((end = worker.received.find('\n')) != std::string::npos) {
        std::string line = worker.received.substr(0, end);
        worker.received.erase(0, end + 1);
        if (line.starts_with("done ") && worker.point) finish(worker, std::nullopt);
      }
      return absl::OkStatus();
    }
    return reap(index);
  }

  /// Worker `index` closed its stdout: wait for it, record its point if it was running one.
  Status reap(size_t index) {
    Worker &worker = *workers_[index];
    int status = 0;
    while (::waitpid(worker.pid, &status, 0) < 0 && errno == EINTR) {
    }
    trackWorker(worker.pid, false);
    ::close(worker.fromWorker);
    if (worker.toWorker >= 0) ::close(worker.toWorker);
    if (worker.point) {
      TS_RETURN_IF_ERROR(writePointError(plan_, *worker.point, dir_,
                                         strCat("the sweep worker running this point ", exitDescription(status), " (log: ",
                                                dir_, "/workers/)")));
      finish(worker, status);
    }
    workers_.erase(workers_.begin() + std::ptrdiff_t(index));
    return absl::OkStatus();
  }

  void finish(Worker &worker, std::optional<int> crashed) {
    double seconds = std::chrono::duration<double>(Clock::now() - worker.started).count();
    progress_.finished(worker.point->name, !crashed && resultIsOk(dir_, *worker.point), seconds);
    worker.point = nullptr;
  }

  const SweepPlan &plan_;
  const std::vector<const SweepPoint *> &pending_;
  const std::string &dir_;
  const LocalOptions &options_;
  Progress progress_;
  std::vector<std::unique_ptr<Worker>> workers_;
  size_t next_ = 0;
  int spawned_ = 0;
};

} // namespace

Status runLocal(const SweepPlan &plan, const std::vector<const SweepPoint *> &pending, const std::string &dir,
                const LocalOptions &options, std::ostream &log) {
  if (options.jobs < 1 || options.jobs > kMaxWorkers) return invalidInput("-j %d: expected 1 to %d workers", options.jobs, kMaxWorkers);
  std::signal(SIGINT, stopWorkersAndExit);
  std::signal(SIGTERM, stopWorkersAndExit);
  std::signal(SIGPIPE, SIG_IGN);
  Status status = Pool(plan, pending, dir, options, log).run();
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  std::signal(SIGPIPE, SIG_DFL);
  return status;
}

} // namespace tessera::sweep
