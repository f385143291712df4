"""Used for BENCHMARKS.md section 0.7 (sixteenth session, 2026-12-08): one OVLR run on a generated
bin-packing instance (keys:fill, 10,000 evaluations), printing every 1,000 evaluations the best's
bins above the bound, sigma, the output bound and the share of the policy's keys at it, e.g.

    python runs/experiments/binpacking_trace.py uniform 500 107 0
    python runs/experiments/binpacking_trace.py uniform 500 107 0 "{'output_bound': None}"

The last argument is a dict of OVLR settings ("" or absent: the default).
"""

from __future__ import annotations

import ast
import sys

import numpy as np

from ovlr_bbo.optimizers import make_optimizer
from ovlr_bbo.problems.binpacking import triplet_instance, uniform_instance
from ovlr_bbo.problems.binpacking_ioh import binpacking

BUDGET = 10_000


def main(family: str, items: int, generator_seed: int, seed: int, settings: str = "") -> None:
    instance = {"uniform": uniform_instance, "triplet": triplet_instance}[family](
        items, generator_seed)
    packing = binpacking(instance, "keys", "fill")
    optimizer = make_optimizer("ovlr", packing.space, seed=seed, budget=BUDGET,
                               **(ast.literal_eval(settings) if settings else {}))
    used, best, report_at = 0, np.inf, 0
    while used < BUDGET:
        candidates = optimizer.ask()
        losses = packing.problem.objective(np.clip(candidates, 0, 1))
        optimizer.tell(candidates, losses)
        used += len(losses)
        best = min(best, float(losses.min()))
        if best < instance.lower_bound + 1:
            print(f"at the bound after {used} evaluations")
            return
        if used >= report_at:
            report_at += 1_000
            keys = optimizer.learnable_output()
            bound = None if optimizer.output_bound is None else \
                optimizer.output_bound * optimizer.control.sigma
            at_bound = np.nan if bound is None else float(np.mean(np.isclose(np.abs(keys), bound)))
            print(f"{used:6d} evaluations: {best - instance.lower_bound:.6f} above the bound, "
                  f"sigma {optimizer.control.sigma:.3g}, output bound {bound}, "
                  f"keys at it {at_bound:.2f}", flush=True)
    print(f"{used} evaluations: {math_floor(best) - instance.lower_bound} bins above the bound")


def math_floor(value: float) -> int:
    return int(np.floor(value))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), *sys.argv[5:6])
