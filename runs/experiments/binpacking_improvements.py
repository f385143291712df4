"""Used for BENCHMARKS.md section 0.7 (fifteenth session, 2026-12-08): where OVLR's improvements
come from in one bin-packing run (keys:fill, 10,000 evaluations, optimizer seed 0): the evaluations
each kind of ask took, the bin-count drops (evaluation, bins above the bound, kind of ask) and the
improvements that left the bin count unchanged (count and median size by kind of ask), e.g.

    python runs/experiments/binpacking_improvements.py uniform 500 101 ""
    python runs/experiments/binpacking_improvements.py uniform 500 101 "{}"

The last argument is a variant of ``arbiter_trial.py`` ("" the default).
"""

from __future__ import annotations

import math
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from arbiter_trial import parts  # noqa: E402

from ovlr_bbo.optimizers import make_optimizer  # noqa: E402
from ovlr_bbo.problems.binpacking import triplet_instance, uniform_instance  # noqa: E402
from ovlr_bbo.problems.binpacking_ioh import binpacking  # noqa: E402


def main(family: str, items: int, generator_seed: int, variant: str) -> None:
    instance = {"triplet": triplet_instance, "uniform": uniform_instance}[family](
        items, generator_seed)
    packing = binpacking(instance, "keys", "fill")
    optimizer = make_optimizer("ovlr", packing.space, seed=0, budget=10_000,
                               parts=parts(variant))
    spent: dict[str, int] = defaultdict(int)
    small: dict[str, list[float]] = defaultdict(list)
    drops, best, used = [], math.inf, 0
    while used < 10_000 and best >= instance.lower_bound + 1:
        candidates = optimizer.ask()
        kind = type(optimizer._pending[max(optimizer._pending)][1]).__name__
        losses = packing.problem.objective(np.clip(candidates, 0, 1))
        optimizer.tell(candidates, losses)
        spent[kind] += len(losses)
        new = float(losses.min())
        if new < best:
            if math.isfinite(best) and math.floor(new) == math.floor(best):
                small[kind].append(best - new)
            else:
                drops.append((used + int(np.argmin(losses)) + 1,
                              math.floor(new) - instance.lower_bound, kind))
            best = new
        used += len(losses)
    print(f"{instance.name} [{variant or 'default'}]: {used} evaluations, "
          f"{math.floor(best) - instance.lower_bound} bins above the bound")
    print("  evaluations by kind of ask:", dict(spent))
    print("  bin-count drops (evaluation, bins above, kind):", drops)
    for kind, sizes in small.items():
        print(f"  {kind}: {len(sizes)} improvements within a bin count, median size "
              f"{np.median(sizes):.2g}")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
