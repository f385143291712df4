"""Used for BENCHMARKS.md section 0.5 (fourteenth session, 2026-12-07): the generator engine's
time per evaluation (ask + tell, timed in-process) on BBOB f1 at d = 500, instance 6, 30,000
evaluations, with and without an expensive function evaluated between each ask and tell (BBOB
f10's rotation, about 0.2 ms a point in ioh, which evicts the caches), e.g.

    OMP_NUM_THREADS=1 python runs/experiments/cold_cache_overhead.py none f10 none f10

Each argument is one fresh process's measurement (warm: the second of two runs).
"""

from __future__ import annotations

import subprocess
import sys
import time

import ioh
import numpy as np

from ovlr_bbo.generator_search import GeneratorSearch
from ovlr_bbo.spaces import Box


def microseconds_per_evaluation(between: str, evaluations: int = 30_000) -> float:
    told = ioh.get_problem(1, 6, 500, ioh.ProblemClass.BBOB)
    other = ioh.get_problem(10, 6, 500, ioh.ProblemClass.BBOB) if between == "f10" else None
    opt = GeneratorSearch(Box(-5, 5, dimension=500), seed=0)
    spent = 0.0
    while opt.evaluations < evaluations:
        start = time.perf_counter()
        X = opt.ask()
        spent += time.perf_counter() - start
        points = np.asarray(X, dtype=float)
        if other is not None:
            other(points)
        losses = np.asarray(told(points), dtype=float)
        start = time.perf_counter()
        opt.tell(X, losses)
        spent += time.perf_counter() - start
    return 1e6 * spent / opt.evaluations


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        microseconds_per_evaluation(sys.argv[2])
        print(f"{microseconds_per_evaluation(sys.argv[2]):.1f}")
        return
    for between in sys.argv[1:]:
        if between not in ("none", "f10"):
            raise SystemExit(f"unknown setting {between!r}: use none or f10")
        result = subprocess.run([sys.executable, __file__, "--one", between], check=True,
                                capture_output=True, text=True).stdout.strip()
        print(f"between ask and tell: {between:4s}  {result} us per evaluation")


if __name__ == "__main__":
    main()
