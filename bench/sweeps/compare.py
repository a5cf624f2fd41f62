#!/usr/bin/env python3
"""Compares two sweeps of the same spec on different backends (estimate vs systemc):
per-row cycle error of the first against the second (median, p95, worst, with the worst
rows named), and whether both give the same Pareto front per model.

Usage: bench/sweeps/compare.py ESTIMATE_DIR SYSTEMC_DIR
"""
import json
import sys


def rows(folder):
    with open(f"{folder}/results.json") as f:
        return {(r["point"], r["model"]): r for r in json.load(f)["rows"]}


def percentile(values, q):
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    a, b = rows(sys.argv[1]), rows(sys.argv[2])
    if a.keys() != b.keys():
        sys.exit("the two sweeps have different points or models")
    errors = []
    for key in a:
        if a[key]["status"] != "ok" or b[key]["status"] != "ok":
            continue
        est, ref = a[key]["total_cycles"], b[key]["total_cycles"]
        errors.append((abs(est - ref) / ref, (est - ref) / ref, key))
    errors.sort(reverse=True)
    values = [e[0] for e in errors]
    print(f"rows compared: {len(errors)} (of {len(a)}; the rest failed on either backend)")
    print(f"cycle error of {sys.argv[1]} vs {sys.argv[2]}: median {100 * percentile(values, 0.5):.2f}%, "
          f"p95 {100 * percentile(values, 0.95):.2f}%, worst {100 * values[0]:.2f}%")
    for _, signed, (point, model) in errors[:5]:
        print(f"  {point} {model}: {100 * signed:+.2f}%")
    for model in sorted({m for _, m in a}):
        fa = sorted(p for (p, m), r in a.items() if m == model and r.get("pareto"))
        fb = sorted(p for (p, m), r in b.items() if m == model and r.get("pareto"))
        same = "the same" if fa == fb else "DIFFERENT"
        print(f"pareto front of {model}: {len(fa)} vs {len(fb)} points, {same}")
        if fa != fb:
            print(f"  only in {sys.argv[1]}: {sorted(set(fa) - set(fb))}")
            print(f"  only in {sys.argv[2]}: {sorted(set(fb) - set(fa))}")


if __name__ == "__main__":
    main()
