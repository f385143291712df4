"""Used for BENCHMARKS.md section 0.5 (eleventh session, 2026-12-07): how often ONE run at a
given population solves a BBOB function at d = 5 (instances 1-5, a few seeds), each run from a
random mean (as IPOP's restarts start) until its own stop rule or 50,000 evaluations: the
generator engine's run as an IPOP restart would have it, against pycma at the same population.

    python runs/experiments/one_run_at_lambda.py 23 32 cmaes 4
    python runs/experiments/one_run_at_lambda.py 23 32 ovlr 4
    python runs/experiments/one_run_at_lambda.py 23 32 ovlr 4 "{'rank_one': 0.0}"
    python runs/experiments/one_run_at_lambda.py 23 32 ovlr 4 "{'variant': 'pathfollows'}"
    python runs/experiments/one_run_at_lambda.py 23 32 ovlr 4 "{'default_popsize': 32}"

Options go to the engine; ``variant`` names a :mod:`multimodal_variants` variant;
``default_popsize`` makes the run count as one at the default population (no (G7'), no growth of
the shape rate).
"""

import ast
import sys

import ioh
import numpy as np
from multimodal_variants import Variant

from ovlr_bbo.optimizers import make_optimizer
from ovlr_bbo.spaces import Box

BUDGET = 50_000


def one_run(name: str, fid: int, instance: int, seed: int, popsize: int,
            options: dict) -> tuple[float, int]:
    """(best precision, evaluations) of one run."""
    problem = ioh.get_problem(fid, instance, 5, ioh.ProblemClass.BBOB)
    box = Box(-5, 5, dimension=5)
    if name == "ovlr":
        options = dict(options)
        default_popsize = options.pop("default_popsize", None)
        opt = Variant(box, options.pop("variant", "default"), seed=seed, **options)
        if default_popsize:
            opt.default_popsize = int(default_popsize)
        start = np.random.default_rng(1000 + seed).uniform(-0.8, 0.8, 5)
        opt._start_run(1, popsize, "large", opt.sigma0, start)
        opt.large_restarts = 1

        def stopped() -> bool:
            return opt.run.index != 1
    else:
        opt = make_optimizer("cmaes", box, seed=seed, popsize=popsize, restarts=False)

        def stopped() -> bool:
            return bool(opt.es.stop())
    used, best = 0, np.inf
    while used < BUDGET and not stopped() and best >= 1e-8:
        X = opt.ask()
        values = np.asarray(problem(X))
        opt.tell(X, values)
        used, best = used + len(X), min(best, float(values.min() - problem.optimum.y))
    return best, used


def main() -> None:
    fid, popsize, name, seeds = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    options = ast.literal_eval(sys.argv[5]) if len(sys.argv) > 5 else {}
    runs = [one_run(name, fid, instance, seed, popsize, options)
            for instance in range(1, 6) for seed in range(seeds)]
    best = np.array([b for b, _ in runs])
    print(f"f{fid} lambda {popsize} {name} {options}: solved {np.sum(best < 1e-8)}/{len(best)}, "
          f"median best {np.median(best):.3g}, mean evaluations "
          f"{np.mean([u for _, u in runs]):.0f}", flush=True)


if __name__ == "__main__":
    main()
