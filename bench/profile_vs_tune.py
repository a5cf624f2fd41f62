#!/usr/bin/env python3
"""profile_vs_tune.py - each kernel's time inside the model against its time alone.

    tessera compile M.onnx --target cpu --tune -o M.so > tune.log
    tessera run M.so --backend cpu --input input=X.npy --threads T --repeat N --profile > profile.txt
    /usr/bin/python3 bench/profile_vs_tune.py tune.log profile.txt --column K

`tune.log` holds `tune` lines (`tune k2_conv: default 1.097/0.603 ms, ... -> default
(threads 1/2)`): the kernel timer's fastest call of each schedule on each of --tune's
thread counts. `profile.txt` holds `tessera run --profile` step lines (`2  0.883 ms
7.2%  k2_conv  Conv+Relu ...`): the mean time of each kernel inside the model. For every
kernel in both, prints the in-model time, the timer's time for the schedule --tune kept
on thread count number K (0: the first, 1 thread by default; 1: the second), their ratio
and the schedule, then the sums over those kernels. Kernels that --tune did not time
(one distinct lowering) are left out of both sums, as are steps the model skips (0 ms:
Concats whose inputs were written in place).
"""
import argparse
import re
import sys

TUNE_LINE = re.compile(r"tune (k\d+)_\w+: (.*) -> (.*) \(threads [\d/]+\)$")
TIMED_SCHEDULE = re.compile(r"(.*) ([\d./]+) ms$")
PROFILE_STEP = re.compile(r"\s*\d+\s+([\d.]+) ms\s+[\d.]+%\s+(k\d+)_\S+\s+(\S+)\s+(\S+)")


def kept_times(path, column):
    """kernel -> (timed ms of the kept schedule, its label), from the tune lines."""
    kept = {}
    with open(path) as log:
        for number, line in enumerate(log, 1):
            match = TUNE_LINE.match(line.strip())
            if not match:
                continue
            kernel, schedules, choice = match.groups()
            for schedule in re.split(r"(?<= ms), ", schedules):
                timed = TIMED_SCHEDULE.match(schedule)
                if not timed:
                    sys.exit(f"{path}:{number}: cannot read the schedule '{schedule}'")
                label, times = timed.group(1), timed.group(2).split("/")
                if label == choice:
                    if column >= len(times):
                        sys.exit(f"{path}:{number}: no thread count number {column} (the line has {len(times)})")
                    kept[kernel] = (float(times[column]), label)
    return kept


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("tune_log")
    parser.add_argument("profile")
    parser.add_argument("--column", type=int, default=0, help="which of --tune's thread counts (0: the first)")
    args = parser.parse_args()
    kept = kept_times(args.tune_log, args.column)
    if not kept:
        sys.exit(f"{args.tune_log}: no `tune kN_...: ... -> ...` lines")
    in_model = alone = 0.0
    rows = skipped = 0
    with open(args.profile) as profile:
        for line in profile:
            step = PROFILE_STEP.match(line)
            if not step or step.group(2) not in kept:
                continue
            ms, kernel, op, shape = float(step.group(1)), step.group(2), step.group(3), step.group(4)
            if ms == 0:
                skipped += 1
                continue
            timed, label = kept[kernel]
            in_model += ms
            alone += timed
            rows += 1
            print(f"{kernel:5} {op:18} {shape:16} in_model={ms:.3f} alone={timed:.3f} ratio={ms / timed:.2f}  {label}")
    if rows == 0:
        sys.exit(f"{args.profile}: no profile step of a kernel the tune log timed")
    print(f"kernels={rows} skipped={skipped} in_model_ms={in_model:.3f} alone_ms={alone:.3f} "
          f"ratio={in_model / alone:.3f}")


if __name__ == "__main__":
    main()
