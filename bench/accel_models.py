#!/usr/bin/python3
"""accel_models.py - ResNet-18, MobileNetV2 and SqueezeNet 1.1 on the accelerator.

    /usr/bin/python3 bench/accel_models.py [--build DIR] [--models DIR] [--config FILE]
        [--calibrate random:N] [--backend systemc] [--models-list resnet18,...]

For each torchvision model (scripts/export_models.py, fp32, batch 1): quantizes it with
`tessera quantize` (the calibration is not part of the compile time), times
`tessera compile --target accel` from the int8 graph, runs the binary on the chosen
backend with `--reference` (outputs must be bit-identical to the interpreter) and prints

    <model> compile_s=<s> total_cycles=<n> sim_wall_s=<s> gemm_util=<whole run>
        conv3x3_util_min=<lowest 3x3 conv layer> conv3x3_layers_below_90=<count>

then, for ResNet-18, the per-layer cycles with 1 and 2 virtual threads (both binaries
run on the same backend) and the ratio.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(cmd):
    result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if result.returncode != 0:
        sys.exit(f"failed ({result.returncode}): {' '.join(cmd)}\n{result.stdout}")
    return result.stdout


def conv3x3_layers(graph_text):
    """Names of the QConv nodes with a 3x3 kernel in the int8 graph text."""
    names = set()
    for line in graph_text.splitlines():
        if "= QConv(" in line and "kernel_shape = [3, 3]" in line and re.search(r"group = 1[,}]", line):
            match = re.search(r'loc\("([^"]*)"\)', line)
            if match:
                names.add(match.group(1))
    return names


def compile_model(tessera, graph, config, out, threads):
    start = time.monotonic()
    run([tessera, "compile", graph, "--target", "accel", "--config", config, "-o", out,
         "--virtual-threads", str(threads)])
    return time.monotonic() - start


def simulate(tessera, binary, backend, image, graph, report):
    run([tessera, "run", binary, "--backend", backend, "--input", f"input={image}", "--reference", graph,
         "--report", report])
    with open(report) as f:
        return json.load(f)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--models", default=None, help="folder with <model>.onnx and <model>.input.npy")
    parser.add_argument("--config", default=os.path.join(ROOT, "configs", "default.json"))
    parser.add_argument("--calibrate", default="random:4")
    parser.add_argument("--backend", default="systemc")
    parser.add_argument("--models-list", default="resnet18,mobilenet_v2,squeezenet1_1")
    args = parser.parse_args()
    tessera = os.path.join(args.build, "bin", "tessera")
    models = args.models or os.path.join(args.build, "models")
    work = os.path.join(args.build, "bench-accel")
    os.makedirs(work, exist_ok=True)
    names = args.models_list.split(",")
    if not all(os.path.exists(os.path.join(models, f"{n}.onnx")) for n in names):
        run([sys.executable, os.path.join(ROOT, "scripts", "export_models.py"), "--out", models])
    reports = {}
    for name in names:
        onnx = os.path.join(models, f"{name}.onnx")
        image = os.path.join(models, f"{name}.input.npy")
        graph = os.path.join(work, f"{name}.q.tg")
        run([tessera, "quantize", onnx, "--calibrate", args.calibrate, "-o", graph])
        binary = os.path.join(work, f"{name}.tsb")
        compile_s = compile_model(tessera, graph, args.config, binary, 2)
        report = simulate(tessera, binary, args.backend, image, graph, os.path.join(work, f"{name}.json"))
        with open(graph) as f:
            convs = conv3x3_layers(f.read())
        utils = [s["gemm_utilization"] for s in report["segments"] if s["name"] in convs]
        reports[name] = report
        line = (f"{name} compile_s={compile_s:.2f} total_cycles={report['total_cycles']} "
                f"sim_wall_s={report['simulation']['wall_seconds']:.2f} gemm_util={report['gemm_utilization']:.3f}")
        if utils:
            line += f" conv3x3_util_min={min(utils):.3f} conv3x3_layers_below_90={sum(u < 0.9 for u in utils)}"
        print(line, flush=True)
    if "resnet18" not in names:
        return
    graph = os.path.join(work, "resnet18.q.tg")
    one = os.path.join(work, "resnet18.vt1.tsb")
    compile_model(tessera, graph, args.config, one, 1)
    single = simulate(tessera, one, args.backend, os.path.join(models, "resnet18.input.npy"), graph,
                      os.path.join(work, "resnet18.vt1.json"))
    print("\nresnet18 per-layer cycles, 1 vs 2 virtual threads")
    print(f"{'layer':44} {'op':15} {'vt1':>10} {'vt2':>10} {'vt1/vt2':>8} {'util_vt1':>8} {'util_vt2':>8}")
    for a, b in zip(single["segments"], reports["resnet18"]["segments"]):
        ratio = a["cycles"] / b["cycles"] if b["cycles"] else 0
        print(f"{a['name'][-44:]:44} {a['op']:15} {a['cycles']:>10} {b['cycles']:>10} {ratio:>8.2f} "
              f"{a['gemm_utilization']:>8.3f} {b['gemm_utilization']:>8.3f}")
    print(f"{'total':60} {single['total_cycles']:>10} {reports['resnet18']['total_cycles']:>10} "
          f"{single['total_cycles'] / reports['resnet18']['total_cycles']:>8.2f}")


if __name__ == "__main__":
    main()
