#!/usr/bin/env python3
"""Times the Python API on the digits CNN (the goals of docs/python.md).

    PYTHONPATH=build/python python3 bench/python/digits_timing.py [--repeat 200]

1. artifact.run on `functional` in a Python loop, one image per call, with and without
   the report: the median and mean milliseconds per call (goal: <= 2 ms).
2. The int8 accuracy over every held-out image in one run_batch call (goal: <= 5 s).
"""
import argparse
import pathlib
import statistics
import time

import numpy as np

import tessera

ROOT = pathlib.Path(__file__).resolve().parents[2]
MODELS = ROOT / "examples" / "models"


def time_loop(artifact, images, repeat, report):
    times = []
    for i in range(repeat):
        start = time.perf_counter()
        artifact.run({"input": images[i % len(images)][None]}, backend="functional", report=report)
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times), 1000 * statistics.fmean(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    artifact = tessera.compile(str(MODELS / "digits_cnn.onnx"), config=str(ROOT / "configs" / "default.json"),
                               calibrate=str(MODELS / "digits_calib"))
    images, labels = np.load(MODELS / "digits_test_x.npy"), np.load(MODELS / "digits_test_y.npy")
    artifact.run({"input": images[:1]}, report=False)  # opens the functional runner
    for report in (True, False):
        median, mean = time_loop(artifact, images, args.repeat, report)
        print(f"artifact.run, functional, report={report}: median {median:.3f} ms, mean {mean:.3f} ms "
              f"per input ({args.repeat} calls)")
    start = time.perf_counter()
    outputs, _ = artifact.run_batch([{"input": images[i:i + 1]} for i in range(len(images))])
    seconds = time.perf_counter() - start
    accuracy = np.mean([int(np.argmax(out["logits"])) == int(label) for out, label in zip(outputs, labels)])
    print(f"int8 accuracy over {len(images)} images in one run_batch call: {100 * accuracy:.2f}% in {seconds:.3f} s")


if __name__ == "__main__":
    main()
