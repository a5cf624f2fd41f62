//===- batch_executors.h - A sweep as a Slurm job array or a Kubernetes Indexed Job ----===//
//
// Both split the pending points into tasks of `pointsPerTask` points (Slurm's and
// Kubernetes' scheduling delay make one short point per task slow), written to
// DIR/<executor>/tasks.json; task K runs `tessera sweep --worker DIR --task-file
// DIR/<executor>/tasks.json --task K`. DIR and the tessera executable must be at the
// same paths on every node (a shared file system). `tessera sweep --collect DIR` merges
// the results when the tasks are done.
//
//   slurm  DIR/slurm/sweep.sbatch (`#SBATCH --array=0-(T-1)`, at most `jobs` tasks at a
//          time when jobs > 0), submitted with sbatch (`--wait`: until the array ends);
//          each task's output in DIR/slurm/task-<K>.log.
//   k8s    DIR/k8s/job.yaml, an Indexed Job (completions T, parallelism `jobs`) whose pod
//          mounts DIR from a PersistentVolumeClaim; only written (--dry-run), not applied.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "sweep/sweep_plan.h"

namespace tessera::sweep {

struct BatchOptions {
  int pointsPerTask = 4;
  int jobs = 0;              ///< tasks at a time (0: as many as the scheduler allows)
  std::string tesseraPath;   ///< absolute path of the tessera executable
  bool wait = false;         ///< slurm: sbatch --wait
  bool dryRun = false;       ///< write the files, submit nothing
};

/// Task K's point names.
using TaskList = std::vector<std::vector<std::string>>;
TaskList splitIntoTasks(const std::vector<const SweepPoint *> &pending, int pointsPerTask);
StatusOr<TaskList> readTaskFile(const std::string &path);

/// Writes DIR/slurm/{tasks.json,sweep.sbatch} and (unless dryRun) submits the script.
Status submitSlurm(const std::vector<const SweepPoint *> &pending, const std::string &dir, const BatchOptions &options,
                   std::ostream &log);

/// Writes DIR/k8s/{tasks.json,job.yaml}; applying it is left to the user (dryRun only).
Status writeKubernetesJob(const std::vector<const SweepPoint *> &pending, const std::string &dir,
                          const BatchOptions &options, std::ostream &log);

} // namespace tessera::sweep
