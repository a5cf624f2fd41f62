#!/usr/bin/python3
"""config_grid.py - models x hardware configs: coverage, bit-exactness, cycles, cost model.

bench/config_grid.sh drives it; each step is also a subcommand:

    config_grid.py configs --tessera T --out DIR [--quick]
        derives the grid's configs with `tessera config --derive` into DIR/configs/
        (block sizes 4..64, data buffers x0.25 / x1 / x4, DRAM 4..64 bytes per cycle) and
        writes DIR/configs/index.json: each config's name and the derive arguments, or
        the error of one that `tessera config` rejects (recorded, not fatal).
    config_grid.py point --tessera T --out DIR --config NAME --model NAME --graph Q.tg [--input NAME=X.npy]
        compiles the int8 graph for the config, runs the binary on `functional` and
        `systemc` with --reference (outputs bit-identical to the interpreter) and writes
        DIR/points/CONFIG__MODEL.json: coverage, bit-identity per backend, total cycles,
        and per layer the cost model's estimate next to the SystemC cycles.
    config_grid.py summary --out DIR
        reads every point and writes DIR/summary.json and DIR/summary.csv (one row per
        point), printing per config the coverage, bit-identity and total cycles, and the
        cost model's relative error |estimate - cycles| / cycles over every layer of every
        point: median, p95 and worst.

Standard library only (/usr/bin/python3).
"""
import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import time

# Ops a host may keep without breaking "the accelerator runs the model": the int8
# boundary (quantize the input, dequantize the logits).
BOUNDARY_OPS = ("QuantizeLinear", "DequantizeLinear", "Quantize", "Dequantize")


# Points that also run on the Verilated RTL (rtl/CMakeLists.txt builds a model for these
# shipped configs; --derive block=8 gives configs/block8.json exactly): the 8x8 and the
# 32x32 point, cycle-identical to SystemC.
RTL_POINTS = ("block8", "large")


def grid(quick):
    """(name, derive arguments or a shipped config file) for every point, in run order."""
    if quick:
        return [
            ("block8", ["block=8"]),
            ("block16", ["block=16"]),
            ("block16-x0.25-dram4", ["block=16", "--scale-buffers", "0.25", "--set", "dram_bytes_per_cycle=4"]),
            ("large", "configs/large.json"),
        ]
    points = []
    for block in (4, 8, 16, 32, 64):
        for scale in ("0.25", "1", "4"):
            args = [f"block={block}"] + ([] if scale == "1" else ["--scale-buffers", scale])
            points.append((f"block{block}" + ("" if scale == "1" else f"-x{scale}"), args))
    for block, dram in ((16, 4), (16, 8), (16, 32), (16, 64), (8, 64), (64, 16)):
        args = [f"block={block}", "--set", f"dram_bytes_per_cycle={dram}"]
        if dram > 16 * block:  # the derived burst (16 x block) must hold a cycle's bytes
            args += ["--set", f"dram_burst_bytes={dram}"]
        points.append((f"block{block}-dram{dram}", args))
    points.append(("large", "configs/large.json"))
    return points


def run(cmd, timeout=None):
    """(exit status, stdout+stderr) of a command."""
    try:
        result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return 124, f"timed out after {timeout} s: {' '.join(cmd)}"
    return result.returncode, result.stdout


def last_error(text):
    lines = [line for line in text.splitlines() if "error" in line]
    return (lines[-1] if lines else text.strip().splitlines()[-1] if text.strip() else "").strip()


def write_json(path, value):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(value, f, indent=1)
        f.write("\n")
    os.replace(tmp, path)  # a point's file appears only complete (resume relies on it)


def cmd_configs(args):
    folder = os.path.join(args.out, "configs")
    os.makedirs(folder, exist_ok=True)
    index = []
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for name, derive in grid(args.quick):
        path = os.path.join(folder, name + ".json")
        if isinstance(derive, str):  # a shipped config, checked by `tessera config` and copied
            status, text = run([args.tessera, "config", os.path.join(root, derive)])
            if status == 0:
                with open(os.path.join(root, derive)) as f:
                    text = f.read()
                with open(path, "w") as f:
                    f.write(text)
        else:
            cmd = [args.tessera, "config", "--derive"] + derive + ["--name", name, "-o", path]
            status, text = run(cmd)
        entry = {"name": name, "derive": derive, "path": path if status == 0 else None}
        if status != 0:
            entry["error"] = last_error(text)
            print(f"config {name}: rejected: {entry['error']}", flush=True)
        index.append(entry)
    write_json(os.path.join(folder, "index.json"), index)
    ok = sum(1 for e in index if e["path"])
    print(f"configs: {ok} of {len(index)} derived into {folder}", flush=True)


