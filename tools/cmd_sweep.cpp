//===- cmd_sweep.cpp - tessera sweep: co-design sweeps over configs and models ---------===//
//
// tessera sweep spec.json -o DIR [-j N] [--executor local|slurm|k8s] [--fresh]
//     [--points-per-task N] [--wait] [--dry-run]
// tessera sweep --collect DIR
//
// The spec (docs/sweeps.md) expands into points x models (sweep/sweep_plan.h); each
// point runs in its own folder and process, and the results merge into DIR/results.csv,
// results.json, pareto.svg and pareto_layers.csv (sweep/results.h). A rerun skips the
// finished points. Workers are this command too:
//   tessera sweep --worker DIR --stdin            (local: point names on stdin)
//   tessera sweep --worker DIR --point NAME
//   tessera sweep --worker DIR --task-file DIR/slurm/tasks.json --task K
//
//===----------------------------------------------------------------------===//
#include <filesystem>
#include <iostream>
#include <thread>

#include <unistd.h>

#include "isa/energy_table.h"
#include "support/strings.h"
#include "sweep/batch_executors.h"
#include "sweep/local_executor.h"
#include "sweep/point_runner.h"
#include "sweep/results.h"
#include "sweep/sweep_dir.h"
#include "tools/command.h"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace tessera::cli {
namespace {

using sweep::SweepPlan;
using sweep::SweepPoint;

struct SweepArgs {
  std::string spec, dir, executor = "local", collectDir, workerDir, point, taskFile;
  int jobs = 1, pointsPerTask = 4, task = -1;
  bool fresh = false, wait = false, dryRun = false, readStdin = false;
};

StatusOr<isa::EnergyTable> energyOf(const SweepPlan &plan) {
  if (plan.energyPath.empty()) return isa::defaultEnergyTable();
  return isa::loadEnergyTableFile(plan.energyPath);
}

std::string tesseraPath() {
  std::error_code error;
  fs::path self = fs::read_symlink("/proc/self/exe", error);
  return error ? std::string("tessera") : self.string();
}

/// The point names a `--worker` runs: one (--point), a task's (--task-file, --task), or
/// none here when they come on stdin (--stdin).
StatusOr<std::vector<std::string>> workerPoints(const SweepArgs &args) {
  if (!args.point.empty()) return std::vector<std::string>{args.point};
  if (args.readStdin) return std::vector<std::string>{};
  if (args.taskFile.empty() || args.task < 0)
    return invalidInput("--worker needs --point NAME, --stdin, or --task-file F and --task K");
  TS_ASSIGN_OR_RETURN(sweep::TaskList tasks, sweep::readTaskFile(args.taskFile));
  if (size_t(args.task) >= tasks.size()) return invalidInput("%s: no task %d (it lists %d)", args.taskFile, args.task, tasks.size());
  return tasks[size_t(args.task)];
}

Status runWorkerPoint(sweep::PointRunner &runner, const SweepPlan &plan, const std::string &dir, const std::string &name) {
  TS_ASSIGN_OR_RETURN(const SweepPoint *point, sweep::findPoint(plan, name, dir));
  if (sweep::pointFinished(dir, *point)) return absl::OkStatus();
  std::cerr << "sweep worker: " << name << std::endl;
  return runner.run(*point);
}

/// `--worker`: runs its points; with --stdin, answers "done NAME" for each line read.
Status runWorker(const SweepArgs &args) {
  TS_ASSIGN_OR_RETURN(SweepPlan plan, sweep::loadPlan(args.workerDir));
  TS_ASSIGN_OR_RETURN(isa::EnergyTable energy, energyOf(plan));
  TS_ASSIGN_OR_RETURN(std::vector<std::string> names, workerPoints(args));
  sweep::PointRunner runner(plan, args.workerDir, energy);
  for (const std::string &name : names) TS_RETURN_IF_ERROR(runWorkerPoint(runner, plan, args.workerDir, name));
  if (!args.readStdin) return absl::OkStatus();
  for (std::string name; std::getline(std::cin, name);) {
    TS_RETURN_IF_ERROR(runWorkerPoint(runner, plan, args.workerDir, name));
    std::cout << "done " << name << std::endl;
  }
  return absl::OkStatus();
}

/// Writes the result files and prints where they are and each model's Pareto front.
Status collect(const SweepPlan &plan, const std::string &dir) {
  TS_ASSIGN_OR_RETURN(std::vector<sweep::ResultRow> rows, sweep::writeResults(plan, dir));
  size_t failed = 0;
  for (const sweep::ResultRow &row : rows) failed += row.values.value("status", "") != "ok";
  std::cout << absl::StrFormat("sweep: %d rows (%d points x %d models), %d ok, %d error\n", rows.size(),
                               plan.points.size(), plan.models.size(), rows.size() - failed, failed);
  for (const sweep::SweepModel &model : plan.models) {
    std::vector<std::string> front;
    for (const sweep::ResultRow &row : rows)
      if (row.model == model.name && row.pareto)
        front.push_back(absl::StrFormat("%s (%.4g ms, %.4g uJ)", row.point, row.values["latency_ms"].get<double>(),
                                        row.values["energy_uj"].get<double>()));
    if (!front.empty()) std::cout << "pareto front, " << model.name << ": " << joinStrings(front, ", ") << "\n";
  }
  for (const char *file : {"results.csv", "results.json", "pareto.svg", "pareto_layers.csv"})
    std::cout << "wrote " << (fs::path(dir) / file).string() << "\n";
  return absl::OkStatus();
}

Status runSweep(const SweepArgs &args) {
  if (args.dir.empty()) return invalidInput("missing -o DIR (the sweep's output folder)");
  TS_ASSIGN_OR_RETURN(SweepPlan plan, sweep::loadSweepSpec(args.spec));
  if (args.executor != "local" && args.executor != "slurm" && args.executor != "k8s")
    return invalidInput("--executor '%s': expected local, slurm or k8s", args.executor);
  TS_RETURN_IF_ERROR(sweep::prepareSweepDir(plan, args.dir, args.fresh, std::cerr));
  std::vector<const SweepPoint *> pending = sweep::pendingPoints(plan, args.dir);
  std::cout << absl::StrFormat("sweep: %d points x %d models, backend %s, executor %s\n", plan.points.size(),
                               plan.models.size(), plan.backend, args.executor);
  if (pending.size() < plan.points.size()) std::cout << "skipped " << plan.points.size() - pending.size() << " finished points\n";
  sweep::BatchOptions batch{args.pointsPerTask, args.executor == "local" ? 0 : args.jobs, tesseraPath(), args.wait, args.dryRun};
  if (!pending.empty() && args.executor == "k8s") return sweep::writeKubernetesJob(pending, args.dir, batch, std::cout);
  if (!pending.empty() && args.executor == "slurm") {
    TS_RETURN_IF_ERROR(sweep::submitSlurm(pending, args.dir, batch, std::cout));
    if (!args.wait) return absl::OkStatus();
  }
  if (!pending.empty() && args.executor == "local") {
    sweep::LocalOptions local{args.jobs, tesseraPath(), bool(isatty(2))};
    TS_RETURN_IF_ERROR(sweep::runLocal(plan, pending, args.dir, local, std::cerr));
  }
  return collect(plan, args.dir);
}

Status runCommand(const SweepArgs &args) {
  if (!args.workerDir.empty()) return runWorker(args);
  if (!args.collectDir.empty()) {
    TS_ASSIGN_OR_RETURN(SweepPlan plan, sweep::loadPlan(args.collectDir));
    return collect(plan, args.collectDir);
  }
  if (args.spec.empty()) return invalidInput("missing the spec file (tessera sweep spec.json -o DIR), or --collect DIR");
  return runSweep(args);
}

} // namespace

