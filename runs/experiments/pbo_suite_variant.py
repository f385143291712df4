"""Used for BENCHMARKS.md (seventeenth session, 2026-12-08): OVLR on the PBO suite's problems
(f1-f23 and f25, instances 1-5, one seed, ``budget`` n evaluations) with the default parts or
with a trial part of ``arbiter_trial.py`` in front of them, run directly (no bench runner):
per problem the runs that found the optimum and the mean best value, e.g.

    OMP_NUM_THREADS=1 python runs/experiments/pbo_suite_variant.py 64 100 0 ""
    OMP_NUM_THREADS=1 python runs/experiments/pbo_suite_variant.py 64 100 0 \\
        "{'stall':1,'after':16,'moves':1,'share':3}"
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import ioh
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from arbiter_trial import parts  # noqa: E402

from ovlr_bbo.optimizers import make_optimizer  # noqa: E402
from ovlr_bbo.spaces import Binary  # noqa: E402

FUNCTIONS = [*range(1, 24), 25]


def main(n: int, budget_per_n: int, seed: int, variant: str) -> None:
    budget, start = budget_per_n * n, time.time()
    total, rows = 0, []
    for fid in FUNCTIONS:
        solved, finals = 0, []
        for instance in range(1, 6):
            problem = ioh.get_problem(fid, instance, n, ioh.ProblemClass.PBO)
            optimizer = make_optimizer("ovlr", Binary(n), seed=seed, maximize=True,
                                       budget=budget, parts=parts(variant))
            used = 0
            while used < budget and not problem.state.optimum_found:
                candidates = optimizer.ask()
                take = min(len(candidates), budget - used)
                values = np.asarray(problem(np.asarray(candidates[:take], dtype=int)), float)
                used += take
                if take == len(candidates):
                    optimizer.tell(candidates, values)
            solved += int(problem.state.optimum_found)
            finals.append(problem.state.current_best.y)
        total += solved
        rows.append(f"f{fid} {solved}/5 {np.mean(finals):.4g}")
    print(f"n = {n}, {budget_per_n} n, seed {seed}, {variant or 'default'}: {total}/120 "
          f"({time.time() - start:.0f} s)")
    print("  " + "; ".join(rows), flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
