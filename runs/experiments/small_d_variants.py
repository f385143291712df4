"""Variants of the generator engine measured and dropped at small d (BENCHMARKS.md section 0.5,
2026-12-07): BBOB f15, f19, f20, f22, f23 at d = 5, instances 1-5, seed 0, 10,000 d evaluations;
prints the runs solved to 1e-8 per variant.

    python runs/experiments/small_d_variants.py default,per-coordinate,pycma-stagnation,half-stagnation

``per-coordinate``: the bound penalty averaged over clipped coordinates (the engine's rule from
d = 51 on); ``pycma-stagnation``: pycma's tolstagnation (its length 100 + 100 d^1.5 / lambda,
the run's best older than half of it, medians of the generation-best losses not better);
``half-stagnation``: the same at half the length.
"""

from __future__ import annotations

import math
import sys
from concurrent.futures import ProcessPoolExecutor

import ioh
import numpy as np

from ovlr_bbo.box_bounds import ranking_keys
from ovlr_bbo.generator_search import GeneratorSearch
from ovlr_bbo.spaces import Box

FUNCTIONS, D = (15, 19, 20, 22, 23), 5


class PerCoordinate(GeneratorSearch):
    def _ranking_keys(self, losses: np.ndarray, outputs: np.ndarray) -> np.ndarray:
        return ranking_keys(losses, outputs, self.policy.mean.detach().numpy(), self._bounded,
                            self.policy.sigma, self.bound_penalty, per_coordinate=True)


class PycmaStagnation(GeneratorSearch):
    length_factor = 1.0

    def _restart_reason(self) -> str | None:
        reason = super()._restart_reason()
        if reason == "stagnation":
            reason = None
        return reason or ("stagnation" if self._stagnated() else None)

    def _stagnated(self) -> bool:
        run, d = self.run, self.space.output_size
        length = int(self.length_factor * (100 + 100 * d ** 1.5 / run.popsize))
        history, generations = run.history, run.generations
        if generations <= d * (5 + 100 / run.popsize) or len(history) <= 100:
            return False
        if generations - int(np.argmin(history)) <= length / 2:
            return False
        part = int(max(length / 10, len(history) / 10))
        if 2 * part >= len(history):
            return False
        return bool(np.median(history[-part:]) >= np.median(history[-2 * part:-part]))


class HalfStagnation(PycmaStagnation):
    length_factor = 0.5


VARIANTS = {"default": GeneratorSearch, "per-coordinate": PerCoordinate,
            "pycma-stagnation": PycmaStagnation, "half-stagnation": HalfStagnation}


def solved(job: tuple[str, int, int]) -> bool:
    name, fid, instance = job
    problem = ioh.get_problem(fid, instance, D, ioh.ProblemClass.BBOB)
    opt = VARIANTS[name](Box(-5, 5, dimension=D), seed=0)
    best = math.inf
    while opt.evaluations < 10_000 * D and best >= 1e-8:
        X = opt.ask()
        values = np.asarray(problem(X))
        opt.tell(X, values)
        best = min(best, float(values.min() - problem.optimum.y))
    return best < 1e-8


def main(names: list[str]) -> None:
    jobs = [(name, fid, instance) for name in names for fid in FUNCTIONS
            for instance in range(1, 6)]
    with ProcessPoolExecutor(2) as pool:
        results = dict(zip(jobs, pool.map(solved, jobs), strict=True))
    for name in names:
        per_function = {f: sum(results[(name, f, i)] for i in range(1, 6)) for f in FUNCTIONS}
        print(f"{name}: {sum(per_function.values())} of 25 solved {per_function}")


if __name__ == "__main__":
    main(sys.argv[1].split(",") if len(sys.argv) > 1 else list(VARIANTS))
