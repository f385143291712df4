"""Used for BENCHMARKS.md section 0.5 (seventeenth session, 2026-12-08): a fingerprint of the
generator engine's runs, to show that a change of its code leaves every run the same. Each line
is one run (BBOB function, instance 1, dimension, budget, settings; the last an unbounded 7-D
sphere with its optimum at 10): a hash of every point asked, the restarts made and the best
value. Restarts (IPOP, BIPOP, none), CSA, TPA, the xNES scale rule and the learned directions
(d = 500) are all on some line. Run it on two trees and compare the outputs:

    OMP_NUM_THREADS=1 python runs/experiments/generator_same_runs.py
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import ioh
import numpy as np

from ovlr_bbo.generator_search import GeneratorSearch
from ovlr_bbo.spaces import Box

CASES = [(23, 5, 20000, {}), (19, 5, 20000, {"restarts": "bipop"}), (10, 20, 8000, {}),
         (15, 100, 6000, {}), (8, 500, 3000, {}), (1, 5, 3000, {"step_size": "xnes"}),
         (3, 5, 8000, {"restarts": "none"})]


def fingerprint(opt: GeneratorSearch, objective: Callable[[np.ndarray], np.ndarray],
                budget: int) -> str:
    digest = hashlib.sha256()
    while opt.evaluations < budget:
        X = opt.ask()
        digest.update(np.ascontiguousarray(X).tobytes())
        opt.tell(X, objective(np.asarray(X, dtype=float)))
    return digest.hexdigest()[:16]


def main() -> None:
    for fid, d, budget, settings in CASES:
        problem = ioh.get_problem(fid, 1, d, ioh.ProblemClass.BBOB)
        opt = GeneratorSearch(Box(-5, 5, dimension=d), seed=3, **settings)
        digest = fingerprint(opt, lambda X, p=problem: np.asarray(p(X), dtype=float), budget)
        print(f"f{fid} d={d} {settings}: {digest}, {opt.run.index} restarts, "
              f"best {opt.best.score!r}")
    sphere = GeneratorSearch(Box(dimension=7), seed=1)
    print("unbounded sphere:", fingerprint(sphere, lambda X: ((X - 10) ** 2).sum(1), 4000))


if __name__ == "__main__":
    main()