def coverage_ok(coverage):
    host = [op for op in coverage.get("host_ops", []) if op not in BOUNDARY_OPS]
    return coverage.get("accel_mac_fraction", 0.0) >= 1.0 and not host


def layer_rows(report):
    rows = []
    for segment in report.get("segments", []):
        if "estimated_cycles" not in segment:
            continue
        cycles, estimate = segment["cycles"], segment["estimated_cycles"]
        rows.append({"name": segment["name"], "op": segment["op"], "cycles": cycles, "estimated_cycles": estimate,
                     "rel_error": (estimate - cycles) / cycles if cycles else None})
    return rows


def run_backend(args, binary, backend, report_path):
    cmd = [args.tessera, "run", binary, "--backend", backend, "--reference", args.graph, "--report", report_path]
    cmd += ["--input", args.input] if args.input else ["--random-inputs", "1"]
    start = time.monotonic()
    status, text = run(cmd, timeout=args.timeout)
    result = {"seconds": round(time.monotonic() - start, 2), "bit_identical": status == 0 and "bit-identical" in text}
    if status != 0:
        result["error"] = last_error(text)
        return result, None
    with open(report_path) as f:
        return result, json.load(f)


def cmd_point(args):
    points = os.path.join(args.out, "points")
    work = os.path.join(args.out, "work", f"{args.config}__{args.model}")
    os.makedirs(points, exist_ok=True)
    os.makedirs(work, exist_ok=True)
    result = {"config": args.config, "model": args.model}
    config = os.path.join(args.out, "configs", args.config + ".json")
    binary = os.path.join(work, "model.tsb")
    start = time.monotonic()
    status, text = run([args.tessera, "compile", args.graph, "--target", "accel", "--config", config, "-o", binary],
                       timeout=args.timeout)
    result["compile_seconds"] = round(time.monotonic() - start, 2)
    if status != 0:
        result.update(status="compile_failed", error=last_error(text))
        write_json(os.path.join(points, f"{args.config}__{args.model}.json"), result)
        return
    backends = ("functional", "systemc") + (("rtl",) if args.config in RTL_POINTS and not args.no_rtl else ())
    for backend in backends:
        run_result, report = run_backend(args, binary, backend, os.path.join(work, backend + ".json"))
        result[backend] = run_result
        if report and "coverage" in report:
            result["coverage"] = report["coverage"]
        if backend == "systemc" and report:
            result["total_cycles"] = report.get("total_cycles")
            result["layers"] = layer_rows(report)
            result["estimated_total"] = sum(row["estimated_cycles"] for row in result["layers"])
        if backend == "rtl" and report:
            result["rtl"]["total_cycles"] = report.get("total_cycles")
            result["rtl"]["cycle_identical"] = report.get("total_cycles") == result.get("total_cycles") and [
                s["cycles"] for s in report.get("segments", [])] == [r["cycles"] for r in result.get("layers", [])]
            result["rtl"]["bit_identical"] = result["rtl"]["bit_identical"] and result["rtl"]["cycle_identical"]
    result["coverage_ok"] = coverage_ok(result.get("coverage", {}))
    identical = all(result[b]["bit_identical"] for b in backends)
    result["status"] = "ok" if identical and result["coverage_ok"] else "run_failed" if not identical else "coverage"
    write_json(os.path.join(points, f"{args.config}__{args.model}.json"), result)


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return None
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def cmd_summary(args):
    points_dir = os.path.join(args.out, "points")
    points = []
    for name in sorted(os.listdir(points_dir)) if os.path.isdir(points_dir) else []:
        if name.endswith(".json"):
            with open(os.path.join(points_dir, name)) as f:
                points.append(json.load(f))
    errors = [abs(row["rel_error"]) for p in points for row in p.get("layers", []) if row["rel_error"] is not None]
    rows = []
    for p in points:
        layer_errors = [abs(r["rel_error"]) for r in p.get("layers", []) if r["rel_error"] is not None]
        rows.append({"config": p["config"], "model": p["model"], "status": p["status"],
                     "coverage_ok": p.get("coverage_ok", False),
                     "accel_mac_fraction": p.get("coverage", {}).get("accel_mac_fraction"),
                     "functional_bit_identical": p.get("functional", {}).get("bit_identical", False),
                     "systemc_bit_identical": p.get("systemc", {}).get("bit_identical", False),
                     "rtl_cycle_identical": p["rtl"].get("cycle_identical", False) if "rtl" in p else None,
                     "total_cycles": p.get("total_cycles"), "estimated_total": p.get("estimated_total"),
                     "layers": len(p.get("layers", [])),
                     "median_rel_error": statistics.median(layer_errors) if layer_errors else None,
                     "worst_rel_error": max(layer_errors) if layer_errors else None,
                     "error": p.get("error", "")})
    summary = {"points": rows, "cost_model": {
        "layers": len(errors),
        "median_abs_rel_error": statistics.median(errors) if errors else None,
        "p95_abs_rel_error": percentile(errors, 0.95),
        "worst_abs_rel_error": max(errors) if errors else None}}
    index_path = os.path.join(args.out, "configs", "index.json")
    if os.path.exists(index_path):
        with open(index_path) as f:
            summary["rejected_configs"] = [{"name": e["name"], "error": e["error"]} for e in json.load(f) if "error" in e]
    write_json(os.path.join(args.out, "summary.json"), summary)
    with open(os.path.join(args.out, "summary.csv"), "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0].keys()) if rows else ["config"])
        writer.writeheader()
        writer.writerows(rows)
    print(f"{'config':24} {'model':14} {'status':14} {'cov':>4} {'func':>5} {'sysc':>5} {'cycles':>12} "
          f"{'estimate':>12} {'med_err':>8} {'worst':>8} {'rtl':>4}")
    for r in rows:
        fmt = lambda v, spec: format(v, spec) if v is not None else "-"
        print(f"{r['config']:24} {r['model']:14} {r['status']:14} {'yes' if r['coverage_ok'] else 'no':>4} "
              f"{'yes' if r['functional_bit_identical'] else 'no':>5} {'yes' if r['systemc_bit_identical'] else 'no':>5} "
              f"{fmt(r['total_cycles'], '>12')} {fmt(r['estimated_total'], '>12.0f')} "
              f"{fmt(r['median_rel_error'], '>8.3f')} {fmt(r['worst_rel_error'], '>8.3f')} "
              f"{'-' if r['rtl_cycle_identical'] is None else 'yes' if r['rtl_cycle_identical'] else 'no':>4}")
    for e in summary.get("rejected_configs", []):
        print(f"rejected config {e['name']}: {e['error']}")
    c = summary["cost_model"]
    if errors:
        print(f"cost model over {c['layers']} layers: |relative error| median {c['median_abs_rel_error']:.3f}, "
              f"p95 {c['p95_abs_rel_error']:.3f}, worst {c['worst_abs_rel_error']:.3f}")
    # A point without per-layer estimates means the binary or the report lost them.
    failed = [r for r in rows if r["status"] != "ok" or not r["layers"]]
    if args.check and (failed or not rows):
        sys.exit(f"config_grid: {len(failed)} of {len(rows)} points failed")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    configs = sub.add_parser("configs")
    configs.add_argument("--tessera", required=True)
    configs.add_argument("--out", required=True)
    configs.add_argument("--quick", action="store_true", help="the 3 configs of the quick test")
    point = sub.add_parser("point")
    point.add_argument("--tessera", required=True)
    point.add_argument("--out", required=True)
    point.add_argument("--config", required=True)
    point.add_argument("--model", required=True)
    point.add_argument("--graph", required=True, help="the int8 graph (tessera quantize's .q.tg)")
    point.add_argument("--input", default=None, help="NAME=X.npy (default: --random-inputs 1)")
    point.add_argument("--timeout", type=float, default=1800)
    point.add_argument("--no-rtl", action="store_true", help="skip the rtl backend on the RTL points")
    summary = sub.add_parser("summary")
    summary.add_argument("--out", required=True)
    summary.add_argument("--check", action="store_true",
                         help="exit 1 unless every point is ok and has per-layer estimates")
    args = parser.parse_args()
    {"configs": cmd_configs, "point": cmd_point, "summary": cmd_summary}[args.command](args)


if __name__ == "__main__":
    main()
