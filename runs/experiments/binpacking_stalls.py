"""Used for BENCHMARKS.md section 0.7 (seventeenth session, 2026-12-08): when the default's
strict improvements of the elite come in bin-packing runs (keys:fill, 10,000 evaluations,
stopping at the optimum), and the longest stall (evaluations between two strict improvements,
or from the last one to the end of a failed run) against the evaluation it started at:

    python runs/experiments/binpacking_stalls.py 60 100 119 0 1
    python runs/experiments/binpacking_stalls.py 120 100 119 0 0

Arguments: triplet items, first and last generator seed, first and last optimizer seed.
"""

from __future__ import annotations

import math
import sys

import numpy as np

from ovlr_bbo.optimizers import make_optimizer
from ovlr_bbo.problems.binpacking import triplet_instance
from ovlr_bbo.problems.binpacking_ioh import binpacking


def improvements(items: int, generator_seed: int, seed: int) -> tuple[bool, int, list[int]]:
    """Whether the run reached the optimum, its evaluations and those that improved."""
    instance = triplet_instance(items, generator_seed)
    packing = binpacking(instance, "keys", "fill")
    optimizer = make_optimizer("ovlr", packing.space, seed=seed, budget=10_000)
    best, spent, improved = math.inf, 0, []
    while spent < 10_000 and best >= instance.lower_bound + 1:
        candidates = optimizer.ask()
        losses = packing.problem.objective(np.clip(candidates, 0, 1))
        for loss in losses:
            spent += 1
            if loss < best:
                best = loss
                improved.append(spent)
        optimizer.tell(candidates, losses)
    return best < instance.lower_bound + 1, spent, improved


def main(items: int, first: int, last: int, first_seed: int, last_seed: int) -> None:
    for generator_seed in range(first, last + 1):
        for seed in range(first_seed, last_seed + 1):
            solved, spent, improved = improvements(items, generator_seed, seed)
            ends = [*improved[1:], *([] if solved else [spent])]
            stalls = [(start, end - start) for start, end in zip(improved, ends, strict=False)]
            start, length = max(stalls, key=lambda s: s[1]) if stalls else (0, 0)
            print(f"triplet{items}-s{generator_seed} seed {seed}: "
                  f"{'optimum' if solved else 'missed'} after {spent} evaluations, "
                  f"{len(improved)} improvements, the last at {improved[-1]}; longest stall "
                  f"{length} from evaluation {start}", flush=True)


if __name__ == "__main__":
    main(*map(int, sys.argv[1:6]))
