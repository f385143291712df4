"""Used for BENCHMARKS.md section 0.5 (eleventh session, 2026-12-07): each run between restarts of
one IPOP run on a BBOB function at d = 5 (50,000 evaluations, seed 0), for OVLR (the generator
engine through ``make_optimizer``) or pycma: population, generations, why it stopped, its best.

    python runs/experiments/restart_log.py 19 1-5 ovlr
    python runs/experiments/restart_log.py 23 1-5 cmaes
"""

import sys

import ioh
import numpy as np

from ovlr_bbo.bench.config import parse_int_list
from ovlr_bbo.optimizers import make_optimizer
from ovlr_bbo.spaces import Box

BUDGET = 50_000


def restart_log(name: str, fid: int, instance: int) -> tuple[float, list[str]]:
    problem = ioh.get_problem(fid, instance, 5, ioh.ProblemClass.BBOB)
    opt = make_optimizer(name, Box(-5, 5, dimension=5), seed=0, budget=BUDGET)
    if name == "ovlr":
        engine = next(part for part in opt.parts if hasattr(part, "engine")).engine

        def current() -> tuple[int, int, int]:
            return engine.run.index, engine.run.popsize, engine.run.generations

        def reason() -> str:
            return engine._restart_reason() or ""
    else:
        def current() -> tuple[int, int, int]:
            return opt.n_restarts, opt._popsize, opt.es.countiter

        def reason() -> str:
            return ", ".join(sorted(opt.es.stop()))
    lines: list[str] = []
    used, best, run_best = 0, np.inf, np.inf
    while used < BUDGET and best >= 1e-8:
        index, popsize, generations = current()
        why = reason()  # the stop the next ask acts on
        X = opt.ask()
        if current()[0] != index:
            lines.append(f"lambda {popsize}: {generations} generations, {why}, best {run_best:.3g}")
            run_best = np.inf
        values = np.asarray(problem(X)) - problem.optimum.y
        opt.tell(X, values + problem.optimum.y)
        used, best = used + len(X), min(best, float(values.min()))
        run_best = min(run_best, float(values.min()))
    index, popsize, generations = current()
    lines.append(f"lambda {popsize}: {generations} generations, budget or target, best "
                 f"{run_best:.3g}")
    return best, lines


def main() -> None:
    fid, name = int(sys.argv[1]), sys.argv[3]
    for instance in parse_int_list(sys.argv[2], "instances"):
        best, lines = restart_log(name, fid, instance)
        print(f"f{fid} instance {instance} {name}: best {best:.3g}\n  " + "\n  ".join(lines),
              flush=True)


if __name__ == "__main__":
    main()