int runSweepCommand(const std::vector<std::string> &args) {
  SweepArgs sweep;
  int defaultJobs = int(std::max(1u, std::thread::hardware_concurrency()));
  po::options_description options("options");
  options.add_options()("spec", po::value(&sweep.spec), "the sweep spec (JSON, docs/sweeps.md)")(
      "output,o", po::value(&sweep.dir), "the sweep's folder (results, per-point reports; reused to resume)")(
      "jobs,j", po::value(&sweep.jobs)->default_value(defaultJobs), "local: worker processes; slurm/k8s: tasks at a time")(
      "executor", po::value(&sweep.executor)->default_value("local"), "local | slurm | k8s")(
      "points-per-task", po::value(&sweep.pointsPerTask)->default_value(4), "slurm/k8s: points per array task")(
      "wait", po::bool_switch(&sweep.wait), "slurm: wait for the job array (sbatch --wait), then collect")(
      "dry-run", po::bool_switch(&sweep.dryRun), "slurm/k8s: write the script or manifest, submit nothing")(
      "fresh", po::bool_switch(&sweep.fresh), "discard the folder's earlier points and start over")(
      "collect", po::value(&sweep.collectDir), "merge the finished points of DIR into its result files")(
      "worker", po::value(&sweep.workerDir), "internal: run points of the sweep in DIR (with --point, --stdin or --task)")(
      "point", po::value(&sweep.point), "internal: the point a worker runs")(
      "stdin", po::bool_switch(&sweep.readStdin), "internal: a worker reads point names from stdin")(
      "task-file", po::value(&sweep.taskFile), "internal: a task list (slurm/k8s)")(
      "task", po::value(&sweep.task), "internal: the task index a worker runs");
  po::positional_options_description positional;
  positional.add("spec", 1);
  po::variables_map vm;
  int exitCode = 0;
  if (!parseCommandLine("sweep", "spec.json -o DIR [-j N] [--executor local|slurm|k8s] | --collect DIR", args, options,
                        positional, vm, exitCode))
    return exitCode;
  Status status = runCommand(sweep);
  return status.ok() ? 0 : reportError("sweep", status);
}

} // namespace tessera::cli
