"""Trace of the generator engine on one BBOB function at large d: best precision, sigma and the
mean's coordinates on a bound, every tenth of the budget. Used for BENCHMARKS.md section 0.5
(2026-12-07), e.g.

    python runs/experiments/large_d_trace.py 500 1 10000 step_size=csa
    python runs/experiments/large_d_trace.py 100 5 10000
    python runs/experiments/large_d_trace.py 500 23 50000 instance=2 popsize=22

(``instance=N``: that BBOB instance instead of 1; the other settings go to the engine.)
"""

from __future__ import annotations

import math
import sys

import ioh
import numpy as np

from ovlr_bbo.generator_search import GeneratorSearch
from ovlr_bbo.spaces import Box


def main(d: int, fid: int, budget: int, options: dict) -> None:
    instance = int(options.pop("instance", 1))
    problem = ioh.get_problem(fid, instance, d, ioh.ProblemClass.BBOB)
    opt = GeneratorSearch(Box(-5, 5, dimension=d), seed=0, **options)
    best, next_report = math.inf, budget // 10
    while opt.evaluations < budget:
        X = opt.ask()
        values = np.asarray(problem(X))
        opt.tell(X, values)
        best = min(best, float(values.min() - problem.optimum.y))
        if opt.evaluations >= next_report:
            mean = opt.policy.mean.detach().numpy()
            print(f"{opt.evaluations:6d}  best {best:.4g}  sigma {opt.sigma:.3g}  "
                  f"mean on a bound {int((np.abs(mean) >= 1).sum())} of {d}")
            next_report += budget // 10


if __name__ == "__main__":
    settings: dict = {}
    for arg in sys.argv[4:]:
        key, value = arg.split("=")
        try:
            settings[key] = float(value)
        except ValueError:
            settings[key] = value
    main(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), settings)
