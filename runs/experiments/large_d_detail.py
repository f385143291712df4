"""Used for BENCHMARKS.md section 0.5 (thirteenth session, 2026-12-07): the generator engine's
final gap per BBOB function and instance at large d, for several option sets, beside pycma's and
sep-CMA's finals from a `generator_bbob.py --large` CSV, e.g.

    python runs/experiments/large_d_detail.py 100 8,10,14 1-2 /tmp/peers100.csv "" \
        "full_max_dim=100"

Seed 0, 100 d evaluations, two worker processes; "" is the default.
"""

from __future__ import annotations

import csv
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generator_bbob import parse_options, parse_range, run_one  # noqa: E402


def final(task: tuple[str, int, int, int]) -> float:
    spec, fid, instance, d = task
    return run_one("gen", fid, instance, d, 0, 100 * d, parse_options(spec))["final"]


def main() -> None:
    d, fids, instances = int(sys.argv[1]), parse_range(sys.argv[2]), parse_range(sys.argv[3])
    peers: dict[tuple[int, int], dict[str, float]] = {}
    for row in csv.DictReader(open(sys.argv[4])):
        if int(row["d"]) == d and row["optimizer"] in ("cma", "sep"):
            key = (int(row["fid"]), int(row["instance"]))
            peers.setdefault(key, {})[row["optimizer"]] = float(row["final"])
    specs = sys.argv[5:]
    tasks = [(s, f, i, d) for s in specs for f in fids for i in instances if (f, i) in peers]
    with ProcessPoolExecutor(2) as pool:
        finals = dict(zip(tasks, pool.map(final, tasks), strict=True))
    for f in fids:
        for i in instances:
            if (f, i) not in peers:
                continue
            known = peers[(f, i)]
            cells = " ".join(f"[{s}] {finals[(s, f, i, d)]:.3g}" for s in specs)
            print(f"f{f} i{i} pycma {known.get('cma', float('nan')):.3g} "
                  f"sep {known.get('sep', float('nan')):.3g} | {cells}")


if __name__ == "__main__":
    main()
