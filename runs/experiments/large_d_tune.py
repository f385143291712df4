"""Used for BENCHMARKS.md section 0.5 (twelfth session, 2026-12-07): the generator engine at
large d against pycma's and sep-CMA's final values, counted as issue 14's target 3 counts them
(OVLR's final gap below both peers'; both at the 1e-8 target counts too), on tuning instances.

The peers' finals come from a CSV of `generator_bbob.py --large` (run once), e.g.

    python runs/experiments/generator_bbob.py --large --dims 100 --instances 1-5 --budget 100 \
        --optimizers cma sep --out /tmp/peers100.csv
    python runs/experiments/large_d_tune.py 100 1-24 1-5 /tmp/peers100.csv "" "popsize=17" \
        "bounds=penalty" "bounds=fold,bound_penalty=3"

Each variant is a comma-separated list of GeneratorSearch options ("" is the default); seed 0,
100 d evaluations, two worker processes. Prints the wins per variant and per function.
"""

from __future__ import annotations

import csv
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generator_bbob import parse_options, parse_range, run_one  # noqa: E402


def final(task: tuple[str, int, int, int]) -> float:
    spec, fid, instance, d = task
    return run_one("gen", fid, instance, d, 0, 100 * d, parse_options(spec))["final"]


def main(final: Callable[[tuple[str, int, int, int]], float] = final) -> None:
    """Counts per variant; ``final`` runs one (spec, function, instance, d) task (module-level:
    it goes to worker processes)."""
    d, fids, instances = int(sys.argv[1]), parse_range(sys.argv[2]), parse_range(sys.argv[3])
    peers: dict[tuple[int, int], float] = {}
    for row in csv.DictReader(open(sys.argv[4])):
        if row["optimizer"] in ("cma", "sep") and int(row["d"]) == d:
            key = (int(row["fid"]), int(row["instance"]))
            peers[key] = min(peers.get(key, np.inf), float(row["final"]))
    for spec in sys.argv[5:]:
        tasks = [(spec, f, i, d) for f in fids for i in instances if (f, i) in peers]
        start = time.time()
        with ProcessPoolExecutor(2) as pool:
            finals = list(pool.map(final, tasks))
        per_function: dict[int, int] = {f: 0 for f in fids}
        for (_, f, i, _), value in zip(tasks, finals, strict=True):
            peer = peers[(f, i)]
            per_function[f] += bool(value < peer or (value < 1e-8 and peer < 1e-8))
        print(f"[{spec}] ahead of both on {sum(per_function.values())} of {len(tasks)} "
              f"({time.time() - start:.0f} s); per function: "
              + " ".join(f"f{f} {n}" for f, n in per_function.items()), flush=True)


if __name__ == "__main__":
    main()
