"""Used for BENCHMARKS.md section 0.7 (sixteenth session, 2026-12-08): OVLR's own time per
evaluation (ask + tell) on random keys of ``n`` items with a cheap linear objective, e.g.

    OMP_NUM_THREADS=1 python runs/experiments/ordering_overhead.py 200 1000
"""

from __future__ import annotations

import sys
import time

import numpy as np

from ovlr_bbo import OVLR, spaces

EVALUATIONS = 4_000


def main(sizes: list[int]) -> None:
    for n in sizes:
        optimizer = OVLR(spaces.RandomKeys(n), seed=0)
        weights = np.random.default_rng(0).random(n)
        start, used = time.perf_counter(), 0
        while used < EVALUATIONS:
            candidates = optimizer.ask()
            optimizer.tell(candidates, candidates @ weights)
            used += len(candidates)
        per_evaluation = (time.perf_counter() - start) / used * 1e6
        print(f"random keys of {n} items: {per_evaluation:.0f} us per evaluation")


if __name__ == "__main__":
    main([int(n) for n in sys.argv[1:]])
