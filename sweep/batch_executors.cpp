//===- batch_executors.cpp - Slurm job-array scripts and Kubernetes Indexed Jobs ------===//
#include "sweep/batch_executors.h"

#include <cstdio>
#include <filesystem>

#include <sys/stat.h>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include "support/file_io.h"
#include "support/hash.h"
#include "support/strings.h"

namespace tessera::sweep {
namespace fs = std::filesystem;

namespace {

/// `text` as one word for sh.
std::string shellQuote(const std::string &text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

StatusOr<std::string> writeTasks(const std::vector<const SweepPoint *> &pending, const std::string &dir,
                                 const std::string &executor, const BatchOptions &options, size_t &taskCount) {
  if (options.pointsPerTask < 1) return invalidInput("--points-per-task %d: expected at least 1", options.pointsPerTask);
  std::string folder = (fs::path(fs::absolute(dir)) / executor).string();
  std::error_code error;
  fs::create_directories(folder, error);
  if (error) return invalidInput("cannot create '%s': %s", folder, error.message());
  TaskList tasks = splitIntoTasks(pending, options.pointsPerTask);
  taskCount = tasks.size();
  std::string path = folder + "/tasks.json";
  TS_RETURN_IF_ERROR(writeTextFileAtomically(path, nlohmann::json(tasks).dump(1) + "\n"));
  return path;
}

std::string workerCommand(const BatchOptions &options, const std::string &dir, const std::string &taskFile,
                          const std::string &taskVariable) {
  return strCat(shellQuote(options.tesseraPath), " sweep --worker ", shellQuote(fs::absolute(dir).string()),
                " --task-file ", shellQuote(taskFile), " --task \"$", taskVariable, "\"");
}

std::string sbatchScript(const BatchOptions &options, const std::string &dir, const std::string &taskFile, size_t tasks) {
  std::string folder = (fs::path(fs::absolute(dir)) / "slurm").string();
  std::string array = strCat("0-", tasks - 1);
  if (options.jobs > 0) array += strCat("%", options.jobs);
  return strCat("#!/bin/bash\n",
                "# A tessera sweep as a Slurm job array: task K runs the points listed at index K of\n",
                "# tasks.json. Written by `tessera sweep --executor slurm`; merge with `tessera sweep --collect ",
                fs::absolute(dir).string(), "`.\n",
                "#SBATCH --job-name=tessera-sweep\n", "#SBATCH --array=", array, "\n", "#SBATCH --ntasks=1\n",
                "#SBATCH --cpus-per-task=1\n", "#SBATCH --output=", folder, "/task-%a.log\n",
                "#SBATCH --chdir=", fs::absolute(dir).string(), "\n", "set -euo pipefail\n", "exec ",
                workerCommand(options, dir, taskFile, "SLURM_ARRAY_TASK_ID"), "\n");
}

/// Runs `command` through sh; its standard output in `output`.
int runCapturing(const std::string &command, std::string &output) {
  FILE *pipe = ::popen(command.c_str(), "r");
  if (!pipe) return -1;
  char buffer[4096];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
  int status = ::pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/// The worker's argv as a YAML flow list (JSON strings are YAML scalars); the task index
/// comes from the env var Kubernetes expands in `$(NAME)`.
std::string kubernetesCommand(const BatchOptions &options, const std::string &dir, const std::string &taskFile) {
  nlohmann::json argv = {options.tesseraPath, "sweep", "--worker", fs::absolute(dir).string(), "--task-file", taskFile,
                         "--task", "$(JOB_COMPLETION_INDEX)"};
  return argv.dump();
}

std::string kubernetesJob(const BatchOptions &options, const std::string &dir, const std::string &taskFile, size_t tasks) {
  std::string absoluteDir = fs::absolute(dir).string();
  std::string name = "tessera-sweep-" + hashToHex(fnv1a64(absoluteDir)).substr(0, 8);
  int parallelism = options.jobs > 0 ? options.jobs : int(std::min<size_t>(tasks, 8));
  return strCat("# A tessera sweep as a Kubernetes Indexed Job: pod K runs the points at index K of\n",
                "# tasks.json. Written by `tessera sweep --executor k8s --dry-run`; apply with\n",
                "# `kubectl apply -f job.yaml`, then merge with `tessera sweep --collect ", absoluteDir, "`.\n",
                "# The image must hold tessera at ", options.tesseraPath, " and the claim must mount the\n",
                "# sweep folder at the same path as here.\n",
                "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: ", name, "\nspec:\n",
                "  completionMode: Indexed\n  completions: ", tasks, "\n  parallelism: ", parallelism, "\n",
                "  backoffLimit: ", 2 * tasks, "\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n",
                "      - name: sweep\n        image: tessera:latest\n",
                "        command: ", kubernetesCommand(options, dir, taskFile), "\n",
                "        env:\n        - name: JOB_COMPLETION_INDEX\n          valueFrom:\n            fieldRef:\n",
                "              fieldPath: metadata.annotations['batch.kubernetes.io/job-completion-index']\n",
                "        resources:\n          requests: {cpu: \"1\", memory: 4Gi}\n",
                "        volumeMounts:\n        - name: sweep\n          mountPath: ", absoluteDir, "\n",
                "      volumes:\n      - name: sweep\n        persistentVolumeClaim:\n          claimName: tessera-sweep\n");
}

} // namespace

TaskList splitIntoTasks(const std::vector<const SweepPoint *> &pending, int pointsPerTask) {
  TaskList tasks;
  for (size_t i = 0; i < pending.size(); ++i) {
    if (i % size_t(pointsPerTask) == 0) tasks.emplace_back();
    tasks.back().push_back(pending[i]->name);
  }
  return tasks;
}

StatusOr<TaskList> readTaskFile(const std::string &path) {
  TS_ASSIGN_OR_RETURN(std::string text, readTextFile(path));
  nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded() || !json.is_array()) return invalidInput("%s: not a task list (a JSON list of lists of point names)", path);
  try {
    return json.get<TaskList>();
  } catch (const nlohmann::json::exception &) {
    return invalidInput("%s: not a task list (a JSON list of lists of point names)", path);
  }
}

Status submitSlurm(const std::vector<const SweepPoint *> &pending, const std::string &dir, const BatchOptions &options,
                   std::ostream &log) {
  size_t tasks = 0;
  TS_ASSIGN_OR_RETURN(std::string taskFile, writeTasks(pending, dir, "slurm", options, tasks));
  std::string script = (fs::path(fs::absolute(dir)) / "slurm" / "sweep.sbatch").string();
  TS_RETURN_IF_ERROR(writeTextFileAtomically(script, sbatchScript(options, dir, taskFile, tasks)));
  ::chmod(script.c_str(), 0755);
  log << "sweep: wrote " << script << " (" << pending.size() << " points in " << tasks << " array tasks)\n";
  if (options.dryRun) return absl::OkStatus();
  std::string command = strCat("sbatch --parsable ", options.wait ? "--wait " : "", shellQuote(script), " 2>&1");
  log << "sweep: " << command.substr(0, command.size() - 5) << (options.wait ? " (waiting for the array to finish)" : "") << "\n";
  std::string output;
  int status = runCapturing(command, output);
  if (status != 0)
    return invalidInput("sbatch failed (exit %d): %s", status, output.empty() ? "no output; is Slurm installed?" : output);
  std::string job = output.substr(0, output.find_first_of(";\n"));
  log << "sweep: Slurm job " << job << (options.wait ? " finished" : " submitted; when it ends, run: tessera sweep --collect " + dir) << "\n";
  return absl::OkStatus();
}

Status writeKubernetesJob(const std::vector<const SweepPoint *> &pending, const std::string &dir, const BatchOptions &options,
                          std::ostream &log) {
  if (!options.dryRun)
    return invalidInput("--executor k8s writes the Job manifest only: add --dry-run, then apply DIR/k8s/job.yaml with kubectl");
  size_t tasks = 0;
  TS_ASSIGN_OR_RETURN(std::string taskFile, writeTasks(pending, dir, "k8s", options, tasks));
  std::string manifest = (fs::path(fs::absolute(dir)) / "k8s" / "job.yaml").string();
  std::string yaml = kubernetesJob(options, dir, taskFile, tasks);
  TS_RETURN_IF_ERROR(writeTextFileAtomically(manifest, yaml));
  log << yaml << "sweep: wrote " << manifest << " (" << pending.size() << " points in " << tasks << " indexed pods)\n";
  return absl::OkStatus();
}

} // namespace tessera::sweep
