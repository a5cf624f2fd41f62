#!/usr/bin/env python3
"""The digits CNN from Python: compile, int8 accuracy, cycles per layer.

    PYTHONPATH=build/python python3 examples/python/digits.py [--backend functional]
        [--config configs/default.json] [--svg digits_cycles.svg]

Compiles examples/models/digits_cnn.onnx for the accelerator (calibrated on
examples/models/digits_calib), runs every held-out image (digits_test_x.npy) in one
run_batch call, prints the int8 top-1 accuracy and the time per input, then runs one
image on the cycle-accurate SystemC model and plots its cycles per layer to an SVG
(when matplotlib is installed). docs/python.md walks through it.
"""
import argparse
import pathlib
import time

import numpy as np

import tessera

ROOT = pathlib.Path(__file__).resolve().parents[2]
MODELS = ROOT / "examples" / "models"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="functional", help="backend of the accuracy run")
    parser.add_argument("--config", default=str(ROOT / "configs" / "default.json"), help="hardware config")
    parser.add_argument("--svg", default="digits_cycles.svg", help="where the cycles-per-layer plot goes")
    return parser.parse_args()


def evaluate(artifact, backend):
    """Top-1 accuracy of the int8 model over the held-out images, and seconds per image."""
    images = np.load(MODELS / "digits_test_x.npy")
    labels = np.load(MODELS / "digits_test_y.npy")
    batch = [{"input": images[i:i + 1]} for i in range(len(images))]
    start = time.perf_counter()
    outputs, _ = artifact.run_batch(batch, backend=backend)
    seconds = time.perf_counter() - start
    predictions = np.array([int(np.argmax(out["logits"])) for out in outputs])
    return float(np.mean(predictions == labels)), seconds, len(images)


def plot_cycles(report, path):
    """A bar per accelerator layer (segment) of a cycle-level run, written as SVG."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no plot")
        return
    names = [segment["name"] for segment in report.segments]
    cycles = [segment["cycles"] for segment in report.segments]
    figure, axes = plt.subplots(figsize=(8, 0.4 * len(names) + 1.5))
    axes.barh(range(len(names)), cycles)
    axes.set_yticks(range(len(names)), names)
    axes.invert_yaxis()
    axes.set_xlabel("cycles")
    axes.set_title(f"digits CNN on {report.backend}: {report.total_cycles} cycles ({report['config']['name']})")
    figure.tight_layout()
    figure.savefig(path, format="svg")
    print(f"wrote {path}")


def main():
    args = parse_args()
    config = tessera.Config.load(args.config)
    start = time.perf_counter()
    artifact = tessera.compile(str(MODELS / "digits_cnn.onnx"), target="accel", config=config,
                               calibrate=str(MODELS / "digits_calib"))
    print(f"compiled for {config.name} ({config.hash}) in {time.perf_counter() - start:.2f} s")
    accuracy, seconds, count = evaluate(artifact, args.backend)
    print(f"int8 top-1 on {args.backend}: {100 * accuracy:.2f}% of {count} images, "
          f"{seconds:.3f} s ({1000 * seconds / count:.3f} ms per input)")
    image = np.load(MODELS / "digits_test_x.npy")[:1]
    _, report = artifact.run({"input": image}, backend="systemc")
    print(f"systemc: {report.total_cycles} cycles, {report.energy['total_uj']:.4g} uJ")
    for segment in report.segments:
        print(f"  {segment['name']:<40} {segment['op']:<14} {segment['cycles']:>8} cycles")
    plot_cycles(report, args.svg)
    if accuracy < 0.9:
        raise SystemExit(f"int8 accuracy {accuracy:.3f} is below 0.9")


if __name__ == "__main__":
    main()
