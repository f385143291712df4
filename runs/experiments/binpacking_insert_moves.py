"""Used for BENCHMARKS.md section 0.7 (sixteenth session, 2026-12-08): the default OVLR on
generated bin packing (keys:fill, 10,000 evaluations) with *insert* moves on the keys instead of
swaps (move item i just before item j in key order: n (n - 1) moves), counting the runs at the
optimum, e.g.

    python runs/experiments/binpacking_insert_moves.py triplet 60 100 119 0 1
"""

from __future__ import annotations

import sys

import numpy as np

from ovlr_bbo.optimizers import make_optimizer
from ovlr_bbo.problems.binpacking import triplet_instance, uniform_instance
from ovlr_bbo.problems.binpacking_ioh import binpacking
from ovlr_bbo.spaces import RandomKeys

BUDGET = 10_000


class InsertKeys(RandomKeys):
    """Random keys whose single move puts one item just before another in key order."""

    def __init__(self, n: int):
        super().__init__(n)
        i, j = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
        self._inserts = np.stack([i.ravel(), j.ravel()], axis=1)[(i != j).ravel()]

    def moves(self, output: np.ndarray) -> np.ndarray:
        return self._inserts

    def move_count(self, output: np.ndarray) -> int:
        return len(self._inserts)

    def apply_move(self, output: np.ndarray, move: tuple[int, int], step: float) -> np.ndarray:
        keys = np.array(output, dtype=float)
        item, before = int(move[0]), int(move[1])
        lower = keys < keys[before]
        lower[item] = False
        predecessor = keys[lower].max() if lower.any() else keys[before] - 1.0
        keys[item] = (keys[before] + predecessor) / 2
        return keys


def main(family: str, items: int, first: int, last: int, seed_first: int,
         seed_last: int) -> None:
    make = {"triplet": triplet_instance, "uniform": uniform_instance}[family]
    hits = 0
    for generator_seed in range(first, last + 1):
        instance = make(items, generator_seed)
        problem = binpacking(instance, "keys", "fill").problem
        for seed in range(seed_first, seed_last + 1):
            optimizer = make_optimizer("ovlr", InsertKeys(items), seed=seed, budget=BUDGET)
            used, best = 0, np.inf
            while used < BUDGET and best >= instance.lower_bound + 1:
                candidates = optimizer.ask()
                losses = problem.objective(np.clip(candidates, 0, 1))
                optimizer.tell(candidates, losses)
                used += len(losses)
                best = min(best, float(losses.min()))
            hits += best < instance.lower_bound + 1
    runs = (last - first + 1) * (seed_last - seed_first + 1)
    print(f"{family} {items}, instances {first}-{last}, seeds {seed_first}-{seed_last}, "
          f"insert moves: {hits} of {runs} runs at the optimum")


if __name__ == "__main__":
    main(sys.argv[1], *map(int, sys.argv[2:7]))
